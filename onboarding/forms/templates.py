"""Forms of the template editor: the template's settings, one row per step (titles and help
in each language) and its milestones. They only read the input; what a template may be is
checked by `template_save`, whose messages name the step."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models.account import CONTACT_LANGUAGES
from onboarding.models import CompletedBy, Milestone

LANGUAGE_FIELDS = [(code, code.replace("-", "_"), name) for code, name in CONTACT_LANGUAGES]


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    plan = forms.CharField(
        label=_("Subscription plan"),
        max_length=100,
        required=False,
        help_text=_("For accounts on this plan (their latest subscription's); empty: any."),
    )
    segment = forms.CharField(
        label=_("Segment"),
        max_length=100,
        required=False,
        help_text=_("For accounts in this segment; empty: any."),
    )
    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=0,
        max_value=32767,
        initial=100,
        help_text=_("Lower is tried first."),
    )
    is_default = forms.BooleanField(
        label=_("Default template"),
        required=False,
        help_text=_("For accounts that match no other template."),
    )

    def __init__(self, *args, step_keys: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(key, key) for key in step_keys]
        for value, label in Milestone.choices:
            self.fields[f"milestone_{value}"] = forms.CharField(
                label=label, required=False, widget=forms.Select(choices=choices)
            )
        self.fields["priority"].widget.attrs.update({"inputmode": "numeric", "class": "short"})

    def milestone_fields(self):
        return [self[f"milestone_{value}"] for value in Milestone.values]

    def settings_fields(self):
        return [self[name] for name in ("name", "plan", "segment", "priority", "is_default")]

    def milestones(self) -> dict:
        data = self.cleaned_data
        return {
            value: data[f"milestone_{value}"]
            for value in Milestone.values
            if data.get(f"milestone_{value}")
        }


class StepForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        required=False,
        help_text=_("Stays the same across edits: a running plan keeps what was done."),
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    due_days = forms.IntegerField(
        label=_("Due (days after the start)"), min_value=0, max_value=365, initial=7
    )
    completed_by = forms.ChoiceField(
        label=_("Completed by"), choices=CompletedBy.choices, initial=CompletedBy.CUSTOMER
    )
    event_name = forms.CharField(label=_("Event"), max_length=200, required=False)
    event_count = forms.IntegerField(
        label=_("Times"), min_value=1, max_value=100000, initial=1, required=False
    )
    trait_name = forms.CharField(label=_("Account trait"), max_length=100, required=False)
    trait_value = forms.CharField(label=_("Trait value"), max_length=200, required=False)
    article_key = forms.CharField(
        label=_("Help article key"),
        max_length=100,
        required=False,
        help_text=_("A knowledge-base article shown with the step."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for _code, field, name in LANGUAGE_FIELDS:
            self.fields[f"title_{field}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                max_length=2000,
                required=False,
            )
            self.fields[f"help_{field}"] = forms.CharField(
                label=_("Help text (%(language)s)") % {"language": name},
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for name in ("due_days", "event_count"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "short"})

    def settings_fields(self):
        names = (
            "key",
            "required",
            "due_days",
            "completed_by",
            "event_name",
            "event_count",
            "trait_name",
            "trait_value",
            "article_key",
        )
        return [self[name] for name in names]

    def language_rows(self):
        """(language name, title field, help field), English first."""
        return [
            (name, self[f"title_{field}"], self[f"help_{field}"])
            for _code, field, name in LANGUAGE_FIELDS
        ]

    def has_changed(self) -> bool:
        if self.initial:  # a stored step: any change counts
            return super().has_changed()
        # A new row with nothing typed into it (its defaults aside) is no step.
        typed = ["key", "event_name", "trait_name", "trait_value", "article_key"]
        typed += [
            f"{kind}_{field}"
            for kind in ("title", "help")
            for _code, field, _name in LANGUAGE_FIELDS
        ]
        return any((self.data.get(self.add_prefix(name)) or "").strip() for name in typed)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("key") or data.get("title_en"))

    def as_step(self) -> dict:
        data = self.cleaned_data
        texts = {
            kind: {
                code: data[f"{kind}_{field}"].strip()
                for code, field, _name in LANGUAGE_FIELDS
                if data.get(f"{kind}_{field}", "").strip()
            }
            for kind in ("title", "help")
        }
        step = {
            name: data.get(name)
            for name in (
                "key",
                "required",
                "due_days",
                "completed_by",
                "event_name",
                "trait_name",
                "trait_value",
                "article_key",
            )
        }
        step["event_count"] = data.get("event_count") or 1
        if not step["key"]:  # a new step: its key from its English title
            step["key"] = slugify(texts["title"].get("en", ""))[:60].strip("-")
        return step | texts


def step_initial(step: dict) -> dict:
    initial = {name: value for name, value in step.items() if name not in ("title", "help")}
    for code, field, _name in LANGUAGE_FIELDS:
        initial[f"title_{field}"] = (step.get("title") or {}).get(code, "")
        initial[f"help_{field}"] = (step.get("help") or {}).get(code, "")
    return initial


class BaseStepFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if index is not None:  # a new row too shows its place in the order
            form.fields["ORDER"].initial = index + 1


StepFormSet = forms.formset_factory(
    StepForm,
    formset=BaseStepFormSet,
    extra=1,
    can_delete=True,
    can_order=True,
    max_num=50,
    validate_max=True,
    absolute_max=60,
)


def kept_step_forms(formset) -> list[StepForm]:
    """The filled-in rows not marked for removal, by their Order (a row without one keeps
    its place)."""
    rows = [
        (form.cleaned_data.get("ORDER") or number, number, form)
        for number, form in enumerate(formset.forms, start=1)
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
    ]
    return [form for _order, _number, form in sorted(rows, key=lambda row: row[:2])]
