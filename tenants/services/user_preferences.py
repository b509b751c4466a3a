"""Saving what a person chose for themselves (their language)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tenants.language.session import available
from tenants.models import UserPreference


@transaction.atomic
def user_language_set(*, user, language: str) -> UserPreference:
    """Blank language: the browser's decides."""
    if language and not available(language):
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    preference, _created = UserPreference.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return preference
