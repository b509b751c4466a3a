"""Accepting an invitation through its emailed link (no tenant yet: the token decides)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views import View

from tenants.forms import AcceptInvitationForm
from tenants.services.invitations import invitation_accept, invitation_for_token
from tenants.tenancy.membership import SESSION_KEY


class InvitationAcceptView(View):
    template_name = "tenants/invitation_accept.html"

    def dispatch(self, request, token):
        self.invitation = invitation_for_token(token)
        if self.invitation is None or self.invitation.status != "pending":
            status = self.invitation.status if self.invitation else "unknown"
            return render(
                request, "tenants/invitation_invalid.html", {"status": status}, status=404
            )
        return super().dispatch(request, token)

    def _existing_user(self):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(email__iexact=self.invitation.email).first()

    def get(self, request, token, form=None, status=200):
        context = {
            "invitation": self.invitation,
            "existing_user": self._existing_user(),
            "form": form or AcceptInvitationForm(email=self.invitation.email),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request, token):
        existing = self._existing_user()
        if existing is not None:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                invitation_accept(invitation=self.invitation, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return self.get(request, token, status=400)
            return self._welcome(request)
        form = AcceptInvitationForm(request.POST, email=self.invitation.email)
        if not form.is_valid():
            return self.get(request, token, form=form, status=400)
        membership = invitation_accept(
            invitation=self.invitation,
            password=form.cleaned_data["password1"],
            name=form.cleaned_data["name"],
        )
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        return self._welcome(request)

    def _welcome(self, request):
        request.session[SESSION_KEY] = self.invitation.tenant_id
        messages.success(request, f"Welcome to {self.invitation.tenant.name}.")
        return redirect("home")
