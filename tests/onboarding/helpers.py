"""Plans made for the funnel, stalled and email tests: a three-step template, and an
account's plan started on a chosen day with steps ticked on chosen days."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from accounts.models import Account
from onboarding.models import PlanStep
from onboarding.services.plans import plan_start, step_complete
from onboarding.services.templates import template_save
from tenants.tenancy.context import tenant_scope

DAY = date(2026, 3, 20)
STEPS = [
    {"key": "kickoff", "title": {"en": "Kickoff call", "ru": "Стартовый звонок"},
     "completed_by": "csm", "due_days": 3},
    {"key": "invite", "title": {"en": "Invite your team", "ru": "Пригласите команду"},
     "completed_by": "customer", "due_days": 7},
    {"key": "report", "title": {"en": "Build a report"}, "completed_by": "customer",
     "due_days": 14},
]  # fmt: skip
MILESTONES = {"first_value": "invite", "activated": "report"}


def checklist(tenant, name="Standard", is_default=True):
    return template_save(
        tenant=tenant, name=name, is_default=is_default, steps=STEPS, milestones=MILESTONES
    )


def planned(
    tenant, xid, started: date, done: dict[str, date] | None = None, template=None, **fields
):
    """An account whose plan started on `started`, with steps ticked on the given days."""
    with tenant_scope(tenant):
        account = Account.objects.create(external_id=xid, name=xid.title(), **fields)
    plan, _ = plan_start(tenant=tenant, account=account, template=template, day=started)
    zone = ZoneInfo(tenant.time_zone)
    for key, day in (done or {}).items():
        with tenant_scope(tenant):
            step = PlanStep.objects.get(plan=plan, key=key)
        step_complete(tenant=tenant, step=step, now=datetime.combine(day, time(12), zone))
    return account, plan
