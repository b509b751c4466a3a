"""Writing whole articles at once, as the API and integrators syncing their docs do: the
article's fields and any of its translations in one transaction, each translation saved
through translation_save (rendered, revised, redirected, indexed); an upsert by external id;
and categories' writes, which move the help center's cache on like any visible change.

Errors name their place: a translation's bad slug is {"translations.ru.slug": [...]}.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledgebase.cache import help_center_changed
from knowledgebase.models import Article, ArticleTranslation, Category, Language, Status
from knowledgebase.services.articles import (
    TRANSLATION_FIELDS,
    translation_save,
    translation_validate,
)
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope

ARTICLE_FIELDS = ["category", "kind", "status", "publish_at", "position", "help_key",
                  "external_id"]  # fmt: skip


def translations_check(*, tenant: Tenant, article: Article | None, translations: dict) -> dict:
    """Each translation's values merged over its saved ones and validated; raises one
    ValidationError naming every bad translation and field."""
    existing = {}
    if article is not None and article.pk:
        with tenant_scope(tenant):
            existing = {
                t.language: {name: getattr(t, name) for name in TRANSLATION_FIELDS}
                for t in ArticleTranslation.objects.filter(
                    # Only real languages reach the query (a key may hold anything, NUL too).
                    article=article,
                    language__in=[c for c in translations if c in Language.values],
                )
            }
    merged, errors = {}, {}
    for language, values in translations.items():
        if language not in Language.values:
            errors[f"translations.{language}"] = [
                _("Unknown language: %(code)s") % {"code": language}
            ]
            continue
        values = {**existing.get(language, {}), **values}
        if language not in existing and not values.get("slug"):
            values.pop("slug", None)
        try:
            merged[language] = translation_validate(
                tenant=tenant, article=article, language=language, values=values
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[f"translations.{language}.{name}"] = messages
    if errors:
        raise ValidationError(errors)
    return merged


def _publication_check(fields: dict, article: Article | None) -> None:
    status = fields.get("status", article.status if article else Status.DRAFT)
    publish_at = fields.get("publish_at", article.publish_at if article else None)
    if status == Status.SCHEDULED and publish_at is None:
        raise ValidationError({"publish_at": [_("A scheduled article needs a time to publish.")]})


@transaction.atomic
def article_save(*, tenant: Tenant, article: Article | None, fields: dict,
                 translations: dict | None = None,
                 saved_by: Membership | None = None) -> Article:  # fmt: skip
    """Create (`article` None) or change an article and the translations given
    ({language: {title, slug?, summary?, body?, tags?}}); translations not named are kept."""
    translations = translations or {}
    unknown = set(fields) - set(ARTICLE_FIELDS)
    if unknown:
        raise ValueError(f"not article fields: {sorted(unknown)}")
    _publication_check(fields, article)
    if article is None and not translations:
        raise ValidationError({"translations": [_("An article needs at least one translation.")]})
    clean = translations_check(tenant=tenant, article=article, translations=translations)
    with tenant_scope(tenant):
        if article is None:
            article = Article(tenant=tenant, author=saved_by)
        for name, value in fields.items():
            setattr(article, name, value)
        if article.status == Status.PUBLISHED and article.published_at is None:
            article.published_at = timezone.now()
        article.save()
    for language, values in clean.items():
        translation_save(tenant=tenant, article=article, language=language, values=values,
                         saved_by=saved_by)  # fmt: skip
    help_center_changed(tenant)
    return article


@transaction.atomic
def article_upsert(*, tenant: Tenant, external_id: str, fields: dict,
                   translations: dict | None = None,
                   saved_by: Membership | None = None) -> tuple[Article, bool]:  # fmt: skip
    """The article with this external id created or changed; (article, created)."""
    with tenant_scope(tenant):
        article = Article.objects.select_for_update().filter(external_id=external_id).first()
    fields = {**fields, "external_id": external_id}
    saved = article_save(tenant=tenant, article=article, fields=fields,
                         translations=translations, saved_by=saved_by)  # fmt: skip
    return saved, article is None


@transaction.atomic
def article_delete(*, tenant: Tenant, article: Article) -> None:
    with tenant_scope(tenant):
        Article.objects.filter(pk=article.pk).delete()
    help_center_changed(tenant)


def _category_check(tenant: Tenant, category: Category | None, fields: dict) -> None:
    errors = {}
    parent = fields.get("parent", category.parent if category else None)
    if parent is not None:
        if parent.parent_id is not None:
            errors["parent"] = [_("A section cannot have sections: choose a top-level category.")]
        elif category is not None and parent.pk == category.pk:
            errors["parent"] = [_("A category cannot be its own section.")]
        elif category is not None and category.pk is not None:
            with tenant_scope(tenant):
                if Category.objects.filter(parent=category).exists():
                    errors["parent"] = [_("A category with sections cannot become a section.")]
    slug = fields.get("slug")
    if slug:
        with tenant_scope(tenant):
            taken = Category.objects.filter(slug=slug)
            if category is not None and category.pk:
                taken = taken.exclude(pk=category.pk)
            if taken.exists():
                errors["slug"] = [_("Another category already has this slug.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def category_save(*, tenant: Tenant, category: Category | None, fields: dict) -> Category:
    """Create (`category` None) or change a category or section."""
    _category_check(tenant, category, fields)
    with tenant_scope(tenant):
        category = category or Category(tenant=tenant)
        for name, value in fields.items():
            setattr(category, name, value)
        category.save()
    help_center_changed(tenant)
    return category


@transaction.atomic
def category_delete(*, tenant: Tenant, category: Category) -> None:
    """Delete an empty category (with its empty sections)."""
    with tenant_scope(tenant):
        if Article.objects.filter(category__in=[category, *category.sections.all()]).exists():
            raise ValidationError(
                {"category": [_("Move or delete its articles first: this category has some.")]}
            )
        category.delete()
    help_center_changed(tenant)
