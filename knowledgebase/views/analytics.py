"""The knowledge base page of the signed-in app (/knowledge-base/): what the help center's
readers did in the last 30 days, for owners, admins and CSMs; with links to write articles
(the admin site) and to the public help center."""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from knowledgebase.models.languages import Language, language_or
from knowledgebase.selectors.analytics import KnowledgeBaseAnalytics, kb_analytics
from tenants.models.membership import WRITE_ROLES
from tenants.tenancy.views import TenantView

CHART_WIDTH, LABEL_WIDTH, VALUE_SPACE, ROW = 720, 300, 60, 28


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float
    value_x: float


def _url(name: str, *args) -> str:
    """The address of a page another part of the product serves, or "" when it is absent."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def views_chart(analytics: KnowledgeBaseAnalytics) -> dict:
    """Geometry of the most-viewed bar chart: the label left, the bar and its count right."""
    top = max((a.views for a in analytics.most_viewed), default=0)
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_SPACE
    bars = [
        Bar(
            label=(a.title[:40] + "…") if len(a.title) > 41 else a.title,
            value=a.views,
            y=index * ROW,
            width=(width := round(span * a.views / top, 1) if top else 0),
            value_x=LABEL_WIDTH + width + 6,
        )
        for index, a in enumerate(analytics.most_viewed)
    ]
    return {"width": CHART_WIDTH, "height": max(len(bars) * ROW, ROW), "left": LABEL_WIDTH,
            "bars": bars}  # fmt: skip


class KnowledgeBaseAnalyticsView(TenantView):
    http_method_names = ["get"]
    read_roles = WRITE_ROLES  # owners, admins and CSMs

    def get(self, request):
        tenant = request.tenant
        analytics = kb_analytics(
            tenant=tenant, language=language_or(get_language(), "en"), today=tenant.today()
        )
        edit = _url("admin:knowledgebase_article_change", 0)
        for article in [*analytics.most_viewed, *analytics.least_helpful]:
            article.edit_url = edit.replace("/0/", f"/{article.article_id}/") if edit else ""
        labels = dict(Language.choices)
        for search in [*analytics.top_searches, *analytics.no_results]:
            search.language_label = labels.get(search.language, search.language)
        context = {
            "analytics": analytics,
            "chart": views_chart(analytics),
            "write_url": _url("admin:knowledgebase_article_add") or _url("admin:index"),
            "help_url": _url("help-home", tenant.slug),
        }
        return render(request, "knowledgebase/analytics.html", context)
