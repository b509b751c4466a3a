"""TenantView: the one base of every browser view that shows or changes tenant data.

The middleware has resolved the tenant from the user's memberships; this base turns away
anonymous users (to the login page), users with no tenant, and viewers who try to write.
Objects of other tenants are simply absent from the scoped managers, so they answer 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from tenants.models.membership import MANAGE_ROLES, WRITE_ROLES
from tenants.tenancy.stale_tab import page_tenant, stale_tab_response

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TenantView(LoginRequiredMixin, View):
    """Base for tenant pages. `write_roles` may narrow who can POST (default: not viewers)."""

    read_roles = None  # None: every member may read
    write_roles = WRITE_ROLES

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if request.tenant is None:
            return render(request, "tenants/no_tenant.html", status=403)
        role = request.membership.role
        if self.read_roles is not None and role not in self.read_roles:
            raise PermissionDenied(_("Your role cannot open this page."))
        if request.method not in SAFE_METHODS and role not in self.write_roles:
            raise PermissionDenied(_("Your role cannot make changes here."))
        if request.method not in SAFE_METHODS:
            marker = page_tenant(request)
            if marker is not None and (stale := stale_tab_response(request, marker)):
                return stale
        # Pages show times and "today" in the tenant's time zone (labelled where shown).
        with timezone.override(request.tenant.time_zone):
            return super().dispatch(request, *args, **kwargs)


class TenantManageView(TenantView):
    """Pages for owners and admins: members, invitations, API keys."""

    read_roles = MANAGE_ROLES
    write_roles = MANAGE_ROLES
