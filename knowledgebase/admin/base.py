"""What the knowledge base's admin pages share: the tenant they act for, the member acting,
and times shown and typed in the tenant's time zone."""

from contextlib import ExitStack
from zoneinfo import ZoneInfo

from django.utils import timezone

from tenants.tenancy.admin import TenantAdmin
from tenants.tenancy.context import tenant_scope


def acting_tenant(request, obj=None):
    """The tenant a page acts for: the row's own, else the signed-in member's."""
    if obj is not None and getattr(obj, "tenant_id", None):
        return obj.tenant
    return getattr(request, "tenant", None)


def acting_member(request, tenant):
    """The member acting in `tenant` (a superuser from elsewhere is nobody there)."""
    member = getattr(request, "membership", None)
    if member is not None and tenant is not None and member.tenant_id == tenant.pk:
        return member
    return None


def tenant_zone(request, obj=None) -> ZoneInfo:
    tenant = acting_tenant(request, obj)
    return ZoneInfo(tenant.time_zone if tenant is not None else "UTC")


class KnowledgeBaseAdmin(TenantAdmin):
    """Pages rendered, and date-times read from forms, in the tenant's time zone."""

    def changelist_view(self, request, extra_context=None):
        with timezone.override(tenant_zone(request)):
            return _rendered(super().changelist_view(request, extra_context))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        tenant = acting_tenant(request)
        if object_id is not None and request.user.is_superuser:
            tenant = acting_tenant(request, self.get_object(request, object_id))
        zone = ZoneInfo(tenant.time_zone if tenant is not None else "UTC")
        extra_context = {**(extra_context or {}), "tenant_zone": str(zone)}
        with ExitStack() as stack:
            stack.enter_context(timezone.override(zone))
            if tenant is not None:
                # A superuser's page of another tenant's row reads that tenant's choices.
                stack.enter_context(tenant_scope(tenant))
            return _rendered(super().changeform_view(request, object_id, form_url, extra_context))


def _rendered(response):
    # A template response renders after the view returns: render it while the zone is on.
    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
        response.render()
    return response
