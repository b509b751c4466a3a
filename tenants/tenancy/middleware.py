"""Resolve the tenant of a browser request from the logged-in user's memberships."""

from contextlib import ExitStack

from django.urls import reverse

from tenants.tenancy import context
from tenants.tenancy.membership import resolve_membership


class TenantMiddleware:
    """Sets request.tenant / request.membership and the active tenant for the request.

    The tenant is the one chosen with the switcher (kept in the session) when the user is a
    member of it, else the user's first membership; an id sent by the client is never trusted
    on its own. The active tenant is reset when the request ends, whatever the view does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.membership = None
        request.memberships = []
        user = getattr(request, "user", None)
        with ExitStack() as stack:
            if user is not None and user.is_authenticated:
                membership, memberships = resolve_membership(user, request.session)
                request.memberships = memberships
                if membership is not None:
                    request.membership = membership
                    request.tenant = membership.tenant
                    stack.enter_context(context.tenant_scope(membership.tenant))
                if user.is_superuser and request.path_info.startswith(reverse("admin:index")):
                    # Superusers work across tenants in the admin site (TenantAdmin).
                    stack.enter_context(context.cross_tenant())
            return self.get_response(request)
