"""The language a person chose, for words written for them outside their own request (a
task's messages that they read later): their preference, else the site's language."""

from django.conf import settings

from tenants.language.session import available


def preferred_language(preferences, default: str = "") -> str:
    """The language of the first of `preferences` (a UserPreference queryset naming the
    person), when the site still offers it; else `default` when offered; else the site's."""
    for language in (preferences.values_list("language", flat=True).first(), default):
        if language and available(language):
            return language
    return settings.LANGUAGE_CODE
