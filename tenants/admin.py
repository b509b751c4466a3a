"""Admin site for tenants, memberships, invitations, API keys and the audit log (tenant staff:
own rows only)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from rest_framework_api_key.models import APIKey

from tenants.models import (
    AuditEntry,
    Invitation,
    Membership,
    Tenant,
    TenantAPIKey,
    WebhookDelivery,
    WebhookEndpoint,
)
from tenants.services.api_keys import api_key_create, api_key_revoke
from tenants.services.tenants import tenant_settings_update
from tenants.tenancy.admin import TenantAdmin

admin.site.unregister(APIKey)  # the library's untenanted key model is not used
# django-auditlog's own admin would list every tenant's entries to any staff user.
admin.site.unregister(AuditEntry)


@admin.register(Tenant)
class TenantModelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "currency", "created_at"]
    search_fields = ["name", "slug"]

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        tenant_settings_update(tenant=obj, **values)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        tenant = getattr(request, "tenant", None)
        return queryset.filter(pk=tenant.pk) if tenant else queryset.none()

    def has_module_permission(self, request):
        return request.user.is_superuser or _manages(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or _manages(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or _manages(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def _manages(request) -> bool:
    membership = getattr(request, "membership", None)
    return request.user.is_staff and membership is not None and membership.can_manage


class ReadOnlyForStaffMixin:
    """Tenant staff see these rows; they change them in the product's own pages, where the
    rules live (team page, API keys page). Superusers keep full access."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(ReadOnlyForStaffMixin, TenantAdmin):
    list_display = ["user", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


# An invitation's state, worked out from its dates, as the admin lists it.
INVITATION_STATUS = {
    "pending": pgettext_lazy("invitation", "pending"),
    "accepted": pgettext_lazy("invitation", "accepted"),
    "expired": pgettext_lazy("invitation", "expired"),
    "revoked": pgettext_lazy("invitation", "revoked"),
}


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyForStaffMixin, TenantAdmin):
    list_display = ["email", "role", "status_shown", "created_at", "expires_at", "sent_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["sent_at", "accepted_at", "invited_by"]
    exclude = ["token_hash"]

    def has_add_permission(self, request, *args):
        return False  # invitations are created from Settings → Team, which emails the link

    @admin.display(description=_("status"))
    def status_shown(self, obj):
        return INVITATION_STATUS.get(obj.status, obj.status)


@admin.register(TenantAPIKey)
class TenantAPIKeyAdmin(TenantAdmin):
    list_display = ["name", "prefix", "created", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "prefix"]
    fields = ["name", "prefix", "created", "last_used_at", "revoked", "revoked_at", "expiry_date"]
    readonly_fields = ["prefix", "created", "last_used_at", "revoked", "revoked_at"]
    actions = ["revoke_keys"]

    @admin.action(description=_("Revoke the selected API keys (cannot be undone)"))
    def revoke_keys(self, request, queryset):
        for api_key in queryset:
            api_key_revoke(tenant=api_key.tenant, api_key=api_key)
        count = len(queryset)
        messages.success(
            request,
            ngettext("Revoked %(count)s API key.", "Revoked %(count)s API keys.", count)
            % {"count": count},
        )

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        tenant = obj.tenant if obj.tenant_id else request.tenant
        api_key, raw_key = api_key_create(tenant=tenant, name=obj.name, created_by=request.user)
        obj.pk = api_key.pk
        messages.warning(
            request,
            f"The API key for “{api_key.name}” is: {raw_key} — copy it now, it is shown only once.",
        )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyForStaffMixin, TenantAdmin):
    """Nobody edits history, superusers included."""

    list_display = ["timestamp", "actor_email", "api_key", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    list_select_related = ["content_type", "api_key"]
    search_fields = ["object_repr", "actor_email"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin:
    """Rows written only by the services (URL checks, the retry schedule), never by hand."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyMixin, TenantAdmin):
    # Changed on the Webhooks page, which checks the URL; the secrets are not shown here.
    list_display = ["url", "format", "enabled", "disabled_reason", "failing_since", "created_at"]
    list_filter = ["enabled", "format"]
    search_fields = ["url", "description"]
    exclude = ["secret", "previous_secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyMixin, TenantAdmin):
    list_display = [
        "id", "endpoint", "message", "status", "attempts", "response_status", "created_at",
    ]  # fmt: skip
    list_filter = ["status"]
    list_select_related = ["endpoint", "message"]
    raw_id_fields = ["endpoint", "message"]
