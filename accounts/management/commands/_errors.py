"""Command errors that name the problem: a service's ValidationError, a bad date option."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def command_error(error: ValidationError) -> CommandError:
    if hasattr(error, "error_dict"):
        lines = [f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()]
    else:
        lines = error.messages
    return CommandError("; ".join(lines))


def date_option(option: str, value: str | None) -> date | None:
    """The date given to `option` (None when not given), or an error naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date like 2026-03-31, got {value!r}.") from None
