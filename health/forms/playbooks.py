"""Forms of the health pages: starting a playbook on an account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from health.models import Playbook


class PlaybookStartForm(forms.Form):
    # The queryset is scoped when evaluated, to the tenant of the request.
    playbook = forms.ModelChoiceField(
        label=_("Playbook"),
        queryset=Playbook.objects.filter(enabled=True).order_by("name", "id"),
        error_messages={"invalid_choice": _("Choose one of your enabled playbooks.")},
    )
