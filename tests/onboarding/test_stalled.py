"""Stalled onboardings: the one definition (a required step overdue by more than N days, or
nothing completed for more than N days), and the page listing them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onboarding.selectors.stalled import IDLE, OVERDUE, stalled_plans
from tests.onboarding.helpers import DAY, checklist, planned

pytestmark = pytest.mark.django_db


def _stalls(tenant, today, days=7):
    return {s.account.external_id: s for s in stalled_plans(tenant=tenant, today=today, days=days)}


def test_stalled_is_overdue_by_more_than_n_days_or_idle_for_more_than_n_days(tenant):
    checklist(tenant)
    # Kickoff is due on start + 3: overdue by more than 7 days from start + 11 on, though
    # the customer moved yesterday.
    planned(tenant, "overdue", DAY - timedelta(days=11), {"invite": DAY - timedelta(days=1)})
    planned(tenant, "just-in-time", DAY - timedelta(days=10), {"invite": DAY - timedelta(days=1)})
    # Kickoff and invite done; report (due start + 14) not overdue, but nothing done for
    # more than 7 days.
    planned(
        tenant,
        "idle",
        DAY - timedelta(days=12),
        {"kickoff": DAY - timedelta(days=12), "invite": DAY - timedelta(days=8)},
    )
    planned(
        tenant,
        "moving",
        DAY - timedelta(days=12),
        {"kickoff": DAY - timedelta(days=12), "invite": DAY - timedelta(days=7)},
    )
    planned(tenant, "finished", DAY - timedelta(days=40),
            {"kickoff": DAY - timedelta(days=39), "invite": DAY - timedelta(days=38),
             "report": DAY - timedelta(days=37)})  # fmt: skip
    stalls = _stalls(tenant, DAY)
    assert set(stalls) == {"overdue", "idle"}
    overdue, idle = stalls["overdue"], stalls["idle"]
    assert (overdue.reason, overdue.step.key, overdue.since) == (OVERDUE, "kickoff", DAY)
    assert (idle.reason, idle.step.key, idle.since) == (IDLE, "report", DAY)
    assert idle.last_progress == DAY - timedelta(days=8)
    # N is a parameter: with 10 days neither is stalled yet, three days later both are,
    # and a day after that the two that were one day short.
    assert _stalls(tenant, DAY, days=10) == {}
    assert set(_stalls(tenant, DAY + timedelta(days=3), days=10)) == {"overdue", "idle"}
    assert set(_stalls(tenant, DAY + timedelta(days=4), days=10)) == {
        "overdue",
        "idle",
        "just-in-time",
        "moving",
    }


def test_a_plan_that_never_moved_is_stalled_since_the_earlier_of_the_two(tenant):
    checklist(tenant)
    planned(tenant, "still", DAY - timedelta(days=30))
    (stall,) = _stalls(tenant, DAY).values()
    # Idle from start + 8, overdue (kickoff, due start + 3) from start + 11: idle came first.
    assert (stall.reason, stall.since) == (IDLE, DAY - timedelta(days=22))
    assert stall.step.key == "kickoff"


@pytest.mark.outsider("onboarding-stalled")
def test_the_page_lists_stalled_accounts_and_outsiders_see_none(
    tenant, member_client, outsider_client
):
    checklist(tenant)
    account, _plan = planned(tenant, "initech", tenant.today() - timedelta(days=20))
    page = member_client.get("/onboarding/stalled/").content.decode()
    assert "Initech" in page and "Kickoff call" in page
    assert f"/accounts/{account.pk}/onboarding/" in page
    russian = member_client.get("/onboarding/stalled/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Стартовый звонок" in russian.content.decode()
    other = outsider_client.get("/onboarding/stalled/")
    assert other.status_code == 200 and "Initech" not in other.content.decode()
    assert "No stalled onboarding" in other.content.decode()
    # A longer N leaves it out; a bad N reads as the default.
    assert "Initech" not in member_client.get("/onboarding/stalled/?days=30").content.decode()
    assert "Initech" in member_client.get("/onboarding/stalled/?days=x").content.decode()


def test_the_page_reads_a_constant_number_of_queries(tenant, member_client):
    checklist(tenant)
    planned(tenant, "a", tenant.today() - timedelta(days=20))
    member_client.get("/onboarding/stalled/")
    with CaptureQueriesContext(connection) as first:
        member_client.get("/onboarding/stalled/")
    for n in range(5):
        planned(tenant, f"more-{n}", tenant.today() - timedelta(days=20 + n))
    with CaptureQueriesContext(connection) as more:
        page = member_client.get("/onboarding/stalled/").content.decode()
    assert page.count("Open the plan") == 6
    assert len(more.captured_queries) == len(first.captured_queries) <= 8
