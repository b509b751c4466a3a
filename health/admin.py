"""Admin site for health: scorecards with their measures (changes go through the services,
so they are validated and versioned), read-only scores, alert rules (switched and tuned
through the services) and read-only tasks (tenant staff: own rows only)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from health import (
    playbook_admin,  # noqa: F401  (registers the playbook admin)
    selectors,
)
from health.models import AlertRule, Backtest, Band, HealthScore, Measure, Scorecard, Task
from health.models.rule import PARAMETER_FIELDS
from health.services.rules import (
    alert_rule_update,
    alert_rules_ensure_defaults,
    validate_alert_rule,
)
from health.services.scorecards import scorecard_create, scorecard_delete, scorecard_update
from health.services.validation import SCORECARD_FIELDS, validate_scorecard
from tenants.templatetags.l10n_extras import local_datetime
from tenants.tenancy.admin import TenantAdmin, TenantChildInline

MEASURE_FIELDS = ["source", "mapping", "low", "high", "thresholds", "weight", "missing"]


class MeasureFormSet(BaseInlineFormSet):
    """Checks the scorecard with its measures by the services' rules, so a bad scorecard
    is a form error here, not a failed save."""

    tenant = None

    def clean(self):
        super().clean()
        card = self.instance  # the scorecard form's values, not saved yet
        tenant = card.tenant if card.tenant_id else self.tenant
        fields = {name: getattr(card, name) for name in SCORECARD_FIELDS}
        before = Scorecard.objects.for_tenant(tenant).filter(pk=card.pk).first()
        try:
            validate_scorecard(
                tenant=tenant, fields=fields, measures=self.measures(), instance=before
            )
        except ValidationError as error:
            raise ValidationError(
                [f"{field}: {message}" for field, messages in error.message_dict.items()
                 for message in messages]
            ) from None  # fmt: skip

    def measures(self) -> list[dict]:
        """The measures the form set leaves, in their order."""
        return [
            {name: form.cleaned_data.get(name) for name in MEASURE_FIELDS}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class MeasureInline(TenantChildInline):
    model = Measure
    formset = MeasureFormSet
    fields = MEASURE_FIELDS
    extra = 0
    # Steps are a short list ([[min, score], ...]): a small box keeps the row on one screen.
    formfield_overrides = {
        models.JSONField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 24})},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("position", "id")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.tenant = getattr(request, "tenant", None)
        return formset


@admin.register(Scorecard)
class ScorecardAdmin(TenantAdmin):
    list_display = ["name", "priority", "is_default", "segment", "lifecycle_stage", "version"]
    fields = [
        "name",
        "priority",
        "is_default",
        "segment",
        "lifecycle_stage",
        "good_min",
        "average_min",
        "version",
        "backtest",
    ]
    readonly_fields = ["version", "backtest"]
    inlines = [MeasureInline]

    @admin.display(description=gettext_lazy("Does the score predict churn?"))
    def backtest(self, obj):
        result = selectors.backtest_latest(obj) if obj.pk else None
        return backtest_summary(result)

    def save_model(self, request, obj, form, change):
        # Saved with the measures in save_related, through the services. Kept on the request:
        # the admin class is one object for every request the process serves.
        request.scorecard_pending = obj

    def save_formset(self, request, form, formset, change):
        pass  # the measures are written by the service in save_related

    def save_related(self, request, form, formsets, change):
        obj = request.scorecard_pending
        measures = formsets[0].measures() if formsets else []
        fields = {
            name: form.cleaned_data.get(name)
            for name in self.fields
            if name not in self.readonly_fields
        }
        fields["segment"] = fields.get("segment") or ""
        fields["lifecycle_stage"] = fields.get("lifecycle_stage") or ""
        membership = getattr(request, "membership", None)
        tenant = obj.tenant if obj.tenant_id else request.tenant
        if change:
            saved = scorecard_update(
                tenant=tenant, scorecard=obj, measures=measures, created_by=membership, **fields
            )
        else:
            saved = scorecard_create(
                tenant=tenant, measures=measures, created_by=membership, **fields
            )
        # The admin goes on with the object it gave save_model (its change message, links).
        obj.pk, obj.tenant_id, obj.version = saved.pk, saved.tenant_id, saved.version
        for formset in formsets:  # what the change message reads; the version says the rest
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        scorecard_delete(tenant=obj.tenant, scorecard=obj)

    def has_delete_permission(self, request, obj=None):
        # The default scorecard stays: accounts that match no other one are scored by it.
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(HealthScore)
class HealthScoreAdmin(TenantAdmin):
    """Read-only: scores are computed from the data, never typed in."""

    list_display = ["account", "day", "score", "band", "scorecard_version"]
    list_filter = ["band", "day"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account", "scorecard_version"]
    readonly_fields = ["account", "day", "score", "band", "scorecard_version", "parts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _figure(value) -> str:
    return _("n/a") if value is None else f"{value:.2f}"


def backtest_summary(result: Backtest | None):
    """The AUC and each band's churn rate with its counts, in a line or two."""
    if result is None:
        return _("Not backtested yet (the backtest runs nightly).")
    bands = format_html_join(
        "; ",
        "{}: {} ({}/{})",
        (
            (
                label,
                _("n/a") if rate["churn_rate"] is None else f"{rate['churn_rate']:.1%}",
                rate["churned"],
                rate["accounts"],
            )
            for band, label in Band.choices
            for rate in [result.bands.get(band, {"accounts": 0, "churned": 0, "churn_rate": None})]
        ),
    )
    return format_html(
        "{} {} ({}: {}, {}).<br>{}: {}",
        _("AUC"),
        _figure(result.auc),
        _("computed"),
        local_datetime(result.computed_at),
        _("version %(number)s") % {"number": result.scorecard_version.number},
        _("Churn within 90 days by band"),
        bands,
    )


@admin.register(Backtest)
class BacktestAdmin(TenantAdmin):
    """Read-only: backtests are computed nightly from the scores and the churn records."""

    list_display = ["scorecard", "auc", "accounts", "churned", "computed_at"]
    list_select_related = ["scorecard", "scorecard_version"]
    readonly_fields = [
        "scorecard", "scorecard_version", "computed_at", "last_known_day", "auc", "accounts",
        "churned", "bands", "months", "suggestion",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AlertRuleForm(forms.ModelForm):
    """Checked by the services' rules, so a bad setting is a form error naming the field."""

    class Meta:
        model = AlertRule
        fields = ["name", "enabled", *PARAMETER_FIELDS, "priority", "due_days"]

    def clean(self):
        values = super().clean()
        try:
            validate_alert_rule(self.instance.kind, values)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:  # a field's own error says it already
                    self.add_error(field if field in self.fields else None, messages)
        return values


@admin.register(AlertRule)
class AlertRuleAdmin(TenantAdmin):
    """One rule of each kind per tenant: switched and tuned here, never added or deleted."""

    form = AlertRuleForm
    list_display = ["name", "kind", "enabled", "settings", "priority", "due_days"]
    list_filter = ["enabled", "kind"]
    readonly_fields = ["kind"]

    def get_fields(self, request, obj=None):
        parameters = list(obj.parameters) if obj is not None else list(PARAMETER_FIELDS)
        return ["kind", "name", "enabled", *parameters, "priority", "due_days"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = [f for f in self.get_fields(request, obj) if f != "kind"]
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=gettext_lazy("Settings"))
    def settings(self, obj):
        return ", ".join(
            f"{AlertRule._meta.get_field(name).verbose_name}: {getattr(obj, name)}"
            for name in obj.parameters
        )

    def changelist_view(self, request, extra_context=None):
        if getattr(request, "tenant", None) is not None:
            alert_rules_ensure_defaults(tenant=request.tenant)  # every tenant has them
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.fields}
        alert_rule_update(tenant=obj.tenant, rule=obj, **changes)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Task)
class TaskAdmin(TenantAdmin):
    """Read-only: tasks are completed, snoozed and reassigned where CSMs work on them."""

    list_display = ["title", "account", "assignee", "due_on", "status", "priority", "kind"]
    list_filter = ["status", "priority", "kind", "due_on"]
    search_fields = ["title", "account__name", "account__external_id"]
    list_select_related = ["account", "assignee__user"]
    readonly_fields = [
        "account", "title", "reason", "figures", "kind", "condition_key", "priority", "due_on",
        "status", "snoozed_until", "assignee", "created_at", "created_by", "closed_at",
        "closed_by",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
