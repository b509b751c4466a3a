"""The help center's search: GET ?q= shows the matching published articles with their
matched words highlighted, and spelling suggestions when nothing matches. In the visitor's
language first; when it has no match, in the fallback language (said on the page).

As the visitor types, htmx asks for the results list alone (after a pause in typing) and
puts the search's address in the location bar, so the results can be shared or reloaded;
going back restores the whole page. Every search that ran is logged (knowledgebase.search
.query.search_log), also the ones made by a pause in typing: a visitor who types, reads the
results and clicks one never presses Enter, and those are the searches that matter most."""

from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator

from knowledgebase.search.query import search_articles, search_log
from knowledgebase.views.base import HelpCenterView
from tenants.public_rate import help_search_rate_limited

PER_PAGE = 10
MAX_PAGES = 50
# What reaches the search: the search reads its first 200 characters anyway.
MAX_QUERY = 200


def page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGES)


@method_decorator(help_search_rate_limited, name="dispatch")
class HelpSearchView(HelpCenterView):
    def get(self, request, tenant_slug):
        query = (request.GET.get("q") or "").replace("\x00", "")[:MAX_QUERY].strip()
        number = page_number(request.GET.get("page"))
        results, other_language = None, None
        if query:
            results = search_articles(tenant=self.tenant, language=self.language, query=query,
                                      limit=PER_PAGE, offset=(number - 1) * PER_PAGE)  # fmt: skip
            if not results.total and self.center.fallback_language != self.language:
                fallback = search_articles(
                    tenant=self.tenant, language=self.center.fallback_language, query=query,
                    limit=PER_PAGE, offset=(number - 1) * PER_PAGE,
                )  # fmt: skip
                if fallback.total:
                    results, other_language = fallback, self.center.fallback_language
            search_log(tenant=self.tenant, language=self.language, query=query,
                       results=results.total, fuzzy=results.fuzzy)  # fmt: skip
        partial = request.htmx and not request.htmx.history_restore_request
        template = "knowledgebase/search.html#results" if partial else "knowledgebase/search.html"
        response = self.page(
            request, template, query=query, results=results, page_number=number,
            other_language=other_language,
            has_next=bool(results) and number * PER_PAGE < results.total and number < MAX_PAGES,
            status=200,
        )  # fmt: skip
        # Results follow every publish; a browser may not keep them.
        patch_cache_control(response, no_cache=True)
        return response
