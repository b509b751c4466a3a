"""The help center's sitemap.xml: every published article in every language of the help
center, with absolute addresses (settings.SITE_URL) and each article's other languages as
hreflang alternates."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse

from knowledgebase.selectors.public import sitemap_for
from knowledgebase.views.base import HelpCenterView


class HelpSitemapView(HelpCenterView):
    has_language = False

    def get(self, request, tenant_slug):
        entries = self.cached("sitemap", lambda: sitemap_for(self.tenant, self.center))

        def url(language, slug):
            return settings.SITE_URL + reverse("help-article", args=[tenant_slug, language, slug])

        urls = [
            {
                "loc": url(entry.language, entry.slug),
                "lastmod": entry.updated_at,
                "alternates": [(code, url(code, slug)) for code, slug in entry.alternates]
                if len(entry.alternates) > 1 else [],
            }
            for entry in entries
        ]  # fmt: skip
        return render(request, "knowledgebase/sitemap.xml", {"urls": urls},
                      content_type="application/xml; charset=utf-8")  # fmt: skip
