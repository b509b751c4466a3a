"""Forms of the scorecard pages. They only read the input; every rule about what a scorecard
may be is checked by health.services (the same messages as the API), and those errors are
put back next to the fields they name."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models.account import LifecycleStage
from health.labels import SHORT_NAMES
from health.models import MappingKind, MissingPolicy


def _number_text(value) -> str:
    number = Decimal(str(value))
    return str(number.quantize(Decimal(1)) if number == number.to_integral_value() else number)


def _optional_number(value) -> str | None:
    """ "20.000" as "20", "0.500" as "0.5"."""
    if value is None or value == "":
        return None
    number = Decimal(str(value)).normalize()
    return _number_text(number) if number == number.to_integral_value() else str(number)


def thresholds_text(steps) -> str:
    """[[0, 100], [8, 70]] as "0:100, 8:70"."""
    return ", ".join(f"{_number_text(a)}:{_number_text(b)}" for a, b in steps or [])


class ThresholdsField(forms.CharField):
    """Steps written "minimum:score, minimum:score" (commas, semicolons or new lines)."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return []
        # Each number within the API's limits (12 digits, 3 after the point).
        number = forms.DecimalField(max_digits=12, decimal_places=3)
        steps = []
        for item in re.split(r"[,;\n]+", text):
            if not item.strip():
                continue
            pieces = item.split(":")
            if len(pieces) != 2:
                raise ValidationError(
                    _("Write each step as minimum:score, for example 0:100, 8:70, 15:40.")
                )
            steps.append([number.clean(piece.strip()) for piece in pieces])
        return steps


class ScorecardForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    segment = forms.CharField(label=gettext_lazy("Segment"), required=False)
    lifecycle_stage = forms.CharField(label=gettext_lazy("Lifecycle stage"), required=False)
    priority = forms.IntegerField(
        label=gettext_lazy("Priority"),
        required=False,
        max_value=2_147_483_647,  # the column's range
        help_text=gettext_lazy("Lower is tried first; the default scorecard is tried last."),
    )
    is_default = forms.BooleanField(
        label=gettext_lazy("Default scorecard"),
        required=False,
        help_text=gettext_lazy("For accounts that match no other scorecard."),
    )
    average_min = forms.IntegerField(
        label=gettext_lazy("Average from"),
        required=False,
        help_text=gettext_lazy("Scores from this value up are average (lower: poor)."),
    )
    good_min = forms.IntegerField(
        label=gettext_lazy("Good from"),
        required=False,
        help_text=gettext_lazy("Scores from this value up are good."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note for the version history"), max_length=500, required=False
    )

    def __init__(self, *args, segments: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        # Offered: the segments accounts have (and the one kept, should it have emptied);
        # a segment typed into the request anyway is checked by the service.
        choices = [("", _("Any segment"))] + [(s, s) for s in segments]
        self.fields["segment"].widget = forms.Select(choices=choices)
        stages = [("", _("Any stage")), *LifecycleStage.choices]
        self.fields["lifecycle_stage"].widget = forms.Select(choices=stages)
        for name in ("priority", "average_min", "good_min"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "short"})


# Short enough for a row of the form; the scorecard's page shows the full wording.
MISSING_CHOICES = [
    (MissingPolicy.OMIT, gettext_lazy("Leave out")),
    (MissingPolicy.POOR, gettext_lazy("Count as 0")),
    (MissingPolicy.NEUTRAL, gettext_lazy("Count as 50")),
]


class MeasureForm(forms.Form):
    source = forms.CharField(
        label=gettext_lazy("Source"),
        required=False,
        widget=forms.Select(choices=[("", "—"), *SHORT_NAMES.items()]),
    )
    mapping = forms.CharField(
        label=gettext_lazy("Mapping"),
        required=False,
        initial=MappingKind.LINEAR,
        widget=forms.Select(choices=MappingKind.choices),
    )
    # The columns' precision: a longer number is a form error, not a database error.
    low = forms.DecimalField(
        label=gettext_lazy("Low (scores 0)"), required=False, max_digits=12, decimal_places=3
    )
    high = forms.DecimalField(
        label=gettext_lazy("High (scores 100)"), required=False, max_digits=12, decimal_places=3
    )
    thresholds = ThresholdsField(
        label=gettext_lazy("Thresholds"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "0:100, 8:70, 15:40"}),
    )
    weight = forms.DecimalField(
        label=gettext_lazy("Weight"), required=False, max_digits=8, decimal_places=3
    )
    missing = forms.CharField(
        label=gettext_lazy("When data is missing"),
        required=False,
        initial=MissingPolicy.OMIT,
        widget=forms.Select(choices=MISSING_CHOICES),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("low", "high", "weight"):
            self.fields[name].widget.attrs.update({"class": "short", "step": "any"})

    def as_measure(self) -> dict:
        data = self.cleaned_data
        measure = {name: data.get(name) for name in ("source", "mapping", "weight", "missing")}
        # An empty mapping or policy (no choice sent) is the service's default.
        measure = {k: v for k, v in measure.items() if v != "" or k == "source"}
        if data.get("mapping") == MappingKind.THRESHOLDS:
            measure["thresholds"] = data.get("thresholds") or []
        else:
            measure["low"], measure["high"] = data.get("low"), data.get("high")
        return measure


MeasureFormSet = forms.formset_factory(
    MeasureForm, extra=1, can_delete=True, max_num=20, validate_max=True, absolute_max=40
)


def measure_initial(measure) -> dict:
    return {
        "source": measure["source"],
        "mapping": measure["mapping"],
        "low": _optional_number(measure.get("low")),
        "high": _optional_number(measure.get("high")),
        "thresholds": thresholds_text(measure.get("thresholds")),
        "weight": _optional_number(measure["weight"]),
        "missing": measure.get("missing", MissingPolicy.OMIT),
    }


def kept_measure_forms(formset) -> list[MeasureForm]:
    """The rows that make the scorecard: filled in and not marked for removal."""
    return [
        form
        for form in formset.forms
        if form.has_changed()
        and not form.cleaned_data.get("DELETE")
        and any(form.cleaned_data.get(name) not in (None, "", []) for name in ("source", "weight"))
    ]


def service_errors_to_forms(error: ValidationError, form, measure_forms) -> list[str]:
    """Put the service's errors ("good_min", "measures.1.weight") next to their fields;
    returns those that belong to no field (shown above the measures)."""
    rest = []
    for key, messages in error.message_dict.items():
        parts = key.split(".")
        if (
            parts[0] == "measures"
            and len(parts) == 3
            and parts[1].isascii()
            and parts[1].isdecimal()
        ):
            index, field = int(parts[1]), parts[2]
            if index < len(measure_forms) and field in measure_forms[index].fields:
                for message in messages:
                    measure_forms[index].add_error(field, message)
                continue
        if key in form.fields:
            for message in messages:
                form.add_error(key, message)
            continue
        rest.extend(messages)
    return rest
