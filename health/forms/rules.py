"""Forms of the alert rules page: one per rule, showing the settings its kind reads, and the
tenant's fallback assignee of tasks. They parse; the services check the values."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from health.forms.members import MemberChoiceField
from health.models import AlertRule, TaskKind, TaskPriority
from health.models.rule import PARAMETER_FIELDS

# "days" means a different thing for each kind that reads it.
DAYS_HELP = {
    TaskKind.RENEWAL_AT_RISK: _("Fires when the subscription renews within this many days."),
    TaskKind.NO_ACTIVITY: _("Fires after this many days without a usage event."),
    TaskKind.ONBOARDING_STALLED: _(
        "Fires when a required onboarding step is overdue by more than this many days, or "
        "no step was completed for more than this many days."
    ),
}


def _field(name: str, **kwargs):
    model_field = AlertRule._meta.get_field(name)
    return forms.IntegerField(
        label=capfirst(model_field.verbose_name), help_text=model_field.help_text, **kwargs
    )


class AlertRuleForm(forms.Form):
    enabled = forms.BooleanField(label=_("On"), required=False)
    name = forms.CharField(label=_("Name"), max_length=100)
    # No bounds here: the service says what is wrong with a value, naming the field.
    points = _field("points")
    window_days = _field("window_days")
    percent = _field("percent")
    days = _field("days")
    max_score = _field("max_score")
    priority = forms.ChoiceField(label=_("Task priority"), choices=TaskPriority.choices)
    due_days = _field("due_days")

    def __init__(self, *args, rule: AlertRule, **kwargs):
        kwargs.setdefault("prefix", f"rule-{rule.pk}")
        kwargs.setdefault(
            "initial",
            {name: getattr(rule, name) for name in ("enabled", "name", *PARAMETER_FIELDS,
                                                    "priority", "due_days")},
        )  # fmt: skip
        super().__init__(*args, **kwargs)
        self.rule = rule
        for name in PARAMETER_FIELDS:
            if name not in rule.parameters:
                del self.fields[name]
        if "days" in self.fields:
            self.fields["days"].help_text = DAYS_HELP[rule.kind]

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class TaskFallbackForm(forms.Form):
    task_fallback_assignee = MemberChoiceField(
        label=_("Tasks of accounts without an owner go to"),
        required=False,
        empty_label=_("Nobody: they stay unassigned"),
    )
