"""Forms of the task pages: snooze, reassign and a task opened by hand. They read input; the
task services decide what is allowed (a snooze in the past, a member of another tenant);
only members who are not viewers are offered as assignees."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from health.forms.members import MemberChoiceField
from health.models import TaskPriority

SNOOZE_DAYS = {"1": 1, "3": 3, "7": 7}


class DateInput(forms.DateInput):
    input_type = "date"


class TaskSnoozeForm(forms.Form):
    """Either a number of days (the quick buttons) or a day."""

    days = forms.ChoiceField(
        choices=[(key, key) for key in SNOOZE_DAYS], required=False, label=_("Days")
    )
    until = forms.DateField(required=False, label=_("Snooze until"), widget=DateInput)

    def __init__(self, *args, today: date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("days"):
            cleaned["until"] = self.today + timedelta(days=SNOOZE_DAYS[cleaned["days"]])
        elif not cleaned.get("until"):
            self.add_error("until", _("Choose how long to snooze the task."))
        return cleaned


class TaskReassignForm(forms.Form):
    assignee = MemberChoiceField(
        label=_("Assignee"), error_messages={"invalid_choice": _("Choose a member of your team.")}
    )


class TaskCreateForm(forms.Form):
    """A task opened by hand on an account."""

    title = forms.CharField(label=_("Title"), max_length=200)
    due_on = forms.DateField(label=_("Due"), widget=DateInput)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=TaskPriority.choices, initial=TaskPriority.MEDIUM
    )
    assignee = MemberChoiceField(
        label=_("Assignee"),
        required=False,
        empty_label=_("The account's owner"),
        error_messages={"invalid_choice": _("Choose a member of your team.")},
    )

    def __init__(self, *args, today: date, members: list | None = None, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)
        if members is not None:  # the page has them already: no second query to list them
            field = self.fields["assignee"]
            field.choices = [("", field.empty_label)] + [(m.pk, m.user.email) for m in members]
        self.fields["due_on"].widget.attrs["min"] = today.isoformat()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < self.today:
            raise forms.ValidationError(_("A new task is due today or later."))
        return due_on
