"""manage.py events_partitions [--ahead N] [--detach-before YYYY-MM]

Lists the monthly partitions of the usage events, creates those of
the current month and the next ones (as the hourly upkeep task does), or detaches the
partitions of the months before a given month. A detached partition stays in the database
as a table of its own, outside the events table and out of the application role's reach,
for the operator to archive (pg_dump -t) and drop (docs/operations.md).
"""

import re
from datetime import date

from django.core.management.base import CommandError
from django.db import OperationalError

from metrics.services.event_storage import (
    MONTHS_AHEAD,
    DetachRefused,
    event_partitions,
    event_partitions_ahead,
    event_partitions_detach,
    lock_timed_out,
)
from tenants.cli import ApplicationCommand

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_option(value: str) -> date:
    found = _MONTH.fullmatch(value.strip())
    if found is None or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1:
        raise CommandError(
            f"--detach-before takes a month as YYYY-MM (e.g. 2025-01), got {value!r}."
        )
    return date(int(found[1]), int(found[2]), 1)


class Command(ApplicationCommand):
    help = (
        "The usage events' monthly partitions: list them, create those ahead, or detach "
        "the months before --detach-before."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--ahead",
            type=int,
            help=f"Create the partitions of the current month and N after it (the hourly "
            f"task keeps {MONTHS_AHEAD}).",
        )
        parser.add_argument(
            "--detach-before",
            help="Detach the partitions of the months before this one (YYYY-MM).",
        )

    def handle(self, *args, ahead, detach_before, **options):
        try:
            self._change(ahead, detach_before)
        except OperationalError as error:
            if not lock_timed_out(error):
                raise
            raise CommandError(
                "The events table is busy (a long query holds it); nothing was changed. "
                "Run the command again in a moment."
            ) from None
        for name, month in event_partitions():
            self.stdout.write(f"{month:%Y-%m}  {name}" if month else f"default  {name}")

    def _change(self, ahead, detach_before):
        if ahead is not None:
            if not 0 <= ahead <= 24:
                raise CommandError(f"--ahead must be 0 to 24, got {ahead}.")
            created = event_partitions_ahead(months=ahead)
            self.stdout.write(f"Created {len(created)} partition(s): {', '.join(created) or '-'}")
        if detach_before is not None:
            before = month_option(detach_before)
            try:
                detached = event_partitions_detach(before=before)
            except DetachRefused as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                f"Detached {len(detached)} partition(s): {', '.join(detached) or '-'}"
            )
