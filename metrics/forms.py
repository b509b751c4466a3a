"""Forms of the KPI pages; they read input and hand it to the recompute service."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"


class RecomputeForm(forms.Form):
    """The days to recompute; the service checks the range (so the API and this page agree)."""

    since = forms.DateField(label="From", widget=DateInput)
    until = forms.DateField(
        label="To", widget=DateInput, help_text="Both days included, in your time zone."
    )


RANGE_DAYS = (30, 90, 180, 365)
DEFAULT_RANGE_DAYS = 90
# Longer ranges are refused: three years of daily points is already more than a chart shows.
MAX_RANGE_YEARS = 3
CUSTOM = "custom"


class TrendRangeForm(forms.Form):
    """The KPI trends' choices, all in the URL (a GET form): the range (last N days or from/to,
    both included, local days), the accounts cut and the group of metrics. Unknown cuts and
    groups are left to the view, which falls back to all accounts and the first group."""

    range = forms.ChoiceField(
        label=_("Range"),
        required=False,
        choices=[
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            ("180", _("Last 180 days")),
            ("365", _("Last 365 days")),
            (CUSTOM, _("From – to")),
        ],
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    cut = forms.CharField(required=False, max_length=200)
    group = forms.CharField(required=False, max_length=40)

    def __init__(self, data=None, *, latest: date, **kwargs):
        super().__init__(data, **kwargs)
        # Ranges end with the latest computed day unless the user picks their own end.
        self.latest = latest

    def clean(self):
        data = super().clean()
        choice = data.get("range") or ""
        start, end = data.get("start"), data.get("end")
        # A preset wins over the days (the form always sends the days on screen); without a
        # preset, days given make a custom range.
        if choice not in ("", CUSTOM) or (not choice and not (start or end)):
            days = int(choice) if choice else DEFAULT_RANGE_DAYS
            data["first"] = self.latest - timedelta(days=days - 1)
            data["last"] = self.latest
            return data
        if "start" in self.errors or "end" in self.errors:
            return data
        if not start or not end:
            raise forms.ValidationError(
                _("Give both days of a custom range."), code="incomplete_range"
            )
        if start > end:
            raise forms.ValidationError(
                _("The first day must not be after the last."), code="reversed_range"
            )
        if start < years_before(end, MAX_RANGE_YEARS):
            raise forms.ValidationError(
                _("A range can cover at most three years."), code="range_too_long"
            )
        if start < EARLIEST or end > self.latest + timedelta(days=366):
            raise forms.ValidationError(
                _("Choose days from 1970 to a year after the latest computed day."),
                code="range_out_of_bounds",
            )
        data["first"], data["last"] = start, end
        return data


# Before it there is nothing to show; far after the latest day, month arithmetic overflows.
EARLIEST = date(1970, 1, 1)


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (29 February becomes the 28th), or date.min near year 1."""
    if day.year <= years:
        return date.min
    return day.replace(year=day.year - years, day=min(day.day, 28) if day.month == 2 else day.day)
