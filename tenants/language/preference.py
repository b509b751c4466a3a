"""The language a person chose, for words written for them outside their own request (a
task's messages that they read later): their preference, else the site's language."""

from django.conf import settings

from tenants.language.session import available


def preferred_language(preferences) -> str:
    """The language of the first of `preferences` (a UserPreference queryset naming the
    person), when the site still offers it; else the site's language."""
    language = preferences.values_list("language", flat=True).first()
    return language if language and available(language) else settings.LANGUAGE_CODE
