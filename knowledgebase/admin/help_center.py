"""The help center's settings in the admin site: one per tenant; its languages and fallback
language are checked by the model's `clean` (the fallback must be one of the languages)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from knowledgebase.admin.base import KnowledgeBaseAdmin, acting_tenant
from knowledgebase.cache import help_center_changed
from knowledgebase.models import HelpCenter, Language


class HelpCenterForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages articles are published in."),
    )

    class Meta:
        model = HelpCenter
        fields = ["title", "languages", "fallback_language", "widget_origins"]
        help_texts = {
            "fallback_language": _("Shown when an article has no translation in the reader's "
                                   "language."),
            "widget_origins": _("Sites allowed to show the help widget in a frame, one per line "
                                "(for example https://app.example.com)."),
        }  # fmt: skip


@admin.register(HelpCenter)
class HelpCenterAdmin(KnowledgeBaseAdmin):
    form = HelpCenterForm
    list_display = ["__str__", "languages_shown", "fallback_language", "updated_at"]

    @admin.display(description=_("languages"))
    def languages_shown(self, obj):
        names = dict(Language.choices)
        return ", ".join(names.get(code, code) for code in obj.languages)

    def has_add_permission(self, request):
        # One per tenant: once it exists it is changed, not added again.
        tenant = getattr(request, "tenant", None)
        if tenant is not None and HelpCenter.objects.for_tenant(tenant).exists():
            return False
        return super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        help_center_changed(acting_tenant(request, obj))

    def delete_model(self, request, obj):
        tenant = obj.tenant
        super().delete_model(request, obj)
        help_center_changed(tenant)  # back to English only: readers see it at once

    def delete_queryset(self, request, queryset):
        tenants = {row.tenant for row in queryset.select_related("tenant")}
        super().delete_queryset(request, queryset)
        for tenant in tenants:
            help_center_changed(tenant)
