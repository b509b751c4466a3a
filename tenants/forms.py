"""Forms of the team, API-key and invitation pages; they validate input for the services."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.validators import MaxLengthValidator

from tenants.models import Role

INVITABLE_ROLES = [(value, label) for value, label in Role.choices if value != Role.OWNER]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email", max_length=150, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label="Role", choices=INVITABLE_ROLES, initial=Role.CSM)


class APIKeyForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=50,
        help_text="What will use this key, e.g. “Segment production” or “CRM nightly sync”.",
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    """Shown to an invitee who has no account yet: a name and a password."""

    name = forms.CharField(label="Your name", max_length=150)
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise forms.ValidationError("The two passwords differ.")
        return second

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password:
            try:
                validate_password(password)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class NameLengthCheckedMixin:
    """Django's sign-in forms set the name's maximum length on the input only; checked here
    before anything looks the name up: the lock-out records store at most 255 characters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class SignInForm(NameLengthCheckedMixin, AuthenticationForm):
    pass


class AdminSignInForm(NameLengthCheckedMixin, AdminAuthenticationForm):
    pass
