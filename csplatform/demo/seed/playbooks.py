"""Demo playbooks: the defaults, and a few runs on demo accounts so the pages show running
playbooks with their next steps and a log of customer emails.

No mail leaves the seed: the emails the runs' first steps queue are marked sent in the
seed's own transaction (on their step's due day), so the send tasks queued after commit
find them sent and send nothing (sending is idempotent on the log row's status).
"""

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.models import Account, CustomerEmail, EmailStatus
from health.models import Playbook, PlaybookRunStep, PlaybookTrigger, TaskStatus
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.playbooks import (
    playbook_start,
    playbook_steps_due_run,
    playbooks_start_for_rules,
)
from health.services.tasks import task_complete
from onboarding.models import Plan
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

# The onboarding check-ins run on this many of the latest plans (each opens up to 4 tasks).
CHECKIN_PLANS = 40
# Check-in tasks due within this many days before the demo's day are left open.
CHECKIN_OPEN_DAYS = 3

# (playbook key, lifecycle stage of the accounts it runs on, how many, days since the start)
DEMO_RUNS = [
    ("at-risk-outreach", "adoption", 2, 3),
    ("first-90-days", "onboarding", 2, 35),
    ("renewal-preparation", "renewal", 1, 10),
]


def playbooks_demo(*, tenant: Tenant, day: date) -> Counter:
    """Add the default playbooks and start the demo runs as of `day`; returns rows added."""
    rows = Counter()
    rows["health.Playbook"] = len(playbooks_ensure_defaults(tenant=tenant))
    with tenant_scope(tenant):
        playbooks = {p.key: p for p in Playbook.objects.exclude(key="")}
        taken: set[int] = set()
        for key, stage, count, days_ago in DEMO_RUNS:
            if key not in playbooks:
                continue  # a tenant's edits removed it
            accounts = (
                Account.objects.filter(lifecycle_stage=stage, contacts__isnull=False)
                .exclude(pk__in=taken)
                .distinct()
                .order_by("pk")[:count]
            )
            for account in accounts:
                run, created = playbook_start(
                    tenant=tenant,
                    playbook=playbooks[key],
                    account=account,
                    day=day - timedelta(days=days_ago),
                )
                taken.add(account.pk)
                rows["health.PlaybookRun"] += int(created)
        playbook_steps_due_run(tenant=tenant, day=day)
        rows["accounts.CustomerEmail"] = _mark_sent(tenant)
    return rows


def _mark_sent(tenant: Tenant) -> int:
    """Record the queued demo emails as sent at 10:00 on their step's due day (the tenant's
    time), without sending them."""
    zone = ZoneInfo(tenant.time_zone)
    marked = 0
    for step in PlaybookRunStep.objects.filter(email__isnull=False).values("pk", "due_on"):
        marked += CustomerEmail.objects.filter(
            source=f"playbook:{step['pk']}", status=EmailStatus.QUEUED
        ).update(status=EmailStatus.SENT, sent_at=datetime.combine(step["due_on"], time(10), zone))
    return marked


def onboarding_checkins_demo(*, tenant: Tenant, day: date) -> Counter:
    """The check-in playbooks (trigger "onboarding plan started") on the latest demo plans,
    from each plan's start day, with the check-ins due by `day` opened as tasks, and those
    due before its last few days done (the hourly job starts the check-ins of the plans
    that start from now on)."""
    rows = Counter()
    trigger = PlaybookTrigger.PLAN_STARTED.value
    with tenant_scope(tenant):
        plans = Plan.objects.order_by("-started_on", "-pk")[:CHECKIN_PLANS]
        starts = list(plans.values_list("account_id", "started_on"))
    by_day: dict[date, list[tuple[int, str]]] = {}
    for account_id, started_on in starts:
        by_day.setdefault(started_on, []).append((account_id, trigger))
    for started_on, fired in sorted(by_day.items()):
        runs = playbooks_start_for_rules(tenant=tenant, fired=fired, day=started_on)
        rows["health.PlaybookRun"] += len(runs)
    playbook_steps_due_run(tenant=tenant, day=day)
    # The CSMs did the check-ins due before the last few days; the recent ones stay open.
    with tenant_scope(tenant):
        done = [
            step.task
            for step in PlaybookRunStep.objects.filter(
                run__trigger_kind=trigger,
                task__status=TaskStatus.OPEN,
                task__due_on__lt=day - timedelta(days=CHECKIN_OPEN_DAYS),
            ).select_related("task")
        ]
    for task in done:
        task_complete(tenant=tenant, task=task)
    return rows
