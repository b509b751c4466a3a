"""The renewals page: terms due in the next 90 days with owner and band; due, renewed and lost
by month equal a hand count and the engine's renewal figures; ARR per CSM equals the active
terms summed by owner; outsiders see nothing; constant queries."""

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.models import Account, Subscription
from metrics.engine.calendar import add_months, month_start, next_month
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope
from tests.metrics.history import History

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def book(tenant, member, owner):
    """A renewed and a lost term two months back, two terms ending soon (one already
    renewed), one ending later; figures computed for that month."""
    history = History(tenant)
    today = tenant.today()
    month = add_months(month_start(today), -2)
    csm = Membership.objects.for_tenant(tenant).get(user=member)
    boss = Membership.objects.for_tenant(tenant).get(user=owner)
    history.account("Renewer", owner=csm)
    history.account("Leaver", owner=csm)
    history.account("Soon", owner=boss)
    history.account("Signed", owner=boss)
    history.account("Later")
    history.term("Renewer", month - timedelta(days=365), month + timedelta(days=5), 100)
    history.term("Renewer", month + timedelta(days=5), None, 120)
    history.term("Leaver", month - timedelta(days=365), month + timedelta(days=10), 50)
    history.term("Soon", today - timedelta(days=300), today + timedelta(days=20), 10)
    history.term("Signed", today - timedelta(days=300), today + timedelta(days=30), 20)
    history.term("Signed", today + timedelta(days=30), None, 25)
    history.term("Later", today - timedelta(days=300), today + timedelta(days=120), 7)
    history.compute(month, today - timedelta(days=1))
    return history, month


@pytest.mark.outsider("renewals")
def test_renewals_equal_a_hand_count_and_the_engine(tenant, owner_client, outsider_client, book):
    history, month = book
    response = owner_client.get("/renewals/")
    assert response.status_code == 200
    upcoming = [(t.account.name, t.renewed, t.arr) for t in response.context["upcoming"]]
    assert upcoming == [("Soon", False, D("120")), ("Signed", True, D("240"))]
    row = next(m for m in response.context["months"] if m.month == month)
    assert (row.due, row.renewed, row.lost, row.pending) == (2, 1, 1, 0)
    assert (row.due_arr, row.renewed_arr, row.lost_arr) == (D("1800"), D("1440"), D("600"))
    # The rates shown are the engine's, and agree with the hand count.
    assert (row.rate.value, row.rate.numerator, row.rate.denominator) == (D("0.5"), 1, 2)
    assert row.revenue_rate.value == D("0.8")
    assert (row.revenue_rate.numerator, row.revenue_rate.denominator) == (D("1440"), D("1800"))
    others = [m for m in response.context["months"] if m.month != month]
    assert all(m.due == 0 for m in others if m.month != next_month(month))
    page = response.content.decode()
    assert "Soon" in page and "Renewal signed" in page and "50%" in page
    assert "Soon" not in outsider_client.get("/renewals/").content.decode()


def test_arr_per_csm_sums_active_terms_by_owner(tenant, owner_client, book):
    per_csm = owner_client.get("/renewals/").context["per_csm"]
    day = per_csm.day
    expected = {}
    for term in (
        Subscription.objects.for_tenant(tenant)
        .active_on(day)
        .select_related("account__owner__user")
    ):
        owner = term.account.owner.user.email if term.account.owner else ""
        expected[owner] = expected.get(owner, D(0)) + term.mrr * 12
    assert {row.label: row.arr for row in per_csm.rows} == expected
    assert expected == {
        "csm@acme.test": D("1440"),
        "owner@acme.test": D("360"),
        "": D("84"),
    }


def test_renewals_query_count_is_constant(tenant, owner_client, django_assert_num_queries):
    today = tenant.today()

    def book(count, prefix):
        with tenant_scope(tenant):
            accounts = Account.objects.bulk_create(
                Account(tenant=tenant, external_id=f"{prefix}{n}", name=f"{prefix} {n}")
                for n in range(count)
            )
            Subscription.objects.bulk_create(
                Subscription(
                    tenant=tenant,
                    external_id=f"{prefix}-t{n}",
                    account=account,
                    mrr=D("10"),
                    currency="USD",
                    start_date=today - timedelta(days=400),
                    # Half due in the next 90 days, half ended over the last 300.
                    end_date=today + timedelta(days=n % 90)
                    if n % 2
                    else today - timedelta(days=1 + n % 300),
                )
                for n, account in enumerate(accounts)
            )

    book(10, "few")
    with django_assert_num_queries(7):
        assert owner_client.get("/renewals/").status_code == 200
    book(1000, "many")
    with django_assert_num_queries(7):
        assert owner_client.get("/renewals/").status_code == 200
