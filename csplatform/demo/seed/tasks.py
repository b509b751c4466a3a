"""A few tasks opened by hand for one demo member, spread over overdue, today, the next days
and later (one snoozed), so their inbox shows every group from the first sign-in."""

from datetime import date, timedelta

from accounts.models import Account
from health.models import TaskPriority
from health.services.tasks import task_open, task_snooze
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope

# (days from today, title, reason, priority, days snoozed from today or None)
DEMO_TASKS = [
    (-3, "Follow up on the unanswered renewal quote", "The quote was sent 10 days ago and "
     "nobody replied; the term ends next month.", TaskPriority.HIGH, None),
    (-1, "Book a training for the new admins", "Two admins joined last week and have not "
     "signed in since.", TaskPriority.MEDIUM, None),
    (0, "Call the champion about the usage drop", "Weekly active users halved against the "
     "previous 30 days.", TaskPriority.HIGH, None),
    (0, "Send the quarterly business review deck", "", TaskPriority.LOW, None),
    (3, "Ask for a case study", "They answered 10 to the last NPS survey.", TaskPriority.LOW,
     None),
    (9, "Prepare the renewal call", "Renewal in 60 days.", TaskPriority.MEDIUM, None),
    (30, "Plan the annual account review", "", TaskPriority.LOW, None),
    (1, "Check the integration errors again", "The import failed twice this week.",
     TaskPriority.MEDIUM, 4),
]  # fmt: skip


def demo_tasks_open(*, tenant: Tenant, assignee: Membership, today: date) -> int:
    """Open DEMO_TASKS for `assignee` on their accounts (any accounts when they own none);
    returns how many were opened."""
    with tenant_scope(tenant):
        accounts = list(Account.objects.filter(owner=assignee).order_by("name")[: len(DEMO_TASKS)])
        if not accounts:
            accounts = list(Account.objects.order_by("name")[: len(DEMO_TASKS)])
    if not accounts:
        return 0
    for n, (offset, title, reason, priority, snoozed) in enumerate(DEMO_TASKS):
        task, _ = task_open(
            tenant=tenant,
            account=accounts[n % len(accounts)],
            title=title,
            reason=reason,
            priority=priority,
            due_on=today + timedelta(days=offset),
            assignee=assignee,
            created_by=assignee,
        )
        if snoozed is not None:
            task_snooze(
                tenant=tenant, task=task, until=today + timedelta(days=snoozed), today=today
            )
    return len(DEMO_TASKS)
