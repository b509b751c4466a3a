"""Demo help center: its settings in four languages, categories and sections, articles of every
kind written through the save service (rendered, revised, one slug renamed), related
articles, an image, and thirty days of what readers did (views, "was this helpful?" answers,
searches, some finding nothing).

The articles are added once, like the tenant's other configuration; the readers' history is
customer data, deleted by `seed_demo --reset` and written again. Nothing here depends on the
number of accounts seeded."""

import io
from collections import Counter
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from csplatform.demo.seed.kb_content import (
    ARTICLES,
    CATEGORIES,
    COMMENTS,
    FEEDBACK,
    LANGUAGES,
    RENAMED,
    SEARCHES,
    SECOND_REVISIONS,
)
from knowledgebase.models import (
    Article,
    ArticleFeedback,
    ArticleImage,
    ArticleTranslation,
    ArticleViewDay,
    Category,
    HelpCenter,
    RelatedArticle,
    SearchQuery,
    Status,
)
from knowledgebase.services.articles import translation_save
from knowledgebase.services.images import image_markdown, image_upload
from tenants.models import Membership, Role, Tenant
from tenants.tenancy.context import tenant_scope

EXTERNAL_PREFIX = "demo-"  # the demo articles' external ids: "demo-<key>"
DAYS = 30
# Of every hundred readers, how many read in each language.
LANGUAGE_SHARE = {"en": 0.55, "zh-hans": 0.15, "ru": 0.18, "ro": 0.12}
IMAGE_NAME = "shared-dashboard.png"


def knowledgebase_demo(*, tenant: Tenant, seed: int) -> Counter:
    rows = Counter()
    with tenant_scope(tenant):
        empty = not Article.objects.exists() and not Category.objects.exists()
    if empty:
        rows.update(_content(tenant))
    rows.update(_readers(tenant, seed))
    return rows


def _content(tenant: Tenant) -> Counter:
    rows = Counter()
    now = timezone.now()
    with tenant_scope(tenant):
        author = Membership.objects.filter(role__in=[Role.OWNER, Role.ADMIN]).order_by("pk").first()
        if not HelpCenter.objects.exists():
            HelpCenter.objects.create(title="", languages=LANGUAGES, fallback_language="en")
            rows["knowledgebase.HelpCenter"] = 1
        categories = {}
        for position, (slug, parent, name, description) in enumerate(CATEGORIES):
            categories[slug] = Category.objects.create(
                slug=slug,
                parent=categories.get(parent),
                position=position,
                name=name,
                description=description,
            )
        rows["knowledgebase.Category"] = len(categories)
        articles = {}
        for position, spec in enumerate(ARTICLES):
            status = spec["status"]
            articles[spec["key"]] = Article.objects.create(
                category=categories[spec["section"]],
                kind=spec["kind"],
                status=status,
                position=position,
                help_key=spec["help_key"],
                external_id=EXTERNAL_PREFIX + spec["key"],
                author=author,
                # Written over the last months, a few days apart.
                published_at=now - timedelta(days=90 - 5 * position)
                if status == Status.PUBLISHED
                else None,
                publish_at=now + timedelta(days=7) if status == Status.SCHEDULED else None,
            )
        rows["knowledgebase.Article"] = len(articles)
    for spec in ARTICLES:
        for language, values in spec["translations"].items():
            translation_save(
                tenant=tenant,
                article=articles[spec["key"]],
                language=language,
                values=values,
                saved_by=author,
            )
            rows["knowledgebase.ArticleTranslation"] += 1
            rows["knowledgebase.ArticleRevision"] += 1
    by_key = {spec["key"]: spec for spec in ARTICLES}
    image = _image(tenant, author)
    rows["knowledgebase.ArticleImage"] = 1
    second = dict(SECOND_REVISIONS)
    second[("share-dashboard", "en")] = "\n" + image_markdown(image, tenant) + "\n"
    for (key, language), addition in second.items():
        values = dict(by_key[key]["translations"][language])
        values["body"] += addition
        translation_save(
            tenant=tenant, article=articles[key], language=language, values=values, saved_by=author
        )
        rows["knowledgebase.ArticleRevision"] += 1
    key, language, slug = RENAMED
    values = dict(by_key[key]["translations"][language], slug=slug)
    translation_save(
        tenant=tenant, article=articles[key], language=language, values=values, saved_by=author
    )
    rows["knowledgebase.ArticleRevision"] += 1
    rows["knowledgebase.SlugRedirect"] = 1
    with tenant_scope(tenant):
        related = [
            RelatedArticle(
                article=articles[spec["key"]], related=articles[other], position=position
            )
            for spec in ARTICLES
            for position, other in enumerate(spec["related"])
        ]
        RelatedArticle.objects.bulk_create(related)
    rows["knowledgebase.RelatedArticle"] = len(related)
    return rows


def _image(tenant: Tenant, author: Membership | None) -> ArticleImage:
    """A small picture of a dashboard (bars), uploaded as an author uploads one."""
    picture = Image.new("RGB", (240, 120), "white")
    draw = ImageDraw.Draw(picture)
    for index, height in enumerate([40, 70, 55, 90, 65, 100]):
        left = 20 + index * 36
        draw.rectangle([left, 110 - height, left + 24, 110], fill=(37, 99, 235))
    data = io.BytesIO()
    picture.save(data, format="PNG")
    upload = ContentFile(data.getvalue(), name=IMAGE_NAME)
    return image_upload(tenant=tenant, file=upload, uploaded_by=author)


def _readers(tenant: Tenant, seed: int) -> Counter:
    """Thirty days of views, feedback and searches up to today, unless the help center
    already has them."""
    rows = Counter()
    rng = np.random.default_rng(seed + 29)
    zone = ZoneInfo(tenant.time_zone)
    today = tenant.today()
    with tenant_scope(tenant):
        if ArticleViewDay.objects.exists():
            return rows
        ids = dict(
            Article.objects.filter(
                external_id__startswith=EXTERNAL_PREFIX, status=Status.PUBLISHED
            ).values_list("external_id", "pk")
        )
        languages = set(
            ArticleTranslation.objects.filter(article_id__in=ids.values()).values_list(
                "article_id", "language"
            )
        )
        articles = {
            spec["key"]: (ids[EXTERNAL_PREFIX + spec["key"]], spec["views"])
            for spec in ARTICLES
            if EXTERNAL_PREFIX + spec["key"] in ids
        }
        views = []
        for article_id, daily in articles.values():
            for language, share in LANGUAGE_SHARE.items():
                if (article_id, language) not in languages:
                    continue
                counts = rng.poisson(daily * share, DAYS)
                views += [
                    ArticleViewDay(
                        article_id=article_id,
                        language=language,
                        day=today - timedelta(days=back),
                        views=int(count),
                    )
                    for back, count in enumerate(counts)
                    if count
                ]
        ArticleViewDay.objects.bulk_create(views, ignore_conflicts=True)
        rows["knowledgebase.ArticleViewDay"] = len(views)

        def moment():
            back = int(rng.integers(0, DAYS))
            hour = int(rng.integers(8, 22))
            return datetime.combine(today - timedelta(days=back), time(hour), zone)

        feedback = []
        for key, helpful, unhelpful, reasons in FEEDBACK:
            if key not in articles:
                continue
            article_id = articles[key][0]
            for number in range(helpful + unhelpful):
                reason = reasons[number - helpful] if number >= helpful else ""
                language = rng.choice(list(LANGUAGE_SHARE), p=list(LANGUAGE_SHARE.values()))
                if (article_id, language) not in languages:
                    language = "en"
                feedback.append(
                    ArticleFeedback(
                        article_id=article_id,
                        language=language,
                        helpful=number < helpful,
                        reason=reason,
                        comment=COMMENTS.get(reason, "") if number % 2 else "",
                    )
                )
        searches = [
            SearchQuery(language=language, query=query, results=results)
            for language, asked in SEARCHES.items()
            for query, results, times in asked
            for _ in range(times)
        ]
        ArticleFeedback.objects.bulk_create(feedback)
        SearchQuery.objects.bulk_create(searches)
        # created_at is stamped "now" on insert; spread them over the month after.
        for row in [*feedback, *searches]:
            row.created_at = moment()
        ArticleFeedback.objects.bulk_update(feedback, ["created_at"])
        SearchQuery.objects.bulk_update(searches, ["created_at"])
    rows["knowledgebase.ArticleFeedback"] = len(feedback)
    rows["knowledgebase.SearchQuery"] = len(searches)
    return rows
