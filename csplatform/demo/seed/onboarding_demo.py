"""Demo onboarding: the default templates, and a plan for each account still onboarding
(at most 200), started on its first term's start, with its first steps done as a new
customer does them: most early steps on time, a few accounts stalled. Most of them have a
sales handover; a few leave gaps (no risks, no stakeholder's address, a go-live date passed).
Each plan's welcome emails and the reminders of the customer steps due are in the email log,
recorded as sent (no mail leaves the seed: the send tasks queued after commit find them
sent)."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from accounts.models import Account, CustomerEmail, EmailStatus, LifecycleStage, Subscription
from onboarding.models import Plan, PlanStep, StepStatus
from onboarding.services.defaults import templates_ensure_defaults
from onboarding.services.emails import (
    PLAN_STEP_SOURCE,
    step_reminders_queue,
    welcome_emails_queue,
)
from onboarding.services.handovers import handover_save
from onboarding.services.plans import plan_start, step_complete
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

PLANS_AT_MOST = 200


def onboarding_demo(*, tenant: Tenant, day: date, seed: int) -> Counter:
    rows = Counter()
    rows["onboarding.OnboardingTemplate"] = len(templates_ensure_defaults(tenant=tenant))
    rng = np.random.default_rng(seed + 13)
    zone = ZoneInfo(tenant.time_zone)
    with tenant_scope(tenant):
        accounts = list(
            Account.objects.filter(lifecycle_stage=LifecycleStage.ONBOARDING).order_by("pk")[
                :PLANS_AT_MOST
            ]
        )
        starts = dict(
            Subscription.objects.filter(account__in=accounts)
            .order_by("account_id", "start_date")
            .distinct("account_id")
            .values_list("account_id", "start_date")
        )
    for account in accounts:
        started = min(starts.get(account.pk, day - timedelta(days=20)), day)
        plan, created = plan_start(tenant=tenant, account=account, day=started)
        rows["onboarding.Plan"] += int(created)
        with tenant_scope(tenant):  # made the morning its term started, as it would have been
            made = datetime.combine(started, time(8), zone)
            Plan.objects.filter(pk=plan.pk).update(created_at=made)
        stalled = rng.random() < 0.25  # a quarter stop after their first step
        with tenant_scope(tenant):
            steps = list(PlanStep.objects.filter(plan=plan, status=StepStatus.OPEN))
        for number, step in enumerate(steps):
            allowed = max((step.due_on - started).days, 1)
            finish = started + timedelta(days=int(rng.integers(0, allowed + 3)))
            # A quarter stall after their first step; the others keep going, each step
            # with a chance of being where they are stuck.
            if finish >= day or (stalled and number > 0) or rng.random() < 0.15:
                break
            at = datetime.combine(finish, time(int(rng.integers(9, 18))), zone)
            step_complete(tenant=tenant, step=step, now=at)
    rows["onboarding.Handover"] = _handovers(tenant, accounts, starts, day, rng)
    with tenant_scope(tenant):
        plan_ids = list(Plan.objects.filter(account__in=accounts).values_list("pk", flat=True))
    rows["accounts.CustomerEmail"] += welcome_emails_queue(tenant=tenant, plan_ids=plan_ids)
    rows["accounts.CustomerEmail"] += step_reminders_queue(tenant=tenant, today=day)
    _mark_sent(tenant, day)
    return rows


GOALS = [
    "Replace the spreadsheet renewal tracker; see every at-risk account before the QBR.",
    "Cut logo churn in the SMB book from 3% to 2% a month within two quarters.",
    "One health score the whole CS team trusts; CSMs spend their Mondays on the red accounts.",
    "Onboard new customers in 30 days instead of 60, with the checklist in their language.",
]
PEOPLE = [
    ("Dana Ionescu", "VP Customer Success"), ("Lev Orlov", "IT administrator"),
    ("Mei Chen", "Head of Support"), ("Andrei Popescu", "Revenue operations"),
    ("Olga Smirnova", "CS team lead"), ("Wang Fang", "Data engineer"),
]  # fmt: skip
PROMISES = [
    "Salesforce sync by go-live.",
    "Romanian and Russian checklists for their customers.",
    "none",
    "Single sign-on (Okta) in the first month; a health-score workshop.",
]
RISKS = [
    "IT is busy with an ERP migration until mid-month; data connection may slip.",
    "The champion is leaving in the spring; no second sponsor yet.",
    "none known",
    "Their usage events are only sent from the web app, not the mobile apps.",
]


def _handovers(tenant, accounts, starts, day, rng) -> int:
    """A handover for about nine accounts in ten; every fifth of them with a gap."""
    if not accounts:  # every tenant shows one, whatever stage its accounts are in
        with tenant_scope(tenant):
            accounts = list(Account.objects.order_by("-pk")[:3])
    made = 0
    for number, account in enumerate(accounts):
        if number and rng.random() < 0.1:
            continue  # sales has not handed it over yet
        started = starts.get(account.pk, day - timedelta(days=20))
        chosen = rng.choice(len(PEOPLE), size=2, replace=False)
        people = [{"name": PEOPLE[i][0], "role": PEOPLE[i][1],
                   "email": PEOPLE[i][0].split()[0].lower() + f"@{account.external_id}.example"}
                  for i in chosen]  # fmt: skip
        fields = {
            "goals": GOALS[int(rng.integers(len(GOALS)))],
            "stakeholders": people,
            "promised_features": PROMISES[int(rng.integers(len(PROMISES)))],
            "go_live_on": started + timedelta(days=int(rng.integers(30, 60))),
            "risks": RISKS[int(rng.integers(len(RISKS)))],
        }
        gap = number % 5 == 4
        if gap:  # a rushed handover: one thing left out, or a date already missed
            kind = int(rng.integers(3))
            if kind == 0:
                fields["risks"] = ""
            elif kind == 1:
                fields["stakeholders"] = [{**person, "email": ""} for person in people]
            else:
                fields["go_live_on"] = min(started + timedelta(days=10), day - timedelta(days=1))
        handover_save(tenant=tenant, account=account, **fields)
        made += 1
    return made


def _mark_sent(tenant: Tenant, day: date) -> None:
    """Record the queued onboarding emails as sent at 10:00 (the tenant's time): a welcome
    on its plan's start day, a reminder two days before its step's due day (or on `day`)."""
    zone = ZoneInfo(tenant.time_zone)
    with tenant_scope(tenant):
        started = dict(Plan.objects.values_list("pk", "started_on"))
        due = dict(PlanStep.objects.values_list("pk", "due_on"))
        emails = list(
            CustomerEmail.objects.filter(
                status=EmailStatus.QUEUED, source__startswith="onboarding-"
            ).only("pk", "source")
        )
        for email in emails:
            kind, pk = PLAN_STEP_SOURCE.match(email.source).groups()
            on = started[int(pk)] if kind == "plan" else min(due[int(pk)] - timedelta(days=2), day)
            email.status = EmailStatus.SENT
            email.sent_at = datetime.combine(on, time(10), zone)
        CustomerEmail.objects.bulk_update(emails, ["status", "sent_at"])
