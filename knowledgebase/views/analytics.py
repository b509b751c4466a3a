"""The knowledge base page of the signed-in app (/knowledge-base/): what the help center's
readers did in the last 30 days, for owners, admins and CSMs; with links to write articles
(the admin site) and to the public help center."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import get_language

from knowledgebase.models.languages import Language, language_or
from knowledgebase.selectors.analytics import KnowledgeBaseAnalytics, kb_analytics
from tenants.charts import Bar, BarChart, bar_chart
from tenants.models.membership import WRITE_ROLES
from tenants.tenancy.views import TenantView

# Titles shortened beside the bars (in full in the table below): a phone's drawing is narrower.
LABEL_CHARS = {"wide": 80, "compact": 40}


def _url(name: str, *args) -> str:
    """The address of a page another part of the product serves, or "" when it is absent."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def views_chart(analytics: KnowledgeBaseAnalytics) -> dict:
    """The most-viewed articles as bars of the shared chart module, one drawing per size."""

    def bars(size: str) -> BarChart:
        rows = [
            Bar(Truncator(a.title).chars(LABEL_CHARS[size]), a.views, str(a.views))
            for a in analytics.most_viewed
        ]
        return bar_chart(rows, size=size)

    return {"chart": bars("wide"), "compact": bars("compact")}


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
