"""Forms of the churn page: the period picker and a churn record's reason and note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from metrics.churn_selectors import DEFAULT_PERIOD, PERIOD_MONTHS, churn_reason_choices
from metrics.models import ChurnRecord

NOTE_MAX = 2000


class ChurnPeriodForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Period"),
        choices=[
            (3, _("Last 3 months")),
            (6, _("Last 6 months")),
            (12, _("Last 12 months")),
        ],
        coerce=int,
        required=False,
        empty_value=DEFAULT_PERIOD,
    )

    def chosen(self) -> int:
        """The months asked for, or the default for a missing or unknown period."""
        if self.is_valid() and self.cleaned_data["months"] in PERIOD_MONTHS:
            return self.cleaned_data["months"]
        return DEFAULT_PERIOD


class ChurnRecordForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Reason"), queryset=None, empty_label=_("Choose a reason")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the customer said, and what could have kept them."),
    )

    def __init__(self, *args, record: ChurnRecord, **kwargs):
        kwargs.setdefault("initial", {"reason": record.reason_id, "note": record.note})
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = churn_reason_choices(record.reason)
