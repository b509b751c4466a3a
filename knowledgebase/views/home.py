"""The help center's home: its title, a search box, the categories with their sections and
first articles, and the latest announcements. /help/<tenant>/ redirects to the home in the
visitor's language (?lang=, else the browser's Accept-Language, else the fallback)."""

from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers

from knowledgebase.selectors.public import home_for
from knowledgebase.views.base import HelpCenterView


class HelpHomeRedirectView(HelpCenterView):
    has_language = False

    def get(self, request, tenant_slug):
        response = redirect("help-home-lang", tenant_slug=tenant_slug, lang=self.language)
        patch_vary_headers(response, ["Accept-Language"])
        return response


class HelpHomeView(HelpCenterView):
    def get(self, request, tenant_slug):
        home = self.cached("home", lambda: home_for(self.tenant, self.center, self.language))
        return self.page(request, "knowledgebase/home.html", home=home)
