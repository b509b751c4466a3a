"""Admin site for the customer side: CSV import jobs, customer email templates and the
customer email log (tenant staff: own rows only)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import CustomerEmail, EmailTemplate, ImportJob
from accounts.services.customer_email import survey_template_validate, template_validate
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


class EmailTemplateForm(forms.ModelForm):
    # The tenant a new template goes to (the admin sets it from the request); the unique
    # (tenant, key, language) constraint is checked here because tenant is not a form field.
    tenant = None

    class Meta:
        model = EmailTemplate
        fields = ["key", "language", "subject", "body"]

    def clean(self):
        cleaned = super().clean()
        tenant = self.instance.tenant if self.instance.tenant_id else self.tenant
        key, language = cleaned.get("key"), cleaned.get("language")
        if tenant is not None and key and language:
            taken = (
                EmailTemplate.objects.for_tenant(tenant)
                .filter(key=key, language=language)
                .exclude(pk=self.instance.pk)
            )
            if taken.exists():
                self.add_error(
                    "language", _("This template already exists in this language: edit it.")
                )
        checks = [
            (field, lambda field=field: template_validate(cleaned.get(field) or "", field))
            for field in ("subject", "body")
        ]
        checks.append(("body", lambda: survey_template_validate(key, cleaned.get("body") or "")))
        for field, check in checks:
            try:
                check()
            except ValidationError as error:
                for message in error.message_dict[field]:
                    self.add_error(field, message)
        return cleaned


@admin.register(EmailTemplate)
class EmailTemplateAdmin(TenantAdmin):
    """Placeholders: {{ contact_name }}, {{ account_name }}, {{ csm_name }}, {{ csm_email }},
    {{ company_name }}, and in survey emails {{ survey_question }}, {{ survey_link }} and
    {{ score_links }}; the unsubscribe link is added below the body."""

    form = EmailTemplateForm
    list_display = ["key", "language", "subject", "updated_at"]
    list_filter = ["language"]
    search_fields = ["key", "subject"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"tenant": getattr(request, "tenant", None)})


@admin.register(CustomerEmail)
class CustomerEmailAdmin(TenantAdmin):
    """Read-only: the log of what was sent to whom, written by the sending task."""

    list_display = ["created_at", "account", "to", "template_key", "language", "status", "source"]
    list_filter = ["status", "language"]
    search_fields = ["to", "template_key", "account__name"]
    list_select_related = ["account"]
    readonly_fields = [
        "account", "contact", "to", "template_key", "language", "subject", "status", "error",
        "source", "idempotency_key", "created_at", "sent_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
