"""Turn a service's ValidationError into a command error that names each field."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def command_error(error: ValidationError) -> CommandError:
    if hasattr(error, "error_dict"):
        lines = [f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()]
    else:
        lines = error.messages
    return CommandError("; ".join(lines))
