"""The survey form of the pages: the question in each language, the audience (segment,
lifecycle stage, or accounts by external id, one per line), cadence, throttle, link expiry
and reminder. The service checks the rest and its errors land on the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account, LifecycleStage, Survey, SurveyStatus

LANGUAGE_FIELDS = {
    "question_en": ("en", _("Question in English")),
    "question_zh_hans": ("zh-hans", _("Question in Simplified Chinese")),
    "question_ru": ("ru", _("Question in Russian")),
    "question_ro": ("ro", _("Question in Romanian")),
}


class SurveyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    question_en = forms.CharField(
        label=LANGUAGE_FIELDS["question_en"][1],
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("{{ company_name }} is replaced by your company's name."),
    )
    question_zh_hans = forms.CharField(
        label=LANGUAGE_FIELDS["question_zh_hans"][1], max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty, contacts in this language read the English question."),
    )  # fmt: skip
    question_ru = forms.CharField(
        label=LANGUAGE_FIELDS["question_ru"][1], max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    question_ro = forms.CharField(
        label=LANGUAGE_FIELDS["question_ro"][1], max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    lifecycle_stage = forms.ChoiceField(
        label=_("Lifecycle stage"),
        required=False,
        choices=[("", _("Any stage"))] + [
            (value, label) for value, label in LifecycleStage.choices
            if value != LifecycleStage.CHURNED
        ],
    )  # fmt: skip
    accounts = forms.CharField(
        label=_("Only these accounts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "External ids, one per line. Left empty: every account of the segment and stage."
        ),
    )
    every_months = forms.IntegerField(
        label=_("Repeat every (months)"), required=False, min_value=1, max_value=24,
        help_text=_("Left empty, the survey is sent once."),
    )  # fmt: skip
    next_send_on = forms.DateField(
        label=_("First send on"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Left empty, nothing is sent until you press “Send now”."),
    )  # fmt: skip
    throttle_days = forms.IntegerField(
        label=_("Ask a contact at most once in (days)"), min_value=0, max_value=730, initial=90,
        help_text=_("Across all your surveys."),
    )  # fmt: skip
    link_days = forms.IntegerField(
        label=_("Links expire after (days)"), min_value=1, max_value=365, initial=30
    )
    reminder_days = forms.IntegerField(
        label=_("Remind after (days)"), required=False, min_value=1, max_value=60, initial=4,
        help_text=_("One reminder to those who have not answered. Left empty: no reminder."),
    )  # fmt: skip
    status = forms.ChoiceField(label=_("Status"), choices=SurveyStatus.choices)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        segments = (
            Account.objects.for_tenant(tenant)
            .exclude(segment="")
            .order_by("segment")
            .values_list("segment", flat=True)
            .distinct()
        )
        self.fields["segment"].choices = [("", _("Any segment"))] + [(s, s) for s in segments]

    @classmethod
    def initial_of(cls, survey: Survey) -> dict:
        external = dict(
            Account.objects.for_tenant(survey.tenant)
            .filter(pk__in=survey.account_ids or [0])
            .values_list("pk", "external_id")
        )
        initial = {
            name: getattr(survey, name)
            for name in ("name", "segment", "lifecycle_stage", "every_months", "next_send_on",
                         "throttle_days", "link_days", "reminder_days", "status")
        }  # fmt: skip
        initial |= {
            field: survey.question.get(lang, "") for field, (lang, _) in LANGUAGE_FIELDS.items()
        }
        initial["accounts"] = "\n".join(external[pk] for pk in survey.account_ids if pk in external)
        return initial

    def clean_accounts(self):
        ids = [line.strip() for line in self.cleaned_data["accounts"].splitlines() if line.strip()]
        found = dict(
            Account.objects.for_tenant(self.tenant)
            .filter(external_id__in=ids)
            .values_list("external_id", "pk")
        )
        missing = [i for i in ids if i not in found]
        if missing:
            raise forms.ValidationError(
                _("No account has the external id %(ids)s.") % {"ids": ", ".join(missing[:10])}
            )
        return [found[i] for i in dict.fromkeys(ids)]

    def values(self) -> dict:
        """The service's keyword arguments."""
        data = self.cleaned_data
        question = {
            lang: data[field].strip()
            for field, (lang, _) in LANGUAGE_FIELDS.items()
            if data[field].strip()
        }
        return {
            "name": data["name"],
            "question": question,
            "segment": data["segment"],
            "lifecycle_stage": data["lifecycle_stage"],
            "account_ids": data["accounts"],
            "every_months": data["every_months"],
            "next_send_on": data["next_send_on"],
            "throttle_days": data["throttle_days"],
            "link_days": data["link_days"],
            "reminder_days": data["reminder_days"],
            "status": data["status"],
        }

    def add_service_errors(self, errors: dict) -> None:
        """The service's {field: [messages]} on this form's fields."""
        names = {"question": "question_en", "account_ids": "accounts"}
        for field, messages in errors.items():
            name = names.get(field, field)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
