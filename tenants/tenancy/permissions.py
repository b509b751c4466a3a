"""DRF permissions of the tenant boundary: a tenant is required, viewers cannot write."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from tenants.models.membership import MANAGE_ROLES, WRITE_ROLES


class IsTenantMember(BasePermission):
    """A request must act inside a tenant; writes need a writing role (or an API key).

    A view may set `required_roles` to narrow writes further (e.g. to owners and admins).
    """

    message = "You do not have permission to change data in this tenant."

    def has_permission(self, request, view):
        if getattr(request, "tenant", None) is None or not request.user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return True
        membership = getattr(request, "membership", None)
        if membership is None:  # an API key: integrators write data, never manage the tenant
            return getattr(view, "required_roles", WRITE_ROLES) == WRITE_ROLES
        return membership.role in getattr(view, "required_roles", WRITE_ROLES)


class IsTenantManager(IsTenantMember):
    """Owners and admins only, for managing members, invitations and API keys."""

    message = "Only owners and admins can do this."

    def has_permission(self, request, view):
        if getattr(request, "tenant", None) is None or not request.user.is_authenticated:
            return False
        membership = getattr(request, "membership", None)
        return membership is not None and membership.role in MANAGE_ROLES
