"""What the help center's readers did lately, for the team that writes it: the most viewed
articles, the least helpful ones (with why readers said so), the top searches and the
searches that found nothing: the content to write next. A fixed number of queries, however
many articles, views and searches there are."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, FloatField, Max, Q, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext

from knowledgebase.models import (
    Article,
    ArticleFeedback,
    ArticleTranslation,
    ArticleViewDay,
    FeedbackReason,
    SearchQuery,
    Status,
)
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

DAYS = 30
MIN_ANSWERS = 5
LIMIT = 10


@dataclass
class ViewedArticle:
    article_id: int
    views: int
    title: str = ""


@dataclass
class UnhelpfulArticle:
    article_id: int
    answers: int
    helpful: int
    title: str = ""
    reasons: list[tuple[str, int]] = field(default_factory=list)  # (label, count), most first

    @property
    def percent(self) -> int:
        return round(100 * self.helpful / self.answers) if self.answers else 0


@dataclass
class Search:
    query: str
    language: str
    count: int
    results: int  # the most it found


@dataclass
class KnowledgeBaseAnalytics:
    days: int
    since: date
    published: int
    views: int
    most_viewed: list[ViewedArticle]
    least_helpful: list[UnhelpfulArticle]
    top_searches: list[Search]
    no_results: list[Search]
    min_answers: int

    @property
    def is_empty(self) -> bool:
        return not (self.views or self.least_helpful or self.top_searches or self.no_results)


def kb_analytics(*, tenant: Tenant, language: str, today: date, days: int = DAYS,
                 min_answers: int = MIN_ANSWERS,
                 limit: int = LIMIT) -> KnowledgeBaseAnalytics:  # fmt: skip
    """The last `days` days up to `today` (the tenant's date); titles in `language` when the
    article has it, else in another of its languages."""
    since = today - timedelta(days=days - 1)
    start = datetime.combine(since, time(0), ZoneInfo(tenant.time_zone))
    with tenant_scope(tenant):
        published = Article.objects.filter(status=Status.PUBLISHED).count()
        days_views = ArticleViewDay.objects.filter(day__gte=since, day__lte=today)
        total = days_views.aggregate(n=Sum("views"))["n"] or 0
        most_viewed = [
            ViewedArticle(article_id=row["article_id"], views=row["n"])
            for row in days_views.values("article_id")
            .annotate(n=Sum("views"))
            .order_by("-n", "article_id")[:limit]
        ]
        answers = ArticleFeedback.objects.filter(created_at__gte=start)
        least_helpful = [
            UnhelpfulArticle(article_id=row["article_id"], answers=row["n"], helpful=row["yes"])
            for row in answers.values("article_id")
            .annotate(n=Count("id"), yes=Count("id", filter=Q(helpful=True)))
            .filter(n__gte=min_answers, yes__lt=F("n"))
            .annotate(ratio=Cast("yes", FloatField()) / Cast("n", FloatField()))
            .order_by("ratio", "-n", "article_id")[:limit]
        ]
        reasons = defaultdict(list)
        for row in (
            answers.filter(helpful=False, article_id__in=[a.article_id for a in least_helpful])
            .values("article_id", "reason")
            .annotate(n=Count("id"))
            .order_by("article_id", "-n", "reason")
        ):
            reasons[row["article_id"]].append((row["reason"], row["n"]))
        searches = (
            SearchQuery.objects.filter(created_at__gte=start)
            .values("query", "language")
            .annotate(n=Count("id"), found=Max("results"))
        )
        top = [_search(row) for row in searches.order_by("-n", "query", "language")[:limit]]
        empty = [
            _search(row)
            for row in searches.filter(found=0).order_by("-n", "query", "language")[:limit]
        ]
        ids = {a.article_id for a in most_viewed} | {a.article_id for a in least_helpful}
        titles = _titles(ids, language)
    labels = dict(FeedbackReason.choices)
    for article in [*most_viewed, *least_helpful]:
        article.title = titles.get(article.article_id, "")
    for article in least_helpful:
        article.reasons = [
            (str(labels.get(reason, "")) or gettext("No reason given"), n)
            for reason, n in reasons[article.article_id]
        ]
    return KnowledgeBaseAnalytics(
        days=days, since=since, published=published, views=total, most_viewed=most_viewed,
        least_helpful=least_helpful, top_searches=top, no_results=empty, min_answers=min_answers,
    )  # fmt: skip


def _search(row) -> Search:
    return Search(query=row["query"], language=row["language"], count=row["n"],
                  results=row["found"])  # fmt: skip


def _titles(ids: set[int], language: str) -> dict[int, str]:
    """Each article's title in `language`, else its English one, else any."""
    if not ids:
        return {}
    preference = {language: 0, "en": 1}
    best: dict[int, tuple[int, str]] = {}
    for article_id, lang, title in ArticleTranslation.objects.filter(
        article_id__in=ids
    ).values_list("article_id", "language", "title"):
        rank = preference.get(lang, 2)
        if article_id not in best or rank < best[article_id][0]:
            best[article_id] = (rank, title)
    return {article_id: title for article_id, (_, title) in best.items()}
