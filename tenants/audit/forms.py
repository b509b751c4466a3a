"""The audit log's filters: actor, kind of record and a range of days."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.audit.selectors import audit_actor_choices, audit_model_choices


class AuditFilterForm(forms.Form):
    actor = forms.ChoiceField(label=_("Who"), required=False)
    model = forms.TypedChoiceField(label=_("Record"), required=False, coerce=int, empty_value=None)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Anyone"))]
        self.fields["actor"].choices = everyone + audit_actor_choices(_("API key %(name)s"))
        self.fields["model"].choices = [("", _("Any record"))] + audit_model_choices()

    # Days far outside these would overflow when turned into times of the tenant's zone.
    EARLIEST, LATEST = date(1900, 1, 1), date(9000, 12, 31)

    def _in_range(self, name):
        day = self.cleaned_data.get(name)
        if day is not None and not self.EARLIEST <= day <= self.LATEST:
            raise forms.ValidationError(_("Pick a day between 1900 and 9000."))
        return day

    def clean_since(self):
        return self._in_range("since")

    def clean_until(self):
        return self._in_range("until")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("Pick a day on or after the first one."))
        return cleaned

    def filters(self) -> dict:
        data = self.cleaned_data
        kind, _dash, pk = (data.get("actor") or "").partition("-")
        return {
            "actor": int(pk) if kind == "user" else None,
            "api_key": pk if kind == "key" else None,
            "content_type": data.get("model"),
            "since": data.get("since"),
            "until": data.get("until"),
        }
