"""The in-app checklist: the page a tenant's product shows in an iframe, with a token its
backend signs per user (onboarding.services.embed), and the settings page where owners and
admins find the snippet, the key and secret, and the origins allowed to frame it.

The checklist page is the portal's checklist (the same template fragment): anonymous,
guarded by the token alone (a bad, expired or foreign token answers 404), rate limited per
address, and no CSRF token (the token is the secret). It may be framed only by the
tenant's allowed origins (Content-Security-Policy frame-ancestors; X-Frame-Options is
left off here, as it cannot name an origin). Dismissing and reopening is a <details>
element: no script."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt

from onboarding.services.checklist import checklist_for, checklist_tick
from onboarding.services.embed import (
    MAX_LIFETIME,
    embed_origins_set,
    embed_secret_rotate,
    embed_settings_for,
    embed_token_read,
)
from onboarding.views.portal import milestone_labels
from tenants.public_rate import public_rate_limited
from tenants.tenancy.views import TenantManageView


@method_decorator([csrf_exempt, xframe_options_exempt, public_rate_limited], name="dispatch")
class EmbedChecklistView(View):
    """GET ?token=...: the checklist; POST token + step: tick a step (htmx swaps the
    checklist; without JavaScript the page comes back)."""

    template_name = "onboarding/embed.html"

    def dispatch(self, request, **kwargs):
        self.token = (request.POST if request.method == "POST" else request.GET).get("token", "")
        self.access = embed_token_read(self.token)
        if self.access is None:
            raise Http404
        contact = self.access.contact
        language = (contact.language if contact else "") or translation.get_language() or "en"
        with translation.override(language), timezone.override(self.access.tenant.time_zone):
            response = super().dispatch(request, **kwargs)
        # Framed by the tenant's product only; nowhere while it has named no origin.
        response._csp_replace = {
            "frame-ancestors": self.access.settings.allowed_origins or ["'none'"]
        }
        return response

    def get(self, request):
        return self.page(request, reached=request.GET.getlist("reached"))

    def post(self, request):
        access = self.access
        try:
            reached = checklist_tick(
                tenant=access.tenant, account=access.account, step_id=request.POST.get("step"),
                contact=access.contact,
            )  # fmt: skip
        except ValidationError as error:
            return self.page(
                request, errors=error.message_dict, status=200 if request.htmx else 400
            )
        if request.htmx:
            return self.page(request, reached=reached)
        query = urlencode({"token": self.token, "reached": reached}, doseq=True)
        return redirect(f"{reverse('embed-checklist')}?{query}")

    def page(self, request, *, reached=(), errors=None, status=200):
        access = self.access
        checklist = checklist_for(
            tenant=access.tenant, account=access.account, language=translation.get_language()
        )
        reached = [m for m in reached if checklist.progress and m in checklist.progress.milestones]
        context = {
            "company": access.tenant.name,
            "checklist": checklist,
            "today": access.tenant.today(),
            "celebrate": milestone_labels(reached),
            "tick_url": reverse("embed-checklist"),
            "embed_token": self.token,
            "errors": errors or {},
        }
        template = "onboarding/_checklist.html" if request.htmx else self.template_name
        return render(request, template, context, status=status)


class EmbedSettingsView(TenantManageView):
    """Owners and admins: the snippet, the key and secret (rotate), the allowed origins."""

    template_name = "onboarding/embed_settings.html"

    def get(self, request, errors=None, origins_text=None, status=200):
        found = embed_settings_for(request.tenant)
        context = {
            "embed": found,
            "embed_url": settings.SITE_URL + reverse("embed-checklist"),
            "max_hours": int(MAX_LIFETIME.total_seconds() // 3600),
            "origins_text": "\n".join(found.allowed_origins)
            if origins_text is None
            else origins_text,
            "errors": errors or {},
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        if request.POST.get("action") == "rotate":
            embed_secret_rotate(tenant=request.tenant)
            messages.success(
                request, _("A new secret is made; tokens signed with the old one no longer work.")
            )
            return redirect("onboarding-embed")
        text = request.POST.get("origins", "")
        try:
            embed_origins_set(tenant=request.tenant, text=text)
        except ValidationError as error:
            return self.get(request, errors=error.message_dict, origins_text=text, status=400)
        messages.success(request, _("Allowed origins saved."))
        return redirect("onboarding-embed")
