"""In-app help: the tenant's product links to /help/<tenant>/key/<help key>/, which
redirects to the article with that help key in the visitor's language (?lang=, else the
browser's Accept-Language, else the fallback language); an unknown key answers the help
center's 404 page with a search box.

The help widget is the small page the product shows in a frame beside its screens:
/help/<tenant>/widget/?key=<help key>&lang=<language> lists the article with that key and
the others of its section, with a search box; links open in a new tab. Only the origins in
the help center's widget origins may frame it (Content-Security-Policy frame-ancestors;
X-Frame-Options is left off, as it cannot name an origin); with none set, nobody may."""

from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_exempt

from knowledgebase.selectors.help_center import widget_origins
from knowledgebase.selectors.public import key_article_for, widget_articles_for
from knowledgebase.views.base import HelpCenterView, cache_name, clean_text

MAX_KEY = 100


class HelpKeyView(HelpCenterView):
    has_language = False

    def get(self, request, tenant_slug, help_key):
        key = clean_text(help_key, MAX_KEY)
        found = key_article_for(self.tenant, self.center, self.language, key) if key else None
        if found is None:
            return self.not_found(request)
        # At the address of the language shown (the fallback's when the visitor's is
        # missing): a slug names one article in its own language only.
        response = redirect("help-article", tenant_slug=tenant_slug, lang=found.language,
                            slug=found.slug)  # fmt: skip
        patch_vary_headers(response, ["Accept-Language"])
        return response


@method_decorator(xframe_options_exempt, name="dispatch")
class HelpWidgetView(HelpCenterView):
    has_language = False

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        center = getattr(self, "center", None)
        origins = widget_origins(center) if center is not None else []
        response._csp_replace = {"frame-ancestors": origins or ["'none'"]}
        return response

    def get(self, request, tenant_slug):
        key = clean_text(request.GET.get("key", "").strip(), MAX_KEY) or ""
        articles = []
        if key:
            articles = self.cached(
                f"widget:{cache_name(key)}",
                lambda: widget_articles_for(self.tenant, self.center, self.language, key),
            )
        response = self.page(request, "knowledgebase/widget.html", key=key, articles=articles)
        patch_vary_headers(response, ["Accept-Language"])
        return response
