"""The handover form. Stakeholders are written one a line, "name; role; email"; what a
handover may hold is checked by `handover_save`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from onboarding.services.handovers import STAKEHOLDER_FIELDS


def people_text(people: list[dict]) -> str:
    return "\n".join(
        "; ".join(person.get(name, "") for name in STAKEHOLDER_FIELDS).rstrip("; ")
        for person in people
    )


class PeopleField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        people = []
        for line in (super().to_python(value) or "").splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            if len(parts) > 3:
                raise ValidationError(
                    _("Write each person on a line as name; role; email (%(line)s).")
                    % {"line": line.strip()[:80]}
                )
            people.append(
                dict(zip(STAKEHOLDER_FIELDS, parts + [""] * (3 - len(parts)), strict=True))
            )
        return people


class HandoverForm(forms.Form):
    goals = forms.CharField(
        label=gettext_lazy("Goals"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("What the customer bought the product to reach, in their words."),
    )  # fmt: skip
    stakeholders = PeopleField(
        label=gettext_lazy("Stakeholders"), required=False,
        help_text=gettext_lazy("One a line: name; role; email (the email is optional)."),
    )  # fmt: skip
    promised_features = forms.CharField(
        label=gettext_lazy("Promised features"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What sales promised, with dates; “none” if nothing was."),
    )  # fmt: skip
    go_live_on = forms.DateField(
        label=gettext_lazy("Go-live date"), required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "short"}, format="%Y-%m-%d"),
    )  # fmt: skip
    risks = forms.CharField(
        label=gettext_lazy("Risks"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What could stop the customer from going live or renewing."),
    )  # fmt: skip
