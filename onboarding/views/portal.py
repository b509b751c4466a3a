"""The customer portal behind a contact's personal link: the account's onboarding checklist
(progress, steps to tick, help links, due dates, a celebration at each milestone) and the
contact's questions to the CSM with their answers ("Ask your CSM" posts to
health.views.portal_questions, which opens the CSM's task).

Anonymous and guarded by the signed token alone: a forged, altered, expired, revoked or
unknown link answers 404 saying nothing more, and a link only ever shows its own account.
No CSRF token (the link's token is the secret, as for the survey pages); rate limited per
address; in the contact's language; works without JavaScript, and htmx swaps the checklist
or the questions in place."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from onboarding.models import Milestone
from onboarding.services.checklist import checklist_for, checklist_tick
from onboarding.services.portal_links import link_for_token, portal_link_used
from onboarding.services.questions import contact_questions
from tenants.public_rate import public_rate_limited
from tenants.tenancy.context import tenant_scope

QUESTIONS_SHOWN = 20


def milestone_labels(names) -> list[str]:
    return [str(Milestone(name).label) for name in Milestone.values if name in set(names)]


@method_decorator([csrf_exempt, public_rate_limited], name="dispatch")
class PortalPageView(View):
    template_name = "onboarding/portal.html"

    def dispatch(self, request, token, **kwargs):
        self.link = link_for_token(token)
        if self.link is None:
            raise Http404
        self.token = token
        with (
            translation.override(self.link.contact.language or "en"),
            timezone.override(self.link.tenant.time_zone),
        ):
            response = super().dispatch(request, token, **kwargs)
            # The contact's language, not the browser's (LocaleMiddleware keeps a set one).
            response.headers["Content-Language"] = translation.get_language()
            return response

    def page(self, request, *, partial="", reached=(), errors=None, text="", asked=False,
             status=200):  # fmt: skip
        link = self.link
        checklist = checklist_for(
            tenant=link.tenant, account=link.account, language=translation.get_language()
        )
        reached = [m for m in reached if checklist.progress and m in checklist.progress.milestones]
        with tenant_scope(link.tenant):
            questions = list(contact_questions(link.contact, link.account)[:QUESTIONS_SHOWN])
            owner = link.account.owner
            csm = owner.user if owner is not None else None
        context = {
            "company": link.tenant.name,
            "contact": link.contact,
            "csm": csm,
            "checklist": checklist,
            "today": link.tenant.today(),
            "celebrate": milestone_labels(reached),
            "tick_url": reverse("portal-tick", args=[self.token]),
            "ask_url": reverse("portal-ask", args=[self.token]),
            "questions": questions,
            "errors": errors or {},
            "text": text,
            "asked": asked,
        }
        if partial and request.htmx:
            template = {"checklist": "onboarding/_checklist.html"}.get(
                partial, f"{self.template_name}#{partial}"
            )
        else:
            template = self.template_name
        response = render(request, template, context, status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def back(self, anchor: str, **query) -> str:
        url = reverse("portal", args=[self.token])
        query = {name: value for name, value in query.items() if value}
        return url + (f"?{urlencode(query, doseq=True)}" if query else "") + f"#{anchor}"


class PortalView(PortalPageView):
    http_method_names = ["get", "head", "options"]

    def get(self, request, token):
        portal_link_used(self.link)
        return self.page(
            request, reached=request.GET.getlist("reached"), asked=request.GET.get("asked") == "1"
        )


class PortalTickView(PortalPageView):
    """Tick a step the customer completes; a second tick changes nothing."""

    http_method_names = ["post"]

    def post(self, request, token):
        link = self.link
        try:
            reached = checklist_tick(
                tenant=link.tenant, account=link.account, step_id=request.POST.get("step"),
                contact=link.contact,
            )  # fmt: skip
        except ValidationError as error:
            # htmx swaps only 2xx answers: the checklist shows the message with a 200 there.
            status = 200 if request.htmx else 400
            return self.page(request, partial="checklist", errors=error.message_dict, status=status)
        if request.htmx:
            return self.page(request, partial="checklist", reached=reached)
        return redirect(self.back("checklist", reached=reached))
