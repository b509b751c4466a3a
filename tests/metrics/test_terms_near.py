"""The coverage of a few days from only the terms that can touch them
(`metrics.engine.inputs.terms_near_frame`, read by `accounts_covered`) equals the coverage
from every term: terms starting or ending on the days, renewal gaps reaching into them, an
early renewal nested in an old term (which decides that the old term has no gap)."""

import random
from datetime import date, timedelta

import numpy as np
import pytest

from metrics.engine.coverage import coverage_build
from metrics.engine.inputs import terms_frame
from metrics.selectors import accounts_covered
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account, term

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 30)
GRACE = 30


def _every_term(tenant, accounts, first, last):
    with tenant_scope(tenant):
        terms = terms_frame(tenant)
    return coverage_build(terms, accounts, first, last, tenant.renewal_grace_days).active


def _near(tenant, accounts, first, last):
    with tenant_scope(tenant):
        return accounts_covered(tenant=tenant, accounts=accounts, first=first, last=last)


def _days(*offsets):
    return [DAY + timedelta(days=offset) for offset in offsets]


@pytest.fixture
def edges(tenant):
    """One account per edge, active or not on DAY."""
    tenant.renewal_grace_days = GRACE
    tenant.save(update_fields=["renewal_grace_days"])
    cases = {
        "starts on the day": [(0, None)],
        "starts the day after": [(1, 40)],
        "ends on the day": [(-100, 0)],  # end exclusive: not active
        "ends the day after": [(-100, 1)],
        "ended long ago": [(-400, -200)],
        "gap reaching the day": [(-100, -5), (10, 100)],  # renewed 15 days after the end
        "gap ending on the day": [(-100, -20), (0, 100)],  # the renewal starts on it
        "gap just too long": [(-100, -20), (GRACE - 19, 100)],  # starts grace + 1 after
        "gap at the grace's edge": [(-100, -GRACE + 1), (1, 100)],  # just within grace
        "gap from grace ago": [(-100, -GRACE), (0, 50)],  # renewed on the grace's last day
        "nested early renewal": [(-400, -10), (-300, -280), (5, 60)],  # no gap: -300 first
        "early renewal overlapping": [(-400, -3), (-20, 10)],
        "renewed after the days": [(-100, -1), (GRACE - 2, 200)],
        "open-ended long ago": [(-800, None)],
        "no terms": [],
    }
    accounts = {}
    for name, spans in cases.items():
        accounts[name] = account(tenant, name)
        for n, (start, end) in enumerate(spans):
            term(tenant, accounts[name], *_days(start), None if end is None else _days(end)[0],
                 xid=f"{name}-{n}")  # fmt: skip
    return tenant, accounts


def test_near_terms_cover_the_edges_as_every_term(edges):
    tenant, accounts = edges
    ids = np.array(sorted(a.pk for a in accounts.values()), dtype=np.int64)
    for first, last in [(DAY, DAY), (DAY - timedelta(days=1), DAY), (DAY, DAY + timedelta(2))]:
        assert np.array_equal(
            _near(tenant, ids, first, last), _every_term(tenant, ids, first, last)
        )
    on_day = dict(zip(ids.tolist(), _near(tenant, ids, DAY, DAY)[:, 0].tolist(), strict=True))
    active = {name for name, a in accounts.items() if on_day[a.pk]}
    assert active == {
        "starts on the day",
        "ends the day after",
        "gap reaching the day",
        "gap ending on the day",
        "gap at the grace's edge",
        "gap from grace ago",
        "early renewal overlapping",
        "renewed after the days",
        "open-ended long ago",
    }


def test_near_terms_equal_every_term_on_random_histories(tenant):
    rng = random.Random(11)
    tenant.renewal_grace_days = 20
    tenant.save(update_fields=["renewal_grace_days"])
    ids = []
    for n in range(40):
        customer = account(tenant, f"r{n}")
        ids.append(customer.pk)
        for k in range(rng.randint(0, 5)):
            start = DAY + timedelta(days=rng.randint(-300, 60))
            end = None if rng.random() < 0.2 else start + timedelta(days=rng.randint(1, 120))
            term(tenant, customer, start, end, xid=f"r{n}-{k}")
    ids = np.array(ids, dtype=np.int64)
    for offset in range(-120, 40, 7):
        first = DAY + timedelta(days=offset)
        for last in (first, first + timedelta(days=2)):
            assert np.array_equal(
                _near(tenant, ids, first, last), _every_term(tenant, ids, first, last)
            ), (first, last)
