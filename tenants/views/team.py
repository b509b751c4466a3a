"""Team settings: members, their roles, and invitations by email."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from tenants import selectors
from tenants.forms import InvitationForm, MemberRoleForm
from tenants.models import Invitation, Membership, Role
from tenants.services.invitations import invitation_create, invitation_revoke
from tenants.services.tenants import membership_change_role, membership_remove
from tenants.tenancy.views import TenantManageView, TenantView


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class TeamView(TenantView):
    template_name = "tenants/team.html"
    write_roles = TenantManageView.write_roles

    def get(self, request, form=None, status=200):
        context = {
            "members": selectors.members_list(),
            "invitations": selectors.invitations_open(),
            "form": form or InvitationForm(),
            "can_manage": request.membership.can_manage,
            "role_choices": Role.choices,
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = invitation_create(
                    tenant=request.tenant,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("team")
        return self.get(request, form=form, status=400)


class InvitationRevokeView(TenantManageView):
    def post(self, request, pk):
        invitation = get_object_or_404(Invitation.objects, pk=pk)
        invitation_revoke(tenant=request.tenant, invitation=invitation)
        messages.success(request, f"Invitation to {invitation.email} revoked.")
        return redirect("team")


class MemberRoleView(TenantManageView):
    def post(self, request, pk):
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
        form = MemberRoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a valid role.")
            return redirect("team")
        try:
            membership_change_role(
                tenant=request.tenant,
                membership=membership,
                role=form.cleaned_data["role"],
                acting=request.membership,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{membership.user.email} is now {membership.get_role_display()}."
            )
        return redirect("team")


class MemberRemoveView(TenantManageView):
    def post(self, request, pk):
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
        try:
            membership_remove(tenant=request.tenant, membership=membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{membership.user.email} was removed.")
        return redirect("team")
