"""The signed-in person's language in their session: written at sign-in and when changed,
read by the middleware on every request."""

from django.conf import settings
from django.utils import translation

SESSION_KEY = "user_language"


def available(language: str) -> bool:
    """A language the site offers (the setting may lose one after a preference was saved)."""
    return language in dict(settings.LANGUAGES) and translation.check_for_language(language)


def session_language(session) -> str:
    """The language kept in the session, or "" (the browser's language decides)."""
    language = session.get(SESSION_KEY) or ""
    return language if available(language) else ""


def remember_language(session, language: str) -> None:
    if session.get(SESSION_KEY, None) != language:
        session[SESSION_KEY] = language


def copy_preference_at_sign_in(sender, request, user, **kwargs):
    """user_logged_in receiver: the one moment every way of signing in (the sign-in form, the
    admin's, an accepted invitation) goes through; reading the preference here keeps every
    later page free of the query."""
    from tenants.models import UserPreference

    if request is None or not hasattr(request, "session"):
        return
    language = (
        UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    ) or ""
    remember_language(request.session, language)
