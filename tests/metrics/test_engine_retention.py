"""Subscription-based figures against values worked out by hand: active accounts, MRR,
logo churn, GRR/NRR, renewal rates, ARPU, LTV, CAC and cohorts."""

from datetime import date
from decimal import Decimal

import pytest

from tenants.tenancy.context import tenant_scope
from tests.metrics.history import History

D = Decimal


@pytest.fixture
def history(tenant):
    return History(tenant)


def test_worked_example_logo_churn_five_percent(history):
    # 1000 subscribers at the start of March, 50 of them gone at its end: 5%.
    history.many_accounts(
        1000, start=date(2026, 1, 1), end_of=lambda n: date(2026, 3, 20) if n < 50 else None
    )
    history.compute(date(2026, 3, 1), date(2026, 4, 1))
    assert history.parts("logo_churn_rate", date(2026, 3, 1)) == (D("0.05"), 50, 1000)
    assert history.value("churned_accounts", date(2026, 3, 1)) == 50
    assert history.value("active_accounts", date(2026, 3, 19)) == 1000
    assert history.value("active_accounts", date(2026, 3, 20)) == 950


def test_accounts_starting_inside_the_month_count_in_neither_part(history):
    history.term("stays", date(2026, 1, 1), None, 100)
    history.term("leaves", date(2026, 1, 1), date(2026, 2, 10), 100)
    history.term("mid-month", date(2026, 2, 5), date(2026, 2, 25), 100)  # joins and leaves
    history.compute(date(2026, 2, 1), date(2026, 3, 1))
    assert history.parts("logo_churn_rate", date(2026, 2, 1)) == (D("0.5"), 1, 2)
    assert history.value("new_accounts", date(2026, 2, 1)) == 1
    assert history.value("active_accounts", date(2026, 2, 6)) == 3
    assert history.value("mrr", date(2026, 2, 6)) == D("300.00")


def test_grr_caps_expansion_and_nrr_counts_it(history):
    history.term("up", date(2026, 1, 1), date(2026, 2, 15), 100)
    history.term("up", date(2026, 2, 15), None, 150)  # upsell
    history.term("down", date(2026, 1, 1), date(2026, 2, 10), 100)
    history.term("down", date(2026, 2, 10), None, 50)  # downgrade
    history.term("gone", date(2026, 1, 1), date(2026, 2, 20), 100)
    history.compute(date(2026, 2, 1), date(2026, 3, 1))
    month = date(2026, 2, 1)
    # GRR: (min(150, 100) + min(50, 100) + 0) / 300; NRR: (150 + 50 + 0) / 300.
    assert history.parts("grr", month) == (D("0.5"), D("150.00"), D("300.00"))
    assert history.parts("nrr", month) == (D("0.666667"), D("200.00"), D("300.00"))


def test_renewal_inside_the_grace_window_keeps_the_account_active_with_its_old_mrr(history):
    history.term("renews", date(2025, 2, 1), date(2026, 2, 1), 100)
    history.term("renews", date(2026, 2, 20), date(2027, 2, 20), 120)  # 19 days later
    history.compute(date(2026, 1, 25), date(2026, 3, 5))
    gap_day = date(2026, 2, 10)
    assert history.value("active_accounts", gap_day) == 1
    assert history.value("mrr", gap_day) == D("100.00")
    assert history.value("mrr", date(2026, 2, 20)) == D("120.00")
    assert history.parts("logo_churn_rate", date(2026, 2, 1)) == (0, 0, 1)
    assert history.parts("renewal_rate", date(2026, 2, 1)) == (1, 1, 1)
    # Renewal revenue: 12 x 120 renewing over 12 x 100 due; an upsell goes above 100%.
    assert history.parts("renewal_revenue_rate", date(2026, 2, 1)) == (
        D("1.2"),
        D("1440.00"),
        D("1200.00"),
    )
    from metrics.models import ChurnRecord

    assert not ChurnRecord.objects.for_tenant(history.tenant).exists()


def test_renewal_after_the_grace_window_is_churn_then_a_new_start(history):
    history.term("lapses", date(2025, 2, 1), date(2026, 2, 1), 100)
    history.term("lapses", date(2026, 3, 15), None, 100)  # 42 days later
    history.compute(date(2026, 1, 25), date(2026, 4, 1))
    assert history.value("active_accounts", date(2026, 2, 10)) == 0
    assert history.value("mrr", date(2026, 2, 10)) == D("0.00")
    assert history.parts("logo_churn_rate", date(2026, 1, 1)) == (1, 1, 1)
    assert history.parts("renewal_rate", date(2026, 2, 1)) == (0, 0, 1)
    assert history.value("renewal_revenue_rate", date(2026, 2, 1)) == 0
    # Coming back is not a new account: its first term started a year before.
    assert history.value("new_accounts", date(2026, 3, 1)) == 0


def test_discounted_renewal_gives_a_revenue_rate_below_the_renewal_rate(history):
    history.term("discounted", date(2025, 3, 1), date(2026, 3, 1), 100)
    history.term("discounted", date(2026, 3, 1), date(2027, 3, 1), 60)
    history.term("lost", date(2025, 3, 10), date(2026, 3, 10), 100)
    history.compute(date(2026, 3, 1), date(2026, 4, 30))
    march = date(2026, 3, 1)
    assert history.parts("renewal_rate", march) == (D("0.5"), 1, 2)
    assert history.parts("renewal_revenue_rate", march) == (D("0.3"), D("720.00"), D("2400.00"))


def test_early_overlapping_renewal_counts_as_a_renewal(history):
    history.term("early", date(2025, 5, 1), date(2026, 5, 1), 100)
    history.term("early", date(2026, 4, 20), date(2027, 4, 20), 100)
    history.compute(date(2026, 4, 15), date(2026, 6, 1))
    assert history.parts("renewal_rate", date(2026, 5, 1)) == (1, 1, 1)
    # Terms covering a day add up: the overlap days carry both MRRs.
    assert history.value("mrr", date(2026, 4, 25)) == D("200.00")
    assert history.value("mrr", date(2026, 5, 1)) == D("100.00")


def test_ltv_worked_example_and_ltv_to_cac(history):
    # 36 accounts at each month's start, one lost and one new every month: churn 1/36.
    ends = {0: date(2026, 1, 10), 1: date(2026, 2, 10), 2: date(2026, 3, 10)}
    for n in range(36):
        history.term(f"base-{n}", date(2025, 10, 1), ends.get(n), 100)
    for month in (1, 2, 3):
        history.term(f"new-{month}", date(2026, month, 20), None, 100)
    for day in (5, 6, 7):
        history.term(f"april-{day}", date(2026, 4, day), None, 100)
    history.spend(date(2026, 4, 1), 900)
    history.compute(date(2025, 12, 20), date(2026, 4, 30))
    for month in (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)):
        assert history.parts("logo_churn_rate", month)[1:] == (1, 36), month
    # ARPU 100 and a monthly churn of 1/36: LTV = 100 / (1/36) = 3600.
    value, numerator, denominator = history.parts("ltv", date(2026, 4, 1))
    assert (value, numerator) == (D("3600.00"), D("100.00"))
    assert denominator == D("0.027778")
    assert history.parts("cac", date(2026, 4, 1)) == (D("300.00"), D("900.00"), 3)
    # LTV on April's last day (3600) / CAC (300).
    assert history.value("ltv_to_cac", date(2026, 4, 1)) == 12


def test_ltv_is_undefined_without_churn_and_cac_without_spend(history):
    history.term("a", date(2025, 1, 1), None, 100)
    history.compute(date(2026, 1, 1), date(2026, 1, 31))
    value, numerator, denominator = history.parts("ltv", date(2026, 1, 15))
    assert value is None and numerator == D("100.00") and denominator == 0
    assert history.value("cac", date(2026, 1, 1)) is None
    assert history.value("ltv_to_cac", date(2026, 1, 1)) is None


def test_an_empty_population_is_undefined_never_zero(history):
    history.compute(date(2026, 1, 1), date(2026, 1, 31))
    day, month = date(2026, 1, 15), date(2026, 1, 1)
    assert history.value("active_accounts", day) == 0
    for metric in ("arpu", "ltv", "nps", "stickiness", "time_in_app_seconds", "adoption_rate"):
        assert history.value(metric, day) is None, metric
    assert history.value("arr_per_csm", day) is None
    for metric in ("logo_churn_rate", "grr", "nrr", "renewal_rate", "renewal_revenue_rate"):
        assert history.value(metric, month) is None, metric


def test_arpu_and_arr_per_csm_with_owners(history, tenant, owner, member):
    from tenants.models import Membership

    with tenant_scope(tenant):
        csm = Membership.objects.get(user=member)
        boss = Membership.objects.get(user=owner)
    history.account("a", owner=csm, segment="SMB")
    history.account("b", owner=csm, segment="SMB")
    history.account("c", owner=boss, segment="Enterprise")
    history.account("d", segment="Enterprise")  # nobody owns it
    history.term("a", date(2026, 1, 1), None, 100)
    history.term("b", date(2026, 1, 1), None, 50)
    history.term("c", date(2026, 1, 1), None, 400)
    history.term("d", date(2026, 1, 1), None, 250)
    history.compute(date(2026, 1, 1), date(2026, 1, 31))
    day = date(2026, 1, 10)
    assert history.parts("arpu", day) == (D("200.00"), D("800.00"), 4)
    # ARR of active accounts (12 x 800) / CSMs owning at least one active account (2).
    assert history.parts("arr_per_csm", day) == (D("4800.00"), D("9600.00"), 2)
    assert history.value("mrr", day, dimension="segment", key="SMB") == D("150.00")
    assert history.value("active_accounts", day, dimension="segment", key="Enterprise") == 2
    assert history.parts("arr_per_csm", day, dimension="owner", key=str(csm.pk)) == (
        D("1800.00"),
        D("1800.00"),
        1,
    )
