"""Activation rate and time to first value read the onboarding milestones: an account whose
plan names the milestone reached it when the plan's step was done; the tenant's events stay
the fallback for accounts without such a plan."""

from datetime import date, datetime, time
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import pytest

from onboarding.models import PlanStep
from onboarding.services.plans import plan_start, step_complete
from onboarding.services.templates import template_save
from tenants.tenancy.context import tenant_scope
from tests.metrics.history import History

pytestmark = pytest.mark.django_db

JAN = date(2026, 1, 1)


def _template(tenant):
    steps = [
        {"key": "connect", "title": {"en": "Connect"}},
        {"key": "first-report", "title": {"en": "First report"}},
        {"key": "invite", "title": {"en": "Invite"}},
    ]
    return template_save(
        tenant=tenant, name="Main", is_default=True, steps=steps,
        milestones={"first_value": "first-report", "activated": "invite"},
    )  # fmt: skip


def _tick(tenant, plan, key, day):
    with tenant_scope(tenant):
        step = PlanStep.objects.get(plan=plan, key=key)
    at = datetime.combine(day, time(15), ZoneInfo(tenant.time_zone))
    assert step_complete(tenant=tenant, step=step, now=at)


def test_milestones_decide_for_planned_accounts_and_events_for_the_others(tenant):
    tenant.activation_event = "Onboarding Completed"
    tenant.first_value_event = "Report Exported"
    tenant.save()
    template = _template(tenant)
    history = History(tenant)
    for name, start in (("a", 3), ("b", 10), ("c", 20), ("legacy", 4)):
        history.term(name, date(2026, 1, start), None, 100)
    accounts = history.accounts
    plans = {
        name: plan_start(tenant=tenant, account=accounts[name], template=template,
                         day=date(2026, 1, start))[0]
        for name, start in (("a", 3), ("b", 10), ("c", 20))
    }  # fmt: skip
    _tick(tenant, plans["a"], "first-report", date(2026, 1, 8))  # 5 days
    _tick(tenant, plans["a"], "invite", date(2026, 1, 9))
    _tick(tenant, plans["b"], "first-report", date(2026, 1, 19))  # 9 days
    # The events no longer count for a planned account: c sent both but reached neither.
    history.events(
        [
            (history.at(date(2026, 1, 21)), "Onboarding Completed", "c", ""),
            (history.at(date(2026, 1, 21)), "Report Exported", "c", ""),
            # The account without a plan: its events decide (2 days to first value).
            (history.at(date(2026, 1, 6)), "Report Exported", "legacy", ""),
            (history.at(date(2026, 1, 6)), "Onboarding Completed", "legacy", ""),
        ]
    )
    history.compute(JAN, date(2026, 1, 31))
    assert history.parts("activation_rate", JAN) == (D("0.5"), 2, 4)  # a and legacy
    assert history.parts("ttfv_median_days", JAN) == (D("5.0"), 3, 4)  # 2, 5 and 9 days


def test_milestones_define_the_figures_without_event_settings(tenant):
    template = _template(tenant)
    history = History(tenant)
    history.term("a", date(2026, 1, 3), None, 100)
    history.term("b", date(2026, 1, 5), None, 100)
    plan = plan_start(tenant=tenant, account=history.accounts["a"], template=template,
                      day=date(2026, 1, 3))[0]  # fmt: skip
    _tick(tenant, plan, "invite", date(2026, 1, 10))
    history.compute(JAN, date(2026, 1, 31))
    assert history.parts("activation_rate", JAN) == (D("0.5"), 1, 2)
    assert history.parts("ttfv_median_days", JAN) == (None, 0, 2)


def test_a_milestone_reached_later_recomputes_its_cohort(tenant):
    template = _template(tenant)
    history = History(tenant)
    june = date(2024, 6, 1)  # older than the 12 months every night redoes
    history.term("a", date(2024, 6, 3), None, 100)
    plan = plan_start(tenant=tenant, account=history.accounts["a"], template=template,
                      day=date(2024, 6, 3))[0]  # fmt: skip
    history.compute(june, date(2026, 2, 10))
    history.nightly(date(2026, 2, 10))  # what the plan's start marked is done
    assert history.parts("activation_rate", june) == (D("0"), 0, 1)
    _tick(tenant, plan, "invite", date(2026, 2, 11))  # months later, after the runs
    history.nightly(date(2026, 2, 11))
    assert history.parts("activation_rate", june) == (D("1"), 1, 1)


def test_a_plan_stopped_before_the_milestone_leaves_the_account_to_the_events(tenant):
    from onboarding.models import Plan, PlanStatus

    tenant.activation_event = "Onboarding Completed"
    tenant.save()
    template = _template(tenant)
    history = History(tenant)
    history.term("a", date(2026, 1, 3), None, 100)
    plan = plan_start(tenant=tenant, account=history.accounts["a"], template=template,
                      day=date(2026, 1, 3))[0]  # fmt: skip
    with tenant_scope(tenant):
        Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.STOPPED)
    history.events([(history.at(date(2026, 1, 9)), "Onboarding Completed", "a", "")])
    history.compute(JAN, date(2026, 1, 31))
    assert history.parts("activation_rate", JAN) == (D("1"), 1, 1)
