"""A long rollup rebuild cut into chunks of about equal event counts and built on separate
connections at once: the same account-days, first days and figures as one statement."""

import threading
import time
from datetime import date, timedelta

import pytest
from django.db import connection

from metrics.engine import rollups
from metrics.engine.rollups import chunks_balanced
from metrics.models import AccountDay, AccountEventFirst, MetricFigure
from tenants.tenancy.context import tenant_scope
from tests.metrics.history import History

FIRST = date(2026, 1, 1)
LAST = date(2026, 3, 1)  # 60 days: long enough for two chunks
QUIET_DAYS = 40  # then 20 busy days with ten times the events


def _busy_history(tenant) -> History:
    history = History(tenant)
    names = ["acme", "umbra", "nova"]
    for name in names:
        history.term(name, date(2025, 6, 1), None, 100)
        history.contact(f"{name}-ann", name)
        history.contact(f"{name}-bob", name)
    rows = []
    for offset in range((LAST - FIRST).days + 1):
        day = FIRST + timedelta(days=offset)
        per_day = 1 if offset < QUIET_DAYS else 10
        for name in names:
            for n in range(per_day):
                who = f"{name}-ann" if n % 3 else f"{name}-bob"
                clock = f"{9 + n // 2:02d}:{(n * 17) % 60:02d}"
                rows.append((history.at(day, clock), f"Step{n % 4}", name, who))
    for start in range(0, len(rows), 500):  # the ingestion's batch limit
        history.events(rows[start : start + 500])
    return history


def _snapshot(tenant):
    with tenant_scope(tenant):
        days = sorted(
            (row.day, row.account_id, row.events, row.event_counts, sorted(row.contacts),
             row.session_seconds)
            for row in AccountDay.objects.all()
        )  # fmt: skip
        firsts = sorted(AccountEventFirst.objects.values_list("account_id", "event", "first_day"))
        figures = sorted(
            MetricFigure.objects.values_list(
                "grain", "period", "dimension", "key", "metric", "value", "numerator", "denominator"
            )
        )
    return days, firsts, figures


def _transactions_that_wrote_the_account_days(tenant) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT xmin::text) FROM metrics_accountday WHERE tenant_id = %s",
            [tenant.pk],
        )
        return cursor.fetchone()[0]


def _forget_everything_computed(tenant) -> None:
    with tenant_scope(tenant):
        AccountDay.objects.all().delete()
        AccountEventFirst.objects.all().delete()
        MetricFigure.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_a_backfill_on_two_connections_builds_what_one_connection_builds(tenant, settings):
    history = _busy_history(tenant)
    settings.METRICS_ROLLUP_CONNECTIONS = 1
    history.compute(FIRST, LAST)
    assert _transactions_that_wrote_the_account_days(tenant) == 1
    alone = _snapshot(tenant)
    assert len(alone[0]) == 3 * 60 and alone[1] and alone[2]

    _forget_everything_computed(tenant)
    settings.METRICS_ROLLUP_CONNECTIONS = 2
    history.compute(FIRST, LAST)
    assert _transactions_that_wrote_the_account_days(tenant) == 2
    assert _snapshot(tenant) == alone


@pytest.mark.django_db(transaction=True)
def test_a_backfill_inside_a_transaction_stays_on_its_connection(tenant, settings):
    from django.db import transaction

    history = _busy_history(tenant)
    settings.METRICS_ROLLUP_CONNECTIONS = 2
    with transaction.atomic():  # other connections could not see the events written here
        history.compute(FIRST, LAST)
        assert _transactions_that_wrote_the_account_days(tenant) == 1
    assert AccountDay.objects.unscoped().filter(tenant=tenant).count() == 3 * 60


def test_chunks_hold_about_as_many_events_each(tenant, monkeypatch):
    monkeypatch.setattr(rollups, "SAMPLE_PAGES", 10**9)  # every page, however big the table
    _busy_history(tenant)
    with tenant_scope(tenant):
        chunks = chunks_balanced(tenant=tenant, first=FIRST, last=LAST, chunks=2)
    assert chunks[0][0] == FIRST and chunks[-1][1] == LAST and len(chunks) == 2
    assert chunks[0][1] + timedelta(days=1) == chunks[1][0]
    # 40 quiet days of 3 events and 20 busy days of 30: the halves meet among the busy days.
    quiet, busy = 3 * QUIET_DAYS, 30 * 20
    first_half = 3 * QUIET_DAYS + 30 * ((chunks[0][1] - FIRST).days + 1 - QUIET_DAYS)
    assert chunks[0][1] > FIRST + timedelta(days=QUIET_DAYS)
    assert abs(first_half - (quiet + busy) / 2) <= 30  # within one busy day of the middle


def test_a_short_run_is_one_chunk(tenant):
    with tenant_scope(tenant):
        assert chunks_balanced(tenant=tenant, first=FIRST, last=FIRST, chunks=2) == [(FIRST, FIRST)]
        # No events at all: the days are cut evenly.
        assert chunks_balanced(tenant=tenant, first=FIRST, last=FIRST + timedelta(days=9),
                               chunks=2) == [
            (FIRST, FIRST + timedelta(days=4)),
            (FIRST + timedelta(days=5), FIRST + timedelta(days=9)),
        ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_failing_piece_cancels_the_others_before_they_commit(tenant):
    from metrics.engine.connections import run_apart
    from metrics.models import DirtyDay

    def slow_writer():
        DirtyDay.objects.unscoped().create(tenant=tenant, kind="figures", day=FIRST)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(60)")

    def failing():
        time.sleep(0.5)  # the writer has started its statement by now
        raise ValueError("chunk failed")

    with pytest.raises(ValueError, match="chunk failed"):
        run_apart([slow_writer, failing])
    # The writer was cancelled and rolled back rather than left to commit on its own.
    assert not DirtyDay.objects.unscoped().filter(tenant=tenant).exists()


@pytest.mark.django_db(transaction=True)
def test_a_piece_between_statements_when_another_fails_rolls_back_too(tenant):
    """PostgreSQL ignores a cancel while a session waits for its next statement: the piece
    that was between two statements must still not commit."""
    from metrics.engine.connections import run_apart
    from metrics.models import DirtyDay

    failed = threading.Event()

    def writer():
        DirtyDay.objects.unscoped().create(tenant=tenant, kind="figures", day=FIRST)
        failed.wait(10)  # no statement running while the other piece fails
        time.sleep(0.5)  # and none while it is being cancelled

    def failing():
        time.sleep(0.3)  # the writer has written its row by now
        failed.set()
        raise ValueError("chunk failed")

    with pytest.raises(ValueError, match="chunk failed"):
        run_apart([writer, failing])
    assert not DirtyDay.objects.unscoped().filter(tenant=tenant).exists()


@pytest.mark.django_db(transaction=True)
def test_the_cancel_is_sent_again_until_a_piece_between_statements_has_ended(tenant):
    """The first cancel comes while the piece is between statements and is ignored; its next
    statement is cancelled by a later one rather than left to run."""
    from django.db.utils import OperationalError

    from metrics.engine.connections import run_apart

    failed, outcome = threading.Event(), []

    def writer():
        failed.wait(10)
        time.sleep(0.5)  # between statements while the first cancel comes
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(60)")
            outcome.append("slept to the end")
        except OperationalError as error:
            outcome.append(type(error.__cause__).__name__)
            raise

    def failing():
        failed.set()
        raise ValueError("chunk failed")

    with pytest.raises(ValueError, match="chunk failed"):
        run_apart([writer, failing])
    assert outcome == ["QueryCanceled"]
