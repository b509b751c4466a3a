"""Onboarding templates and plans: the defaults, which template fits an account, starting
a plan with its due dates, editing a template under a running plan (nothing done is lost),
ticking steps (once; a contact only the customer's), progress, milestones, and the errors
that name the step."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Account, Contact, Subscription
from onboarding.models import OnboardingTemplate, Plan, PlanStatus, PlanStep, StepStatus
from onboarding.services.defaults import templates_ensure_defaults
from onboarding.services.plans import plan_progress, plan_start, step_complete, template_for
from onboarding.services.templates import template_save
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 2)


def _account(tenant, xid="a1", segment="", plan=""):
    with tenant_scope(tenant):
        account = Account.objects.create(external_id=xid, name=xid, segment=segment)
        if plan:
            Subscription.objects.create(account=account, external_id=f"s-{xid}", plan=plan,
                                        mrr=100, currency="USD", start_date=DAY)  # fmt: skip
    return account


def _step(key, **fields):
    return {"key": key, "title": {"en": key.replace("-", " ").title()}, **fields}


def _steps(plan):
    with tenant_scope(plan.tenant):
        return {step.key: step for step in PlanStep.objects.filter(plan=plan)}


def test_every_tenant_starts_with_two_templates_once(tenant):
    made = templates_ensure_defaults(tenant=tenant)
    assert [t.name for t in made] == ["Self-serve onboarding", "Enterprise onboarding"]
    assert templates_ensure_defaults(tenant=tenant) == []
    with tenant_scope(tenant):
        default = OnboardingTemplate.objects.get(is_default=True)
        titles = default.steps.first().title
    assert set(titles) == {"en", "zh-hans", "ru", "ro"}
    assert default.milestones == {"first_value": "first-report", "activated": "invite-team",
                                  "adopted": "first-workflow"}  # fmt: skip


def test_the_template_that_fits_by_plan_segment_and_priority(tenant):
    templates_ensure_defaults(tenant=tenant)
    pro = template_save(tenant=tenant, name="Pro plan", plan="Pro", priority=5,
                        steps=[_step("setup")])  # fmt: skip
    big = _account(tenant, "big", segment="Enterprise")
    small = _account(tenant, "small", segment="SMB")
    paying = _account(tenant, "paying", segment="Enterprise", plan="Pro")
    assert template_for(tenant, big).name == "Enterprise onboarding"
    assert template_for(tenant, small).name == "Self-serve onboarding"
    assert template_for(tenant, paying) == pro  # the plan's template comes first


def test_a_plan_copies_the_steps_with_their_due_dates_once(tenant):
    template = template_save(tenant=tenant, name="T", is_default=True,
                             steps=[_step("a", due_days=0), _step("b", due_days=10)])  # fmt: skip
    account = _account(tenant)
    plan, created = plan_start(tenant=tenant, account=account, day=DAY)
    again, created_again = plan_start(tenant=tenant, account=account, day=DAY)
    assert created and not created_again and again.pk == plan.pk
    steps = _steps(plan)
    assert {k: s.due_on for k, s in steps.items()} == {"a": DAY, "b": DAY + timedelta(days=10)}
    assert plan.template == template and plan.template_version == 1


def test_no_template_no_plan_with_a_clear_error(tenant):
    with pytest.raises(ValidationError) as error:
        plan_start(tenant=tenant, account=_account(tenant))
    assert "template" in error.value.message_dict


def test_editing_a_template_never_resets_a_running_plan(tenant):
    template = template_save(tenant=tenant, name="T", is_default=True,
                             steps=[_step("a"), _step("b"), _step("c")])  # fmt: skip
    plan, _ = plan_start(tenant=tenant, account=_account(tenant), day=DAY)
    steps = _steps(plan)
    assert step_complete(tenant=tenant, step=steps["a"])
    assert step_complete(tenant=tenant, step=steps["b"])
    # b removed, d added, a renamed: a stays done, b stays in history, d is open.
    renamed = _step("a", title={"en": "A, renamed"})
    template_save(tenant=tenant, template=template, name="T", is_default=True,
                  steps=[renamed, _step("c"), _step("d")])  # fmt: skip
    steps = _steps(plan)
    assert {k: s.status for k, s in steps.items()} == {
        "a": StepStatus.DONE,
        "b": StepStatus.REMOVED,
        "c": StepStatus.OPEN,
        "d": StepStatus.OPEN,
    }
    assert steps["a"].title["en"] == "A, renamed" and steps["a"].done_at is not None
    plan.refresh_from_db()
    assert plan.template_version == 2
    assert plan_progress(plan).done == 1 and plan_progress(plan).required == 3
    # b comes back: done again, as it was.
    template_save(tenant=tenant, template=template, name="T", is_default=True,
                  steps=[_step("a"), _step("b"), _step("c"), _step("d")])  # fmt: skip
    assert _steps(plan)["b"].status == StepStatus.DONE


def test_ticking_twice_is_harmless_and_a_contact_ticks_only_the_customers_steps(tenant):
    template_save(tenant=tenant, name="T", is_default=True, steps=[
        _step("mine"), _step("csm", completed_by="csm"),
        _step("auto", completed_by="event", event_name="user_invited", event_count=3),
        _step("extra", required=False),
    ], milestones={"first_value": "mine"})  # fmt: skip
    account = _account(tenant)
    with tenant_scope(tenant):
        contact = Contact.objects.create(external_id="c1", account=account, email="c@x.test")
    plan, _ = plan_start(tenant=tenant, account=account, day=DAY)
    steps = _steps(plan)
    for key in ("csm", "auto"):
        with pytest.raises(ValidationError):
            step_complete(tenant=tenant, step=steps[key], contact=contact)
    assert step_complete(tenant=tenant, step=steps["mine"], contact=contact)
    assert not step_complete(tenant=tenant, step=steps["mine"], contact=contact)
    progress = plan_progress(plan)
    assert (progress.done, progress.required, progress.percent) == (1, 3, 33)
    assert set(progress.milestones) == {"first_value"}
    step_complete(tenant=tenant, step=steps["csm"])
    step_complete(tenant=tenant, step=steps["auto"])
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED  # the optional step does not hold it back
    with tenant_scope(tenant):
        assert Plan.objects.get().completed_at is not None


@pytest.mark.parametrize(
    "steps, milestones, field, words",
    [
        ([_step("a"), _step("a")], {}, "steps", "Step 2 (“a”)"),
        ([_step("a", due_days=-1)], {}, "steps", "Step 1 (“a”)"),
        ([_step("a")], {"activated": "zzz"}, "milestones", "zzz"),
        ([_step("a")], {"famous": "a"}, "milestones", "famous"),
        ([_step("Bad Key")], {}, "steps", "Step 1"),
        ([{"key": "a", "title": {"de": "Schritt"}}], {}, "steps", "Step 1 (“a”)"),
        ([_step("a", completed_by="event")], {}, "steps", "event"),
        ([], {}, "steps", "at least one step"),
    ],
)
def test_bad_templates_are_refused_naming_the_step(tenant, steps, milestones, field, words):
    with pytest.raises(ValidationError) as error:
        template_save(tenant=tenant, name="T", steps=steps, milestones=milestones)
    messages = error.value.message_dict[field]
    assert any(words in message for message in messages), messages
    assert not any(message.endswith("..") for message in messages)
    with tenant_scope(tenant):
        assert not OnboardingTemplate.objects.exists()


def test_a_plan_starts_by_itself_when_the_first_term_starts(tenant):
    from onboarding.services.plans import plans_start_due

    templates_ensure_defaults(tenant=tenant)
    new = _account(tenant, "new", plan="Starter")
    old = _account(tenant, "old", plan="Starter")
    with tenant_scope(tenant):
        Subscription.objects.filter(account=old).update(start_date=DAY - timedelta(days=90))
        later = Account.objects.create(external_id="later", name="Later")
        Subscription.objects.create(account=later, external_id="s-later", plan="Starter",
                                    mrr=100, currency="USD",
                                    start_date=DAY + timedelta(days=5))  # fmt: skip
    started = plans_start_due(tenant=tenant, today=DAY + timedelta(days=2))
    assert [plan.account_id for plan in started] == [new.pk]
    assert started[0].started_on == DAY  # the first term's start, not the day it ran
    assert plans_start_due(tenant=tenant, today=DAY + timedelta(days=2)) == []  # once


def test_every_save_keeps_a_version_with_its_steps_milestones_and_author(tenant, owner):
    owner = Membership.objects.for_tenant(tenant).get(user=owner)
    steps = [_step("connect"), _step("report", due_days=5)]
    template = template_save(tenant=tenant, name="Main", steps=steps,
                             milestones={"first_value": "report"}, saved_by=owner)  # fmt: skip
    template = template_save(tenant=tenant, template=template, name="Main v2", plan="Pro",
                             steps=[_step("report", due_days=9)], milestones={})  # fmt: skip
    with tenant_scope(tenant):
        versions = list(template.versions.order_by("version"))
    assert [(v.version, v.name) for v in versions] == [(1, "Main"), (2, "Main v2")]
    assert versions[0].saved_by == owner and versions[1].saved_by is None
    assert [s["key"] for s in versions[0].steps] == ["connect", "report"]
    assert versions[0].steps[1]["due_days"] == 5 and versions[1].steps[0]["due_days"] == 9
    assert versions[0].milestones == {"first_value": "report"} and versions[1].milestones == {}
    assert versions[1].settings["plan"] == "Pro" and versions[0].settings["plan"] == ""
