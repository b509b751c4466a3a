"""Usage windows carried from one day to the next (metrics/engine/usage_windows.py) equal
those aggregated from the rollups, day after day, as accounts come and go."""

import random
import zlib
from datetime import timedelta

import numpy as np
import pytest

from metrics.engine.usage_windows import UsageWindows, windows_advance, windows_build
from metrics.models import Feature
from metrics.selectors import account_usage_as_of, account_usage_carried
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account, feature, usage
from tests.health.test_score_history import EVENTS, LAST

pytestmark = pytest.mark.django_db

START = LAST - timedelta(days=100)


@pytest.fixture
def rollups(tenant):
    """Twelve accounts with random days of usage (some starting late, one stopping), over a
    catalog with core and plain features and event names outside it."""
    rng = random.Random(11)
    feature(tenant, "Login", "Sign-in")
    feature(tenant, "Report", "Reports", core=True)
    feature(tenant, "Export", "Reports")
    feature(tenant, "Share", "Sharing", core=True)
    feature(tenant, "Invite", "Team")
    accounts = []
    for n in range(12):
        acct = account(tenant, f"w{n}")
        accounts.append(acct.pk)
        begins = 0 if n < 8 else rng.randint(60, 95)  # some appear during the carried days
        ends = 100 if n != 3 else 70  # one goes quiet
        for offset in range(begins, ends + 1):
            if rng.random() < 0.5:
                counts = {e: rng.randint(1, 5) for e in rng.sample(EVENTS, rng.randint(1, 3))}
                usage(tenant, acct, START + timedelta(days=offset), counts)
    return tenant, accounts


def _same(carried: UsageWindows, built: UsageWindows) -> None:
    at = np.searchsorted(carried.accounts, built.accounts)
    assert np.array_equal(carried.accounts[at], built.accounts)
    others = np.setdiff1d(np.arange(len(carried.accounts)), at)
    for name in ["active_days", "events", "events_before", "feature_days", "core_days"]:
        assert np.array_equal(getattr(carried, name)[at], getattr(built, name)), name
        assert not getattr(carried, name)[others].any(), name  # out of both windows now
    # The last day with events is kept past the windows; within them it is the same.
    seen = built.last_active >= 0
    assert np.array_equal(carried.last_active[at][seen], built.last_active[seen])


def test_windows_carried_day_by_day_equal_those_built_from_the_rollups(rollups):
    tenant, accounts = rollups
    with tenant_scope(tenant):
        carried = windows_build(tenant, LAST - timedelta(days=40))
        assert carried.feature_days.any() and carried.core_days.any()
        for _ in range(40):
            carried = windows_advance(tenant, UsageWindows.loads(carried.dumps()))
            built = windows_build(tenant, carried.day)
            _same(carried, built)
            assert carried.frame().shape == built.frame().shape or len(carried.accounts) > len(
                built.accounts
            )
        assert carried.day == LAST
        # What health scores read of them: the same as from the rollups.
        fresh = account_usage_as_of(tenant=tenant, day=LAST, accounts=accounts)
        kept = account_usage_carried(tenant=tenant, windows=carried, accounts=accounts)
        assert kept.last_active == fresh.last_active
        assert (kept.features, kept.core_features) == (fresh.features, fresh.core_features)
        same = kept.windows.loc[fresh.windows.index]
        assert same.equals(fresh.windows)
        assert not kept.windows.drop(fresh.windows.index).to_numpy().any()


def test_windows_are_not_carried_over_a_changed_catalog(rollups):
    tenant, _ = rollups
    with tenant_scope(tenant):
        windows = windows_build(tenant, LAST - timedelta(days=1))
        feature(tenant, "Unknown", "Something new")
        assert windows_advance(tenant, windows) is None
        assert windows.feature_days.shape[1] == 4  # Report and Export are one feature
        assert windows_build(tenant, LAST).feature_days.shape[1] == 5


def test_windows_of_a_tenant_without_catalog_or_usage(tenant):
    with tenant_scope(tenant):
        empty = windows_build(tenant, LAST)
        assert len(empty.accounts) == 0 and empty.feature_days.shape == (0, 0)
        again = windows_advance(tenant, UsageWindows.loads(empty.dumps()))
        assert again.day == LAST + timedelta(days=1) and len(again.accounts) == 0


def test_a_catalog_of_a_thousand_features_is_counted(rollups):
    # One array per account, not a column per feature: a result may have 1,664 columns.
    tenant, _ = rollups
    with tenant_scope(tenant):
        Feature.objects.bulk_create(
            Feature(
                tenant=tenant, feature=f"Feature {n:04}", event_name=f"e{n}", is_core=n % 2 == 0
            )
            for n in range(1000)
        )
        windows = windows_build(tenant, LAST)
        assert windows.feature_days.shape == (len(windows.accounts), 1004)
        assert windows.feature_days.any() and windows.core_days.any()


def test_data_it_did_not_write_reads_as_none():
    assert UsageWindows.loads(b"not windows") is None
    assert UsageWindows.loads(zlib.compress(b"PK\x03\x04 not an archive")) is None
