"""A category's page: its sections, each with its published articles in the visitor's
language (or the fallback language, marked)."""

from django.shortcuts import redirect
from django.urls import reverse

from knowledgebase.selectors.public import Moved, category_for
from knowledgebase.views.base import MAX_SLUG, HelpCenterView, cache_name, clean_text


class HelpCategoryView(HelpCenterView):
    def get(self, request, tenant_slug, category_slug):
        slug = clean_text(category_slug, MAX_SLUG)
        if slug is None:
            return self.not_found(request)
        found = self.cached(
            f"category:{cache_name(slug)}",
            lambda: category_for(self.tenant, self.center, self.language, slug),
        )
        if found is None:
            return self.not_found(request)
        if isinstance(found, Moved):
            url = reverse("help-category", args=[tenant_slug, self.language, found.slug])
            return redirect(f"{url}#section-{slug}")
        return self.page(request, "knowledgebase/category.html", category=found)
