"""An article's page (breadcrumbs, table of contents, the sanitised body, related articles,
the languages it exists in, its canonical address and hreflang alternates) and its
"was this helpful?" answer.

Every view of the page is counted (the page's data may come from the cache; the count never
does). Frames are allowed on these pages from the two video players the Markdown renderer
turns video links into, and nowhere else. The feedback form needs no CSRF token (an
anonymous answer, as on the survey pages; a cached page or a cookie-less browser must still
be able to send it) and is rate limited per address; without JavaScript it redirects back
to the page, with htmx the form is swapped for the thank-you."""

from csp.decorators import csp_update
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt

from knowledgebase.models import FeedbackReason
from knowledgebase.selectors.public import Moved, article_for
from knowledgebase.services.readers import article_view_count, feedback_record
from knowledgebase.views.base import MAX_SLUG, HelpCenterView, cache_name, clean_text
from tenants.public_rate import public_rate_limited

VIDEO_FRAMES = {"frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]}


def absolute(path: str) -> str:
    return settings.SITE_URL + path


class ArticlePageMixin:
    def article(self, slug: str):
        slug = clean_text(slug, MAX_SLUG)
        if slug is None:
            return None
        return self.cached(
            f"article:{cache_name(slug)}",
            lambda: article_for(self.tenant, self.center, self.language, slug),
        )

    def moved(self, found: Moved):
        return redirect("help-article", tenant_slug=self.tenant.slug, lang=found.language,
                        slug=found.slug)  # fmt: skip

    def article_page(self, request, article, *, feedback=None, errors=None, status=200):
        slug = self.tenant.slug
        versions = [
            {"language": v.language, "title": v.title,
             "url": reverse("help-article", args=[slug, v.language, v.slug]),
             "absolute": absolute(reverse("help-article", args=[slug, v.language, v.slug]))}
            for v in article.versions
        ]  # fmt: skip
        return self.page(
            request,
            "knowledgebase/article.html",
            status=status,
            article=article,
            versions=versions,
            canonical=absolute(
                reverse("help-article", args=[slug, article.language, article.slug])
            ),  # fmt: skip
            feedback_url=reverse("help-feedback", args=[slug, self.language, article.slug]),
            reasons=FeedbackReason.choices,
            feedback=feedback or {},
            errors=errors or {},
            time_zone=self.tenant.time_zone,
        )


@method_decorator(csp_update(VIDEO_FRAMES), name="get")
class HelpArticleView(ArticlePageMixin, HelpCenterView):
    def get(self, request, tenant_slug, slug):
        found = self.article(slug)
        if found is None:
            return self.not_found(request)
        if isinstance(found, Moved):
            return self.moved(found)
        thanked = request.GET.get("feedback") == "thanks"
        if not thanked and request.method == "GET":  # HEAD (link checkers) reads nothing
            article_view_count(tenant=self.tenant, article_id=found.id, language=found.language)
        return self.article_page(request, found, feedback={"sent": thanked})


@method_decorator([csrf_exempt, public_rate_limited], name="dispatch")
class HelpFeedbackView(ArticlePageMixin, HelpCenterView):
    http_method_names = ["post"]

    def post(self, request, tenant_slug, slug):
        found = self.article(slug)
        if found is None or isinstance(found, Moved):
            return self.not_found(request)
        values = {
            "helpful": request.POST.get("helpful", ""),
            "reason": request.POST.get("reason", ""),
            "comment": request.POST.get("comment", ""),
        }
        try:
            feedback_record(tenant=self.tenant, article_id=found.id, language=found.language,
                            **values)  # fmt: skip
        except ValidationError as error:
            if request.htmx:
                return self.page(request, "knowledgebase/article.html#feedback", article=found,
                                 feedback=values, errors=error.message_dict,
                                 reasons=FeedbackReason.choices,
                                 feedback_url=request.path)  # fmt: skip
            response = self.article_page(request, found, feedback=values,
                                         errors=error.message_dict, status=400)  # fmt: skip
            response._csp_update = VIDEO_FRAMES
            return response
        if request.htmx:
            return self.page(request, "knowledgebase/article.html#feedback", article=found,
                             feedback={"sent": True})  # fmt: skip
        url = reverse("help-article", args=[tenant_slug, self.language, slug])
        return redirect(f"{url}?feedback=thanks#feedback")
