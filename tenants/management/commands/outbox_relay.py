"""manage.py outbox_relay: send the queued tasks that waited for the broker, now."""

from celery import current_app
from django.core.management.base import CommandError
from django.utils.translation import gettext_lazy, ngettext

from tenants.cli import ApplicationCommand
from tenants.tenancy.outbox import BROKER_ERRORS, outbox_relay


class Command(ApplicationCommand):
    help = gettext_lazy(
        "Send the tasks (invitation emails, imports, recomputes) that were queued while the "
        "broker (Redis) could not be reached. Fails while it still cannot be."
    )

    def handle(self, *args, **options):
        result = outbox_relay()
        error = result.error or (None if result.sent else _broker_error())
        if error:
            raise CommandError(
                ngettext(
                    "The broker (Redis) cannot be reached: %(error)s. %(waiting)d queued task "
                    "is waiting; run this command again once Redis is back.",
                    "The broker (Redis) cannot be reached: %(error)s. %(waiting)d queued tasks "
                    "are waiting; run this command again once Redis is back.",
                    result.waiting,
                )
                % {"error": error, "waiting": result.waiting}
            )
        self.stdout.write(
            ngettext(
                "Sent %(sent)d queued task to the broker; %(waiting)d waiting.",
                "Sent %(sent)d queued tasks to the broker; %(waiting)d waiting.",
                result.sent,
            )
            % {"sent": result.sent, "waiting": result.waiting}
        )


def _broker_error() -> str | None:
    """Nothing was sent: whether the broker answers at all, told by its error."""
    try:
        with current_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
    except BROKER_ERRORS as failure:
        return f"{type(failure).__name__}: {failure}"
    return None
