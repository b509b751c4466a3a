"""Writing articles: a translation's save renders and sanitises its Markdown, keeps a
revision, leaves a redirect behind a changed slug and rebuilds the search vector, all in one
transaction; scheduled articles are published when their time comes."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from knowledgebase.cache import help_center_changed
from knowledgebase.models import (
    Article,
    ArticleRevision,
    ArticleTranslation,
    Language,
    SlugRedirect,
    Status,
)
from knowledgebase.models.languages import SEARCH_CONFIG
from knowledgebase.rendering import render
from knowledgebase.search.text import document, fold
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope

TRANSLATION_FIELDS = ["title", "slug", "summary", "body", "tags"]
MAX_BODY = 200_000
MAX_TITLE, MAX_SUMMARY, MAX_SLUG, MAX_TAGS = 200, 500, 200, 20


def slug_for(title: str) -> str:
    return slugify(title, allow_unicode=True)[:200].strip("-")


def translation_validate(*, tenant: Tenant, article: Article | None, language: str,
                         values: dict) -> dict:  # fmt: skip
    """The translation's values cleaned (slug made from the title when empty), or a
    ValidationError naming each bad field."""
    errors = {}
    if language not in Language.values:
        errors["language"] = [_("Unknown language: %(code)s") % {"code": language}]
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = [_("An article needs a title.")]
    elif len(title) > MAX_TITLE:
        errors["title"] = [_("A title is at most %(n)s characters.") % {"n": MAX_TITLE}]
    if len((values.get("summary") or "").strip()) > MAX_SUMMARY:
        errors["summary"] = [_("A summary is at most %(n)s characters.") % {"n": MAX_SUMMARY}]
    body = values.get("body") or ""
    if len(body) > MAX_BODY:
        errors["body"] = [_("The body is longer than %(n)s characters.") % {"n": MAX_BODY}]
    slug = (values.get("slug") or "").strip() or slug_for(title)
    if title and not slug:
        errors["slug"] = [_("Choose a slug: the title has no letters or digits to make one.")]
    elif len(slug) > MAX_SLUG:
        errors["slug"] = [_("A slug is at most %(n)s characters.") % {"n": MAX_SLUG}]
    elif slug and slug != slug_for(slug):
        errors["slug"] = [_("Use letters, digits and hyphens only in a slug.")]
    tags = [str(tag).strip() for tag in values.get("tags") or [] if str(tag).strip()]
    if any(len(tag) > 60 for tag in tags):
        errors["tags"] = [_("A tag is at most 60 characters.")]
    elif len(set(tags)) > MAX_TAGS:
        errors["tags"] = [_("An article has at most %(n)s tags.") % {"n": MAX_TAGS}]
    if slug and language in Language.values:
        with tenant_scope(tenant):
            taken = ArticleTranslation.objects.filter(language=language, slug=slug)
            if article is not None and article.pk:
                taken = taken.exclude(article=article)
            if taken.exists():
                errors["slug"] = [
                    _("Another article in this language already has the slug “%(slug)s”.")
                    % {"slug": slug}
                ]
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "slug": slug,
        "summary": (values.get("summary") or "").strip(),
        "body": body,
        "tags": list(dict.fromkeys(tags)),
    }


@transaction.atomic
def translation_save(*, tenant: Tenant, article: Article, language: str, values: dict,
                     saved_by: Membership | None = None) -> ArticleTranslation:  # fmt: skip
    """Create or change `article`'s translation in `language`."""
    clean = translation_validate(tenant=tenant, article=article, language=language, values=values)
    with tenant_scope(tenant):
        translation = (
            ArticleTranslation.objects.select_for_update()
            .filter(article=article, language=language)
            .first()
        )
        old_slug = translation.slug if translation is not None else None
        if translation is None:
            translation = ArticleTranslation(tenant=tenant, article=article, language=language)
        unchanged = old_slug is not None and all(
            getattr(translation, name) == clean[name] for name in TRANSLATION_FIELDS
        )
        for name, value in clean.items():
            setattr(translation, name, value)
        rendered = render(translation.body)
        translation.body_html, translation.plain, translation.toc = (
            rendered.html, rendered.plain, rendered.toc
        )  # fmt: skip
        # Typo-tolerant matching compares the query with these words (Romanian folded, as
        # its queries are).
        translation.fuzzy = fold(
            " ".join([translation.title, *translation.tags, translation.summary]), language
        ).lower()
        translation.save()
        # An old address of this article in this language leads to the new one; an address
        # taken again by this slug is no longer an old one.
        SlugRedirect.objects.filter(language=language, old_slug=clean["slug"]).delete()
        if old_slug and old_slug != clean["slug"]:
            SlugRedirect.objects.update_or_create(
                language=language, old_slug=old_slug, defaults={"article": article}
            )
        if not unchanged:
            number = (translation.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
            ArticleRevision.objects.create(
                tenant=tenant, translation=translation, number=number, saved_by=saved_by,
                **{name: clean[name] for name in TRANSLATION_FIELDS},
            )  # fmt: skip
        search_vectors_update(tenant=tenant, translation_ids=[translation.pk])
        Article.objects.filter(pk=article.pk).update(updated_at=timezone.now())
    help_center_changed(tenant)
    return translation


@transaction.atomic
def revision_restore(*, tenant: Tenant, revision: ArticleRevision,
                     saved_by: Membership | None = None) -> ArticleTranslation:  # fmt: skip
    """Save `revision`'s words again as the translation's newest revision."""
    translation = revision.translation
    return translation_save(
        tenant=tenant, article=translation.article, language=translation.language,
        values={name: getattr(revision, name) for name in TRANSLATION_FIELDS}, saved_by=saved_by,
    )  # fmt: skip


def search_vectors_update(*, tenant: Tenant, translation_ids: list[int]) -> None:
    """Rebuild the weighted search vectors (title A, tags B, summary C, body D) of the given
    translations, each in its language's configuration, from their prepared text."""
    with tenant_scope(tenant):
        rows = list(
            ArticleTranslation.objects.filter(pk__in=translation_ids).values_list(
                "pk", "language", "title", "tags", "summary", "plain"
            )
        )
    values = [
        (
            pk,
            SEARCH_CONFIG[language],
            document(title, language),
            document(" ".join(tags), language),
            document(summary, language),
            document(plain, language),
        )  # fmt: skip
        for pk, language, title, tags, summary, plain in rows
    ]
    if not values:
        return
    with tenant_scope(tenant), connection.cursor() as cursor:
        # The tenant condition repeats the scope: the ids came from this tenant's rows.
        cursor.executemany(
            """
            UPDATE knowledgebase_articletranslation
               SET search = setweight(to_tsvector(%s::regconfig, %s), 'A')
                         || setweight(to_tsvector(%s::regconfig, %s), 'B')
                         || setweight(to_tsvector(%s::regconfig, %s), 'C')
                         || setweight(to_tsvector(%s::regconfig, %s), 'D')
             WHERE id = %s AND tenant_id = %s
            """,
            [
                (cfg, title, cfg, tags, cfg, summary, cfg, plain, pk, tenant.pk)
                for pk, cfg, title, tags, summary, plain in values
            ],
        )


def articles_publish_due(*, tenant: Tenant, now=None) -> int:
    """Publish the tenant's scheduled articles whose time has come; the number published.
    Idempotent: a published article is not scheduled any more."""
    now = now or timezone.now()
    with tenant_scope(tenant):
        count = Article.objects.filter(status=Status.SCHEDULED, publish_at__lte=now).update(
            status=Status.PUBLISHED, published_at=now
        )
    if count:
        help_center_changed(tenant)
    return count
