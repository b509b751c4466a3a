"""The events table by month (partitions made ahead, detached by command) and the receipts'
retention window, with the refusal of events older than it."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from metrics.engine.rollups import _PAGES_SQL
from metrics.ingestion.events import events_ingest
from metrics.models import EventReceipt, UsageEvent
from metrics.services.event_storage import (
    DEFAULT_PARTITION,
    PARENT,
    detach_limit,
    event_partitions,
    event_partitions_ahead,
    event_partitions_ensure,
    events_storage_maintain,
    month_add,
    partition_name,
    receipts_expire,
    receipts_keep,
)
from tenants.db.rls import app_role
from tenants.tenancy.context import tenant_scope
from tests.conftest import _database_url

pytestmark = pytest.mark.django_db
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _this_month() -> date:
    return timezone.now().astimezone(UTC).date().replace(day=1)


def _event(tenant, message_id: str, when: datetime) -> UsageEvent:
    with tenant_scope(tenant):
        return UsageEvent.objects.create(
            tenant=tenant, message_id=message_id, event="Signed In", timestamp=when,
            received_at=timezone.now(), account_external_id="acc-1",
        )  # fmt: skip


def _partition_of(message_id: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM metrics_usageevent WHERE message_id = %s",
            [message_id],
        )
        return cursor.fetchone()[0]


def _attached() -> set[str]:
    return {name for name, _ in event_partitions()}


def test_the_migration_made_this_months_partition_two_ahead_and_the_default():
    this_month = _this_month()
    names = _attached()
    for n in range(3):
        assert partition_name(month_add(this_month, n)) in names
    assert DEFAULT_PARTITION in names
    assert event_partitions()[-1] == (DEFAULT_PARTITION, None)
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'metrics_usageevent'")
        assert cursor.fetchone()[0] == "p"


def test_creating_ahead_is_idempotent():
    later = _this_month()
    created = event_partitions_ahead(months=4)
    assert created == [partition_name(month_add(later, 3)), partition_name(month_add(later, 4))]
    before = event_partitions()
    assert event_partitions_ahead(months=4) == []
    assert event_partitions() == before


def test_events_land_in_their_months_partition_and_a_new_month_takes_its_own(tenant):
    now = timezone.now()
    _event(tenant, "now", now)
    assert _partition_of("now") == partition_name(_this_month())
    # A month with no partition yet: the default partition takes the event, no error ...
    old = datetime(2024, 3, 15, 12, tzinfo=UTC)
    _event(tenant, "march", old)
    _event(tenant, "april", datetime(2024, 4, 1, tzinfo=UTC))
    assert _partition_of("march") == DEFAULT_PARTITION
    # ... and moves to the month's partition when that one is made.
    assert event_partitions_ensure(first=date(2024, 3, 1), last=date(2024, 3, 31)) == [
        "metrics_usageevent_p202403"
    ]
    assert _partition_of("march") == "metrics_usageevent_p202403"
    assert _partition_of("april") == DEFAULT_PARTITION  # the boundary belongs to April
    _event(tenant, "march-2", datetime(2024, 3, 31, 23, 59, 59, tzinfo=UTC))
    assert _partition_of("march-2") == "metrics_usageevent_p202403"
    assert UsageEvent.objects.unscoped().count() == 4


def test_ingestion_goes_through_the_parent_into_the_months_partition(tenant):
    now = timezone.now()
    events = [
        {"message_id": "m-1", "event": "Signed In", "timestamp": now.isoformat(),
         "account_external_id": "acc-1"},
    ]  # fmt: skip
    assert events_ingest(tenant=tenant, events=events, received_at=now).accepted == 1
    assert _partition_of("m-1") == partition_name(_this_month())


def test_the_sample_of_the_rollups_weighs_the_partitions_not_the_empty_parent(tenant):
    with connection.cursor() as cursor:
        cursor.execute(_PAGES_SQL, {"table": "metrics_usageevent"})
        empty = cursor.fetchone()[0]
        for n in range(200):
            _event(tenant, f"p-{n}", timezone.now() - timedelta(minutes=n))
        cursor.execute(_PAGES_SQL, {"table": "metrics_usageevent"})
        assert cursor.fetchone()[0] > empty
        cursor.execute("SELECT pg_relation_size('metrics_usageevent')")
        assert cursor.fetchone()[0] == 0  # what the parent alone would say


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "events_partitions", *args],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "csplatform.settings_test"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-13", "--detach-before takes a month as YYYY-MM (e.g. 2025-01), got '2025-13'."),
        ("january", "--detach-before takes a month as YYYY-MM (e.g. 2025-01), got 'january'."),
        ("2025-01-15", "--detach-before takes a month as YYYY-MM"),
    ],
)
def test_detach_refuses_what_is_not_a_month(value, message):
    with pytest.raises(CommandError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        call_command("events_partitions", "--detach-before", value, stdout=StringIO())


def test_detach_refuses_months_that_may_still_receive_events():
    limit = detach_limit()
    with pytest.raises(CommandError) as refused:
        call_command(
            "events_partitions", "--detach-before", f"{month_add(limit, 1):%Y-%m}",
            stdout=StringIO(),
        )  # fmt: skip
    assert str(refused.value) == (
        f"Events from {limit:%Y-%m} on may still arrive (events up to "
        f"{settings.EVENTS_MAX_AGE_DAYS} days old are accepted); detach only months before "
        f"{limit:%Y-%m} at the latest."
    )
    assert DEFAULT_PARTITION in _attached()


def test_the_command_exits_non_zero_with_its_message_on_bad_input():
    result = _run("--detach-before", "2025-1")
    assert result.returncode == 1
    assert "--detach-before takes a month as YYYY-MM (e.g. 2025-01), got '2025-1'." in (
        result.stderr
    )


def test_detach_takes_old_months_out_of_the_events_table(tenant):
    event_partitions_ensure(first=date(2024, 1, 1), last=date(2024, 2, 1))
    _event(tenant, "jan", datetime(2024, 1, 10, tzinfo=UTC))
    _event(tenant, "feb", datetime(2024, 2, 10, tzinfo=UTC))
    out = StringIO()
    call_command("events_partitions", "--detach-before", "2024-02", stdout=out)
    assert "Detached 1 partition(s): metrics_usageevent_p202401" in out.getvalue()
    names = _attached()
    assert "metrics_usageevent_p202401" not in names
    assert "metrics_usageevent_p202402" in names and DEFAULT_PARTITION in names
    assert set(UsageEvent.objects.unscoped().values_list("message_id", flat=True)) == {"feb"}
    with connection.cursor() as cursor:
        # Kept as a table of its own for the operator, out of the application role's reach.
        cursor.execute("SELECT message_id FROM metrics_usageevent_p202401")
        assert cursor.fetchall() == [("jan",)]
        cursor.execute(
            "SELECT has_table_privilege(%s, 'metrics_usageevent_p202401', 'SELECT'),"
            " relrowsecurity FROM pg_class WHERE relname = 'metrics_usageevent_p202401'",
            [app_role()],
        )
        assert cursor.fetchone() == (False, True)
    out = StringIO()
    call_command("events_partitions", "--detach-before", "2024-02", stdout=out)
    assert "Detached 0 partition(s): -" in out.getvalue()


def _receipt(tenant, message_id, received_at):
    with tenant_scope(tenant):
        EventReceipt.objects.create(tenant=tenant, message_id=message_id, received_at=received_at)


def test_receipts_past_the_window_are_deleted_in_every_tenant_and_no_others(tenant, other_tenant):
    now = timezone.now()
    keep = receipts_keep()
    assert keep >= timedelta(days=settings.EVENTS_MAX_AGE_DAYS + 1)  # window + a day ahead
    for owner in (tenant, other_tenant):
        _receipt(owner, "old", now - keep - timedelta(minutes=1))
        _receipt(owner, "recent", now - keep + timedelta(minutes=1))
    assert receipts_expire(now=now) == 2
    assert sorted(EventReceipt.objects.unscoped().values_list("message_id", flat=True)) == [
        "recent", "recent"
    ]  # fmt: skip
    assert events_storage_maintain(now=now) == ([], 0)


def test_an_event_older_than_the_window_is_refused_with_its_reason(tenant):
    now = timezone.now()
    days = settings.EVENTS_MAX_AGE_DAYS
    events = [
        {"message_id": "edge", "event": "E", "account_external_id": "a",
         "timestamp": (now - timedelta(days=days) + timedelta(minutes=1)).isoformat()},
        {"message_id": "old", "event": "E", "account_external_id": "a",
         "timestamp": (now - timedelta(days=days, minutes=1)).isoformat()},
    ]  # fmt: skip
    result = events_ingest(tenant=tenant, events=events, received_at=now)
    assert (result.accepted, result.rejected) == (1, 1)
    assert result.results[1] == {
        "index": 1, "message_id": "old", "status": "rejected",
        "errors": {"timestamp": [
            f"The timestamp is more than {days} days in the past; older events are not accepted."
        ]},
    }  # fmt: skip
    assert not EventReceipt.objects.unscoped().filter(message_id="old").exists()


def test_a_message_sent_again_is_a_duplicate_while_its_receipt_lasts_then_refused(tenant):
    """Whenever a message is sent again, it is never stored twice: its receipt outlives the
    window in which its timestamp is accepted."""
    sent = timezone.now() - timedelta(days=10)
    event = {"message_id": "m", "event": "E", "account_external_id": "a",
             "timestamp": (sent + timedelta(hours=23)).isoformat()}  # fmt: skip
    assert events_ingest(tenant=tenant, events=[event], received_at=sent).accepted == 1
    # The last moment it is still accepted: its receipt is still there.
    last = sent + timedelta(hours=23) + timedelta(days=settings.EVENTS_MAX_AGE_DAYS)
    receipts_expire(now=last)
    again = events_ingest(tenant=tenant, events=[event], received_at=last)
    assert (again.accepted, again.duplicates) == (0, 1)
    # Once its receipt is gone, the message is refused, not stored again.
    gone = sent + receipts_keep() + timedelta(minutes=1)
    assert receipts_expire(now=gone) == 1
    late = events_ingest(tenant=tenant, events=[event], received_at=gone)
    assert (late.accepted, late.rejected) == (0, 1)
    assert UsageEvent.objects.for_tenant(tenant).filter(message_id="m").count() == 1


def test_a_busy_events_table_is_left_for_the_next_hour_and_the_command_says_so():
    """A long query holding the events table: making a partition gives up after the lock
    timeout instead of queueing every insert behind it."""
    busy = psycopg2.connect(_database_url())  # another connection, as the owner
    try:
        with busy.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(f"LOCK TABLE {PARENT} IN ACCESS SHARE MODE")
            later = timezone.now() + timedelta(days=31 * 30)  # months with no partition yet
            created, _ = events_storage_maintain(now=later)
            assert created == []
            with pytest.raises(CommandError, match="busy"):
                call_command("events_partitions", "--ahead", "24")
            cursor.execute("ROLLBACK")
        created, _ = events_storage_maintain(now=later)
        assert created  # the next hour, with the table free
    finally:
        busy.close()


def test_the_upkeep_is_a_task_of_its_own_in_beats_schedule():
    from csplatform.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "metrics.tasks.events_storage_upkeep" in tasks
