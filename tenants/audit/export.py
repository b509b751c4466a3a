"""The audit log as CSV, streamed from a server-side cursor, times in the tenant's zone."""

import csv
import io
import json
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from tenants.models import Tenant
from tenants.spreadsheet import escape_cell

HEADER = ["time", "time_zone", "actor", "action", "record", "record_id", "description", "changes"]
CHUNK = 500


def _cell(value) -> str:
    return escape_cell("" if value is None else str(value))


def audit_csv(*, tenant: Tenant, entries) -> Iterator[str]:
    zone = ZoneInfo(tenant.time_zone)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for count, entry in enumerate(entries.iterator(chunk_size=2000), start=1):
        writer.writerow(
            [
                entry.timestamp.astimezone(zone).isoformat(timespec="seconds"),
                tenant.time_zone,
                _cell(entry.actor_display),
                entry.get_action_display(),
                entry.content_type.model,
                entry.object_pk,
                _cell(entry.object_repr),
                _cell(json.dumps(entry.changes, ensure_ascii=False) if entry.changes else ""),
            ]
        )
        if count % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
