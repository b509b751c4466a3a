"""The choice of a member to give work to (a task, the tasks of accounts without an owner):
only members who can act on accounts, never viewers."""

from django import forms

from tenants.selectors import writers_list


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the request's tenant who is not a viewer, shown by email and role. The
    queryset is evaluated when the form is used, so it is scoped to the request's tenant."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", writers_list())
        super().__init__(**kwargs)

    def label_from_instance(self, membership):
        return f"{membership.user.email} ({membership.get_role_display()})"
