"""The base of the public help center's pages: the tenant from the address (an unknown one
answers 404), its help center settings, the page's language from the address (a language
the help center does not offer answers 404 with a search box; a differently written code of
one it offers, such as zh-Hans or ro-RO, redirects to its own address), and the page
rendered in that language and the tenant's time zone.

Anonymous by design: everything read is the tenant's published content only (the
selectors in knowledgebase.selectors.public), each read inside the tenant's scope."""

import hashlib

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.views import View

from knowledgebase.cache import cached
from knowledgebase.models import Language
from knowledgebase.models.languages import language_or
from knowledgebase.selectors.help_center import (
    help_center_for,
    languages_of,
    tenant_for_slug,
    visitor_language,
)

MAX_SLUG = 200


def clean_text(value: str | None, limit: int) -> str | None:
    """`value` when it can name a row (not too long, no NUL byte), else None."""
    if not value or len(value) > limit or "\x00" in value:
        return None
    return value


def cache_name(*parts: str) -> str:
    """A cache key part for values typed by visitors (any length, any characters)."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


class HelpCenterView(View):
    """Resolves self.tenant, self.center and self.language (from the URL's `lang`, when the
    route has one) and renders within them."""

    has_language = True

    def dispatch(self, request, tenant_slug, **kwargs):
        self.tenant = tenant_for_slug(tenant_slug)
        if self.tenant is None:
            raise Http404
        self.center = help_center_for(self.tenant)
        self.languages = languages_of(self.center)
        if self.has_language:
            asked = kwargs.pop("lang")
            if asked not in self.languages:
                code = language_or(asked[:35], "")
                if code in self.languages:
                    # The same address in the language's own spelling, query kept.
                    url = reverse(self.url_name(), kwargs={"tenant_slug": tenant_slug,
                                                           "lang": code, **kwargs})  # fmt: skip
                    query = request.META.get("QUERY_STRING", "")
                    return redirect(f"{url}?{query}" if query else url)
                self.language = self.center.fallback_language
                return self.in_language(request, lambda: self.not_found(request))
            self.language = asked
        else:
            self.language = visitor_language(
                self.center,
                asked=request.GET.get("lang"),
                accept=request.headers.get("Accept-Language", ""),
            )
        return self.in_language(request, lambda: super(HelpCenterView, self).dispatch(
            request, tenant_slug=tenant_slug, **kwargs))  # fmt: skip

    def url_name(self) -> str:
        return self.request.resolver_match.url_name

    def in_language(self, request, respond):
        with translation.override(self.language), timezone.override(self.tenant.time_zone):
            response = respond()
        # The page's language, not the browser's (LocaleMiddleware keeps a set one).
        response.headers["Content-Language"] = self.language
        return response

    def cached(self, name: str, build):
        return cached(self.tenant, f"help:{self.language}:{name}", build)

    def context(self, **values) -> dict:
        return {
            "tenant": self.tenant,
            "center": self.center,
            "center_title": self.center.title or self.tenant.name,
            "language": self.language,
            "languages": [(code, Language(code).label) for code in self.languages],
            "home_url": reverse("help-home-lang", args=[self.tenant.slug, self.language]),
            "search_url": reverse("help-search", args=[self.tenant.slug, self.language]),
            **values,
        }

    def page(self, request, template: str, status: int = 200, **values):
        response = render(request, template, self.context(**values), status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def not_found(self, request):
        """The help center's own "not found" page, with a search box: the same for a draft,
        a scheduled article and an address that never existed."""
        return self.page(request, "knowledgebase/not_found.html", status=404)
