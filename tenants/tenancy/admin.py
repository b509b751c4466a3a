"""TenantAdmin: the admin base for tenant-owned models.

Tenant staff (owners and admins with `is_staff`) see and edit only the rows of their active
tenant, and new rows get that tenant; superusers see every tenant's rows.
"""

from django.contrib import admin

from tenants.models.membership import MANAGE_ROLES
from tenants.tenancy.models import TenantModel


def _role(request):
    membership = getattr(request, "membership", None)
    return membership.role if membership is not None else None


class TenantAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        if request.user.is_superuser:
            # Superusers work across tenants on purpose.
            return self.model.objects.unscoped().select_related("tenant")
        if getattr(request, "tenant", None) is None:
            return self.model.objects.none()
        return super().get_queryset(request)

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if request.user.is_superuser and "tenant" not in columns:
            columns.append("tenant")
        return columns

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if request.user.is_superuser:
            filters.append("tenant")
        return filters

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if issubclass(related, TenantModel) and request.user.is_superuser:
            kwargs["queryset"] = related.objects.unscoped()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and obj.tenant_id is None:
            obj.tenant = request.tenant
        super().save_model(request, obj, form, change)

    # Tenant staff get permissions from their role, not from per-model Django permissions.
    def _allowed(self, request, roles):
        if request.user.is_superuser:
            return True
        return request.user.is_staff and _role(request) in roles

    def has_module_permission(self, request):
        return self._allowed(request, MANAGE_ROLES)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, MANAGE_ROLES)

    def has_add_permission(self, request):
        return self._allowed(request, MANAGE_ROLES)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, MANAGE_ROLES)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, MANAGE_ROLES)


class TenantChildInline(admin.TabularInline):
    """The rows of a tenant-owned parent (a scorecard's measures, a playbook's steps): tenant
    staff may view, add, change and delete them exactly when they may change the parent."""

    def _parent_allows(self, request, obj=None):
        return self.admin_site._registry[self.parent_model].has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return self._parent_allows(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_allows(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_allows(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_allows(request, obj)
