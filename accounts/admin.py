"""Admin site for the customer side: CSV import jobs (tenant staff: own rows only)."""

from django.contrib import admin

from accounts.models import ImportJob
from tenants.tenancy.admin import TenantAdmin


@admin.register(ImportJob)
class ImportJobAdmin(TenantAdmin):
    """Read-only: jobs are created and applied from the Data page, which checks every row."""

    list_display = ["original_filename", "kind", "status", "row_count", "error_count", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["original_filename"]
    exclude = ["content"]  # up to 20 MB of CSV
    readonly_fields = [
        "kind",
        "original_filename",
        "status",
        "row_count",
        "create_count",
        "update_count",
        "error_count",
        "errors",
        "message",
        "created_by",
        "created_at",
        "validated_at",
        "applied_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
