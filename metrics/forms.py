"""Forms of the KPI pages; they read input and hand it to the recompute service."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"


class RecomputeForm(forms.Form):
    """The days to recompute; the service checks the range (so the API and this page agree)."""

    since = forms.DateField(label="From", widget=DateInput)
    until = forms.DateField(
        label="To", widget=DateInput, help_text="Both days included, in your time zone."
    )
