"""The form of a webhook endpoint on the pages (the service checks the URL and names it)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import WebhookFormat
from tenants.webhooks.events import event_type_choices


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=2000,
        help_text=_("An https address that answers 2xx within 15 seconds."),
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.example.com/csplatform"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        choices=event_type_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event type.")},
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=WebhookFormat.choices, initial=WebhookFormat.STANDARD
    )

    def apply_errors(self, error) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)
