"""The onboarding funnel per template (steps and milestones reached, median days, where
accounts stall) and the monthly cohorts, as figures and as pages."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onboarding.selectors.cohorts import onboarding_cohorts
from onboarding.selectors.funnel import template_funnel
from tests.onboarding.helpers import DAY, checklist, planned

pytestmark = pytest.mark.django_db


def _rows(funnel):
    return [(r.key, r.is_milestone, r.reached, r.percent, r.median_days) for r in funnel.rows]


def test_the_funnel_counts_each_step_and_milestone_with_median_days(tenant):
    template = checklist(tenant)
    start = DAY - timedelta(days=30)
    planned(tenant, "a", start, {"kickoff": start + timedelta(days=1),
                                 "invite": start + timedelta(days=4),
                                 "report": start + timedelta(days=10)})  # fmt: skip
    planned(tenant, "b", start, {"kickoff": start + timedelta(days=3),
                                 "invite": start + timedelta(days=6)})  # fmt: skip
    planned(tenant, "c", start, {"kickoff": start + timedelta(days=2)})
    planned(tenant, "d", DAY - timedelta(days=2))
    other = checklist(tenant, name="Other", is_default=False)
    planned(tenant, "e", start, {"kickoff": start}, template=other)
    funnel = template_funnel(tenant=tenant, template=template, today=DAY)
    assert funnel.started == 4
    assert _rows(funnel) == [
        ("kickoff", False, 3, 75, 2),
        ("invite", False, 2, 50, 5),
        ("first_value", True, 2, 50, 5),
        ("report", False, 1, 25, 10),
        ("activated", True, 1, 25, 10),
    ]
    # c is stuck on "invite" (nothing done for more than 7 days), b on "report"; d just began.
    stalled = {r.key: (r.stalled, r.stalled_since) for r in funnel.rows if r.stalled}
    assert stalled == {
        "invite": (1, start + timedelta(days=10)),
        "report": (1, start + timedelta(days=14)),
    }


@pytest.mark.outsider("onboarding")
def test_the_page_shows_the_chosen_templates_funnel_and_outsiders_see_none(
    tenant, member_client, outsider_client
):
    template = checklist(tenant)
    other = checklist(tenant, name="Enterprise rollout", is_default=False)
    start = tenant.today() - timedelta(days=5)
    planned(tenant, "a", start, {"kickoff": start + timedelta(days=1)})
    planned(tenant, "b", start, {"kickoff": start}, template=other)
    page = member_client.get("/onboarding/").content.decode()
    assert "Standard" in page and "Enterprise rollout" in page  # the switcher
    assert "1 account started" in page and "Milestone: First value" in page
    assert "<svg" in page and "<table" in page  # the chart and its table
    chosen = member_client.get(f"/onboarding/?template={other.pk}").content.decode()
    assert f'value="{other.pk}" selected' in chosen
    assert member_client.get(f"/onboarding/?template={template.pk}&days=x").status_code == 200
    outsider = outsider_client.get(f"/onboarding/?template={template.pk}")
    assert outsider.status_code == 200
    assert "Standard" not in outsider.content.decode()
    assert "No onboarding templates yet" in outsider.content.decode()


def test_a_template_nobody_started_says_so(tenant, member_client):
    checklist(tenant)
    page = member_client.get("/onboarding/").content.decode()
    assert "No account has started this template yet" in page and "<svg" not in page


def test_the_funnel_page_reads_a_constant_number_of_queries(tenant, member_client):
    checklist(tenant)
    start = tenant.today() - timedelta(days=20)
    planned(tenant, "a", start, {"kickoff": start})
    member_client.get("/onboarding/")
    with CaptureQueriesContext(connection) as first:
        member_client.get("/onboarding/")
    for n in range(4):
        planned(tenant, f"more-{n}", start, {"kickoff": start, "invite": start})
    with CaptureQueriesContext(connection) as more:
        page = member_client.get("/onboarding/").content.decode()
    assert "5 accounts started" in page
    assert len(more.captured_queries) == len(first.captured_queries) <= 11


def test_cohorts_give_activation_rate_and_median_days_to_first_value(tenant):
    checklist(tenant)
    march, april = date(2026, 3, 5), date(2026, 4, 2)
    planned(tenant, "a", march, {"invite": march + timedelta(days=4),
                                 "report": march + timedelta(days=9)})  # fmt: skip
    planned(tenant, "b", march, {"invite": march + timedelta(days=8)})
    planned(tenant, "c", march + timedelta(days=20))
    planned(tenant, "d", april, {"invite": april + timedelta(days=1),
                                 "report": april + timedelta(days=2)})  # fmt: skip
    planned(tenant, "old", date(2025, 1, 10), {"report": date(2025, 1, 11)})
    cohorts = onboarding_cohorts(tenant=tenant, today=date(2026, 4, 30))
    shown = [(c.month, c.started, c.activated, c.activation_rate, c.ttfv_median_days)
             for c in cohorts]  # fmt: skip
    # March: a and b reached first value in 4 and 8 days (median 6), a activated; 2025 is
    # older than the 12 months shown.
    assert shown == [(date(2026, 4, 1), 1, 1, 100, 1), (date(2026, 3, 1), 3, 1, 33, 6)]


@pytest.mark.outsider("onboarding-cohorts")
def test_the_cohorts_page_and_outsiders(tenant, member_client, outsider_client):
    checklist(tenant)
    start = tenant.today() - timedelta(days=3)
    planned(tenant, "a", start, {"invite": start + timedelta(days=1)})
    page = member_client.get("/onboarding/cohorts/").content.decode()
    assert start.strftime("%B %Y") in page and "Activation rate" in page
    outsider = outsider_client.get("/onboarding/cohorts/").content.decode()
    assert "No onboarding plan started in the last 12 months" in outsider


def test_the_cohorts_page_reads_a_constant_number_of_queries(tenant, member_client):
    checklist(tenant)
    today = tenant.today()
    planned(tenant, "a", today, {"invite": today})
    member_client.get("/onboarding/cohorts/")
    with CaptureQueriesContext(connection) as first:
        member_client.get("/onboarding/cohorts/")
    for n in range(4):
        planned(tenant, f"more-{n}", today - timedelta(days=40 * n), {"invite": today})
    with CaptureQueriesContext(connection) as more:
        member_client.get("/onboarding/cohorts/")
    assert len(more.captured_queries) == len(first.captured_queries) <= 8
