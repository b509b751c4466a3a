"""Nightly runs carry the usage windows from one day to the next (health/usage_carry.py) and
score exactly as from the rollups; a run after rebuilt rollups never carries windows that
rest on the old ones."""

from datetime import date, timedelta

import numpy as np
import pytest
from django.utils import timezone

from health.models import CarriedUsageWindows, HealthScore
from health.services.nightly import health_after_metrics
from health.services.scores import health_scores_preview
from metrics.engine.usage_windows import UsageWindows, windows_build
from metrics.models import AccountDay, MetricsState
from metrics.selectors import usage_windows_whole
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account, answer, usage
from tests.health.test_score_history import LAST, history  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _computed_through(tenant, day, changed_from=None):
    with tenant_scope(tenant):
        MetricsState.objects.update_or_create(
            tenant=tenant,
            defaults={
                "computed_through": day,
                "rollups_changed_from": changed_from,
                "rollups_changed_at": timezone.now() if changed_from else None,
            },
        )


def _as_stored_equals_exact(tenant, day):
    with tenant_scope(tenant):
        rows = HealthScore.objects.filter(day=day)
        stored = {row.account_id: (row.score, row.band, row.parts) for row in rows}
    exact = {
        row.account_id: (row.score, row.band, row.parts)
        for row in health_scores_preview(tenant=tenant, day=day, account_ids=list(stored))
    }
    assert stored and stored == exact


def _carried_day(tenant):
    with tenant_scope(tenant):
        return CarriedUsageWindows.objects.values_list("day", flat=True).first()


def test_nightly_runs_carry_the_windows_and_score_as_the_rollups_say(history):  # noqa: F811
    tenant = history
    _computed_through(tenant, LAST - timedelta(days=6))
    health_after_metrics(tenant=tenant)  # the first run: a year, then the rules' first pass
    assert _carried_day(tenant) == LAST - timedelta(days=6)
    for back in range(5, -1, -1):
        day = LAST - timedelta(days=back)
        _computed_through(tenant, day)
        health_after_metrics(tenant=tenant)
        assert _carried_day(tenant) == day
        _as_stored_equals_exact(tenant, day)


def test_rebuilt_rollups_are_never_carried_on(history):  # noqa: F811
    tenant = history
    _computed_through(tenant, LAST - timedelta(days=2))
    health_after_metrics(tenant=tenant)
    _computed_through(tenant, LAST - timedelta(days=1))
    health_after_metrics(tenant=tenant)
    assert _carried_day(tenant) == LAST - timedelta(days=1)
    # Late events rebuild a day inside the windows, with no new day: the run that scores the
    # rebuilt days again forgets the windows built on the old rollups.
    with tenant_scope(tenant):
        quiet = account(tenant, "late-one")
    for back in range(3, 40):
        usage(tenant, quiet, LAST - timedelta(days=back), {"Report": 7, "Share": 2})
    _computed_through(tenant, LAST - timedelta(days=1), changed_from=LAST - timedelta(days=3))
    health_after_metrics(tenant=tenant)
    # Forgotten, then built afresh from the rebuilt rollups for the next night.
    with tenant_scope(tenant):
        kept = UsageWindows.loads(bytes(CarriedUsageWindows.objects.get().data))
        fresh = usage_windows_whole(
            tenant=tenant, windows=windows_build(tenant, LAST - timedelta(days=1))
        )
    assert kept.day == fresh.day and quiet.pk in kept.accounts
    assert np.array_equal(kept.accounts, fresh.accounts)
    assert np.array_equal(kept.feature_days, fresh.feature_days)
    assert np.array_equal(kept.events, fresh.events)
    assert np.array_equal(kept.last_active, fresh.last_active)
    _computed_through(tenant, LAST)
    health_after_metrics(tenant=tenant)
    assert _carried_day(tenant) == LAST
    _as_stored_equals_exact(tenant, LAST)
    with tenant_scope(tenant):
        late = HealthScore.objects.get(day=LAST, account=quiet)
    assert late.raws[0] == 27  # usage frequency: the rebuilt days of its trailing 30 count


def test_a_day_scored_again_is_built_afresh_not_carried_from_itself(history):  # noqa: F811
    tenant = history
    _computed_through(tenant, LAST - timedelta(days=1))
    health_after_metrics(tenant=tenant)
    _computed_through(tenant, LAST)
    health_after_metrics(tenant=tenant)
    # A later rebuild of the last day alone scores it again from the rollups.
    with tenant_scope(tenant):
        newcomer = account(tenant, "newcomer")
    usage(tenant, newcomer, LAST, {"Login": 1})
    _computed_through(tenant, LAST, changed_from=LAST)
    health_after_metrics(tenant=tenant)
    assert _carried_day(tenant) == LAST
    _as_stored_equals_exact(tenant, LAST)


EPOCH = date(1970, 1, 1)


def _last_active_days(tenant, day):
    """Each account's last day with events up to `day`, from the rollups."""
    with tenant_scope(tenant):
        rows = AccountDay.objects.filter(day__lte=day, events__gt=0, account_id__isnull=False)
        last = {}
        for account_id, on in rows.values_list("account_id", "day"):
            last[account_id] = max(on, last.get(account_id, on))
    return last


def test_idle_accounts_last_active_days_are_carried_as_the_rollups_say(history):  # noqa: F811
    tenant = history
    # Idle through both windows from the first run on; idle since a day that leaves the
    # windows during the carried nights; never active; created after the first run, idle
    # (looked up) or active from a new day on.
    old = account(tenant, "old-user")
    usage(tenant, old, LAST - timedelta(days=90), {"Report": 3})
    leaving = account(tenant, "leaving")
    usage(tenant, leaving, LAST - timedelta(days=63), {"Login": 1})
    usage(tenant, leaving, LAST - timedelta(days=64), {"Login": 2})
    never = account(tenant, "never")
    answer(tenant, never, "never-c", 9, LAST - timedelta(days=3))
    _computed_through(tenant, LAST - timedelta(days=6))
    health_after_metrics(tenant=tenant)
    late = account(tenant, "late-created")
    newcomer = account(tenant, "newcomer")
    usage(tenant, newcomer, LAST - timedelta(days=2), {"Login": 1})
    for back in range(5, -1, -1):
        day = LAST - timedelta(days=back)
        _computed_through(tenant, day)
        health_after_metrics(tenant=tenant)
        _as_stored_equals_exact(tenant, day)
        with tenant_scope(tenant):
            kept = UsageWindows.loads(bytes(CarriedUsageWindows.objects.get().data))
            scored = dict(HealthScore.objects.filter(day=day).values_list("account_id", "raws"))
        assert kept.whole and kept.day == day
        carried = {
            int(a): int(n) for a, n in zip(kept.accounts, kept.last_active, strict=True) if n >= 0
        }
        exact = {a: (on - EPOCH).days for a, on in _last_active_days(tenant, day).items()}
        assert carried == exact
        assert late.pk not in kept.accounts  # created after the windows were built
        assert old.pk in scored and never.pk in scored and late.pk in scored
    assert exact[old.pk] == (LAST - timedelta(days=90) - EPOCH).days
    assert exact[leaving.pk] == (LAST - timedelta(days=63) - EPOCH).days
    assert never.pk not in carried and late.pk not in carried
