"""Scoring every account of a tenant on every day of a range, set-based: raw values for all
days from one read of the daily rollups (health.raw_history), scores as matrices
(health.score_matrix), written with a binary COPY, a chunk of days per transaction so a day is never
half-written. Used by the nightly run, the history backfill and `health_scores_compute`.

Scored on a day: the accounts that are paying logos that day (renewal gaps within the grace
period included), and the accounts with no subscription terms at all; a churned or
not-yet-started account gets no row. A scored account with no data at all gets a row with
no score ("n/a")."""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef

from accounts.models import Account, Subscription
from health.models import Band, HealthScore
from health.raw_history import raw_history
from health.raw_values import WINDOW_DAYS, scores_shared_put
from health.score_matrix import score_matrix
from health.services.scores import accounts_facts, card_for, scorecards_in_order
from health.usage_carry import usage_windows_carried, usage_windows_forget, usage_windows_ready
from metrics.engine.run import tenant_lock
from metrics.selectors import accounts_covered, metrics_state
from metrics.services.recompute import rollups_changes_consumed
from tenants.db.binary_copy import binary_copy_data
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

CHUNK_DAYS = 92  # a quarter: each chunk also reads the 59 days before it


def health_scores_compute(*, tenant: Tenant, day: date) -> int:
    """Score the tenant's accounts for local day `day`, replacing that day's scores."""
    return health_scores_history(tenant=tenant, first=day, last=day)


def health_scores_history(
    *,
    tenant: Tenant,
    first: date,
    last: date,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Score every day from `first` to `last`, replacing those days' scores; returns the
    number of rows written."""
    if first > last:
        raise ValueError(f"Nothing to score: {first} is after {last}.")
    written = 0
    total = (last - first).days + 1
    with tenant_scope(tenant):
        usage_windows_forget(tenant, first)
        cards = scorecards_in_order(tenant)
        facts = accounts_facts(tenant)
        # The accounts with no term at all (scored whatever the day): few, found by the
        # terms' (tenant, account) index, rather than every termed account read.
        untermed = set(
            Account.objects.order_by()
            .filter(~Exists(Subscription.objects.filter(account_id=OuterRef("pk"))))
            .values_list("pk", flat=True)
        )
        start = first
        while start <= last:
            end = min(start + timedelta(days=CHUNK_DAYS - 1), last)
            written += _score_chunk(tenant, cards, facts, untermed, start, end)
            if progress:
                progress((end - first).days + 1, total)
            start = end + timedelta(days=1)
    return written


# Bands as the staging table carries them (0: no score).
BAND_CODES = {1: Band.GOOD, 2: Band.AVERAGE, 3: Band.POOR}
NO_SCORE = -1


def _score_chunk(tenant, cards, facts, untermed, first: date, last: date) -> int:
    accounts = np.array([account.id for account in facts], dtype=np.int64)
    raws = raw_history(tenant, accounts, first, last)
    scored = accounts_covered(tenant=tenant, accounts=accounts, first=first, last=last)
    scored |= np.array([account.id in untermed for account in facts])[:, None]
    card_rows: dict[int, list[int]] = {}
    for row, account in enumerate(facts):
        card_rows.setdefault(id(card_for(cards, account)), []).append(row)
    width = max(len(card.rules) for card in cards)
    parts = []
    for card in cards:
        rows = np.array(card_rows.get(id(card), []), dtype=np.int64)
        if not len(rows):
            continue
        values = [raws.values[rule.source][rows] for rule in card.rules]
        result = score_matrix(
            card.rules,
            values,
            good_min=card.scorecard.good_min,
            average_min=card.scorecard.average_min,
        )
        keep = scored[rows]
        row_index, day_index = np.nonzero(keep)
        score = result.score[keep]
        band = np.select(
            [
                np.isnan(score),
                score >= card.scorecard.good_min,
                score >= card.scorecard.average_min,
            ],
            [0, 1, 2],
            3,
        )
        measures = [value[keep] for value in values]
        measures += [np.full(len(score), np.nan)] * (width - len(measures))
        parts.append(
            [
                accounts[rows][row_index],
                day_index,
                np.full(len(score), card.version_id),
                np.where(np.isnan(score), NO_SCORE, score),
                band,
                np.full(len(score), len(card.rules)),
                *measures,
            ]
        )
    with transaction.atomic():
        HealthScore.objects.filter(day__range=(first, last)).delete()
        if not parts:
            return 0
        columns = [np.concatenate(column) for column in zip(*parts, strict=True)]
        # Day by day, in account order: a day's rows then share a few pages, as the nightly
        # runs that follow write them, so the rules' reads of a whole earlier day (and any
        # page listing a day) visit a hundred pages, not one per account.
        order = np.lexsort((columns[0], columns[1]))
        columns = [column[order] for column in columns]
        _copy_scores(tenant, columns, first, width)
    if (last - first).days < SHARED_DAYS:
        _share_scores(tenant, columns, first, last)
    return len(columns[0])


# A nightly run's day or two: their scores, as written, serve the rules that follow.
SHARED_DAYS = 2


def _share_scores(tenant: Tenant, columns: list[np.ndarray], first: date, last: date) -> None:
    # The same conversions as the binary COPY's: scores to smallint, band codes to names.
    for offset in range((last - first).days + 1):
        on_day = columns[1] == offset
        scores = columns[3][on_day].astype(np.int16).tolist()
        bands = columns[4][on_day].astype(np.int16).tolist()
        scored = zip(
            [None if score == NO_SCORE else score for score in scores],
            [BAND_CODES.get(band) for band in bands],
            strict=True,
        )
        accounts = columns[0][on_day].tolist()
        scores_shared_put(
            tenant, first + timedelta(days=offset), dict(zip(accounts, scored, strict=True))
        )


def _copy_scores(tenant: Tenant, columns: list[np.ndarray], first: date, width: int) -> None:
    """COPY the rows (binary) into a temporary table, then insert them as HealthScore rows
    (under the row-level security policy, as any insert) with the raw values as a JSON
    array. Missing values travel as sentinels: no score -1, no band 0, a missing raw NaN."""
    kinds = ["int8", "int4", "int8", "int2", "int2", "int2"] + ["float8"] * width
    data = binary_copy_data(list(zip(columns, kinds, strict=True)))
    measures = [f"m{n}" for n in range(width)]
    floats = ", ".join(f"{name} double precision" for name in measures)
    raws = ", ".join(f"NULLIF({name}, 'NaN')" for name in measures)
    bands = " ".join(f"WHEN {code} THEN '{band}'" for code, band in BAND_CODES.items())
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.health_score_rows")
        cursor.execute(
            "CREATE TEMPORARY TABLE health_score_rows (account bigint, day int, version bigint, "
            f"score smallint, band smallint, n smallint, {floats})"
        )
        cursor.copy_expert(
            "COPY health_score_rows FROM STDIN WITH (FORMAT binary)", io.BytesIO(data)
        )
        table_name = HealthScore._meta.db_table
        cursor.execute(
            f"""
            INSERT INTO {table_name}
                (tenant_id, account_id, day, scorecard_version_id, score, band, raws,
                 computed_at)
            SELECT %s, account, %s::date + day, version, NULLIF(score, {NO_SCORE}),
                   CASE band {bands} END, to_jsonb((ARRAY[{raws}])[1:n]), now()
            FROM health_score_rows
            """,  # noqa: S608
            [tenant.pk, first],
        )
        cursor.execute("DROP TABLE health_score_rows")


HISTORY_DAYS = 365


@dataclass(frozen=True)
class NightlyResult:
    first: date | None  # the days scored, None when nothing was due
    last: date | None
    rows: int


def health_nightly(*, tenant: Tenant) -> NightlyResult:
    """Bring the tenant's scores up to the last day the metrics are computed for: the new
    days since the last scored one, and every day from the earliest one whose rollups a
    metrics run rebuilt since (late events, a backfill, a time-zone change). The first run
    scores the last HISTORY_DAYS days. Running it again with nothing new does nothing.
    Holds the metrics' tenant lock, so it never reads rollups a run is rebuilding (raises
    MetricsBusy while one runs)."""
    with tenant_scope(tenant), tenant_lock(tenant):
        state = metrics_state()
        if state is None or state.computed_through is None:
            return NightlyResult(None, None, 0)
        through = state.computed_through
        changed_from, changed_at = state.rollups_changed_from, state.rollups_changed_at
        scored = HealthScore.objects.aggregate(last=Max("day"))["last"]
        oldest = through - timedelta(days=HISTORY_DAYS - 1)
        if scored is None:
            first = oldest
        else:
            first = min(scored + timedelta(days=1), changed_from or through + timedelta(days=1))
        first = max(first, oldest)
        rows = 0
        if first <= through:
            # Its usage windows serve the next night's run (health/usage_carry.py).
            with usage_windows_carried():
                rows = health_scores_history(tenant=tenant, first=first, last=through)
                usage_windows_ready(tenant, through, WINDOW_DAYS)
        if changed_at is not None:
            rollups_changes_consumed(tenant=tenant, seen=changed_at)
        if first > through:
            return NightlyResult(None, None, 0)
        return NightlyResult(first, through, rows)
