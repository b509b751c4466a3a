"""Reads of tasks: a member's inbox grouped by the tenant's local day, an account's tasks, the
count behind the navigation badge, and who may act on a task. Each read is one query,
whatever the number of tasks."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from accounts.models import Account
from health.models import Task, TaskPriority, TaskStatus
from tenants.models import Membership, Role

UPCOMING_DAYS = 14  # "Upcoming" covers the next two weeks; later tasks are under "Later"
RECENTLY_CLOSED = 10  # closed tasks shown under an account's open ones
PRIORITY_ORDER = {TaskPriority.HIGH: 0, TaskPriority.MEDIUM: 1, TaskPriority.LOW: 2}


def tasks_list() -> QuerySet[Task]:
    """The active tenant's tasks with what their rows show (account, assignee)."""
    return Task.objects.select_related("account", "assignee__user")


@dataclass
class Inbox:
    """Open tasks by when they are due, as of `today` (the tenant's local day). Snoozed tasks
    are under `snoozed` until their snooze day, then back in their group."""

    today: date
    overdue: list[Task] = field(default_factory=list)
    due_today: list[Task] = field(default_factory=list)
    upcoming: list[Task] = field(default_factory=list)
    later: list[Task] = field(default_factory=list)
    snoozed: list[Task] = field(default_factory=list)

    @property
    def due_count(self) -> int:
        return len(self.overdue) + len(self.due_today)

    @property
    def is_empty(self) -> bool:
        return not (self.overdue or self.due_today or self.upcoming or self.later or self.snoozed)

    @property
    def groups(self) -> list[tuple[str, list[Task]]]:
        """(key, tasks) of the non-snoozed groups, in the order the page shows them."""
        return [
            ("overdue", self.overdue),
            ("today", self.due_today),
            ("upcoming", self.upcoming),
            ("later", self.later),
        ]


def _sort_key(task: Task):
    return (task.due_on, PRIORITY_ORDER.get(task.priority, 9), task.account.name, task.pk)


def inbox_group(tasks: list[Task], *, today: date) -> Inbox:
    """Sort open tasks into the inbox's groups; pure, so any `today` can be tried."""
    inbox = Inbox(today=today)
    horizon = today + timedelta(days=UPCOMING_DAYS)
    for task in sorted(tasks, key=_sort_key):
        if task.snoozed_until is not None and task.snoozed_until > today:
            inbox.snoozed.append(task)
        elif task.due_on < today:
            inbox.overdue.append(task)
        elif task.due_on == today:
            inbox.due_today.append(task)
        elif task.due_on <= horizon:
            inbox.upcoming.append(task)
        else:
            inbox.later.append(task)
    inbox.snoozed.sort(key=lambda task: (task.snoozed_until, *_sort_key(task)))
    return inbox


def inbox_for(assignee: Membership | None, *, today: date) -> Inbox:
    """The open tasks of `assignee` (None: the tasks nobody is assigned), grouped."""
    rows = tasks_list().filter(status=TaskStatus.OPEN, assignee=assignee)
    return inbox_group(list(rows), today=today)


def account_tasks(account: Account) -> tuple[list[Task], list[Task]]:
    """(open tasks by due day, the latest closed ones), in one query."""
    open_rows = tasks_list().filter(account=account, status=TaskStatus.OPEN)
    closed_ids = (
        Task.objects.filter(account=account)
        .exclude(status=TaskStatus.OPEN)
        .order_by("-closed_at", "-id")
        .values("id")[:RECENTLY_CLOSED]
    )
    rows = list(tasks_list().filter(Q(pk__in=open_rows.values("id")) | Q(pk__in=closed_ids)))
    open_tasks = sorted(
        (t for t in rows if t.status == TaskStatus.OPEN),
        key=lambda t: (t.due_on, PRIORITY_ORDER.get(t.priority, 9), t.pk),
    )
    closed = sorted(
        (t for t in rows if t.status != TaskStatus.OPEN),
        key=lambda t: (t.closed_at, t.pk),
        reverse=True,
    )
    return open_tasks, closed


def tasks_due_count(assignee: Membership, *, today: date) -> int:
    """Open tasks of `assignee` due today or earlier and not snoozed past today."""
    return (
        Task.objects.filter(status=TaskStatus.OPEN, assignee=assignee, due_on__lte=today)
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))
        .count()
    )


def task_can_act(membership: Membership | None, task: Task) -> bool:
    """Owners and admins act on any task; a CSM on their own and on unassigned ones; a viewer
    on none. `membership` None is an API key, which integrators use on any task."""
    if membership is None:
        return True
    if membership.role in (Role.OWNER, Role.ADMIN):
        return True
    if membership.role == Role.CSM:
        return task.assignee_id in (None, membership.pk)
    return False
