"""Opening and changing tasks. `task_open` is the one way alert rules, playbooks and people
open a task: it picks the assignee (the account's owner, else the tenant's fallback) and
opens no second task for a condition whose task is still open. Only members who can act
on accounts (not viewers) are given tasks.

A task changes only while it is open, and the check is part of the UPDATE itself
(`... WHERE status = 'open'`): of two people pressing "Done" at once, or "Done" and a
playbook cancelling the task, the second finds it closed instead of overwriting the first."""

from datetime import date
from typing import Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from health.models import HealthSettings, Task, TaskKind, TaskPriority, TaskStatus
from health.webhook_events import tasks_opened_emit
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope


def health_settings_for(tenant: Tenant) -> HealthSettings:
    with tenant_scope(tenant):
        settings, _ = HealthSettings.objects.get_or_create(tenant=tenant)
    return settings


def task_assignee_for(*, tenant: Tenant, account: Account) -> Membership | None:
    """The account's owner, else the tenant's fallback assignee (None when neither is set).
    An owner who is a viewer cannot act on a task: the fallback gets it."""
    if account.owner_id is not None and account.owner.can_write:
        return account.owner
    return health_settings_for(tenant).task_fallback_assignee


def _check_assignee(tenant: Tenant, assignee: Membership) -> None:
    if assignee.tenant_id != tenant.pk:
        raise ValidationError({"assignee": _("Choose a member of your team.")})
    if not assignee.can_write:
        raise ValidationError({"assignee": _("Choose a member of your team who is not a viewer.")})


def task_open(
    *,
    tenant: Tenant,
    account: Account,
    title: str,
    due_on: date,
    kind: str = TaskKind.MANUAL,
    reason: str = "",
    figures: dict | None = None,
    priority: str = TaskPriority.MEDIUM,
    condition_key: str = "",
    assignee: Membership | None = None,
    created_by: Membership | None = None,
) -> tuple[Task, bool]:
    """Open a task; returns (task, True), or (the open task, False) when one with the same
    `condition_key` is already open for the account."""
    if not title.strip():
        raise ValidationError({"title": _("A task needs a title.")})
    if assignee is not None:
        _check_assignee(tenant, assignee)
    with tenant_scope(tenant):
        if condition_key:
            existing = Task.objects.filter(
                account=account, condition_key=condition_key, status=TaskStatus.OPEN
            ).first()
            if existing is not None:
                return existing, False
        task = Task(
            tenant=tenant,
            account=account,
            title=title.strip()[:200],
            reason=reason,
            figures=figures or {},
            kind=kind,
            condition_key=condition_key,
            priority=priority,
            due_on=due_on,
            assignee=assignee or task_assignee_for(tenant=tenant, account=account),
            created_by=created_by,
        )
        try:
            # A savepoint: a concurrent opener of the same condition wins the unique index.
            with transaction.atomic():
                task.save()
        except IntegrityError:
            if not condition_key:
                raise
            return Task.objects.get(
                account=account, condition_key=condition_key, status=TaskStatus.OPEN
            ), False
        tasks_opened_emit(tenant=tenant, tasks=[task])
    return task, True


def _update_open(tenant: Tenant, task: Task, **changes) -> bool:
    """Write `changes` if the task is still open in the database; True when it was. The
    instance follows: the changes on success, else the task as it now stands."""
    with tenant_scope(tenant):
        updated = Task.objects.filter(pk=task.pk, status=TaskStatus.OPEN).update(**changes)
        if not updated:
            task.refresh_from_db()
            return False
    for name, value in changes.items():
        setattr(task, name, value)
    return True


def _close(tenant: Tenant, task: Task, status: str, by: Membership | None) -> bool:
    return _update_open(
        tenant,
        task,
        status=status,
        closed_at=timezone.now(),
        closed_by=by,
        snoozed_until=None,
    )


def task_complete(*, tenant: Tenant, task: Task, by: Membership | None = None) -> Task:
    if not _close(tenant, task, TaskStatus.DONE, by):
        raise ValidationError({"status": _("Only an open task can be completed.")})
    return task


def task_cancel(*, tenant: Tenant, task: Task, by: Membership | None = None) -> Task:
    """Close a task that is no longer needed (its playbook stopped, say); a task closed
    already stays as it is."""
    _close(tenant, task, TaskStatus.CANCELLED, by)
    return task


def task_snooze(*, tenant: Tenant, task: Task, until: date, today: date) -> Task:
    """Hide an open task from the inbox's due lists until `until` (a later day)."""
    if until <= today:
        raise ValidationError({"snoozed_until": _("Snooze until a day after today.")})
    if not _update_open(tenant, task, snoozed_until=until):
        raise ValidationError({"status": _("Only an open task can be snoozed.")})
    return task


def task_unsnooze(*, tenant: Tenant, task: Task) -> Task:
    """Show a snoozed task in the due lists again (a closed task has no snooze to lift)."""
    if task.snoozed_until is not None:
        _update_open(tenant, task, snoozed_until=None)
    return task


def task_reassign(*, tenant: Tenant, task: Task, to: Membership) -> Task:
    _check_assignee(tenant, to)
    if not _update_open(tenant, task, assignee=to):
        raise ValidationError({"assignee": _("Only an open task can be reassigned.")})
    return task


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()  # `snoozed_until` left out (None lifts the snooze)


def task_update(
    *,
    tenant: Tenant,
    task: Task,
    by: Membership | None,
    today: date,
    status: str | None = None,
    snoozed_until: date | None | _Unchanged = UNCHANGED,
    assignee: Membership | None = None,
) -> Task:
    """Change an open task at once, all or nothing: reassign it (`assignee`), snooze it
    (`snoozed_until` a later day, None to show it again), then close it (`status` "done"
    or "cancelled"). Arguments left out change nothing. Raises ValidationError naming the
    field; the instance is then the task as it stands."""
    if status is not None and status not in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise ValidationError({"status": _("A task can be set to done or cancelled.")})
    try:
        with transaction.atomic():
            if assignee is not None:
                task_reassign(tenant=tenant, task=task, to=assignee)
            if snoozed_until is None:
                task_unsnooze(tenant=tenant, task=task)
            elif not isinstance(snoozed_until, _Unchanged):
                task_snooze(tenant=tenant, task=task, until=snoozed_until, today=today)
            if status == TaskStatus.DONE:
                task_complete(tenant=tenant, task=task, by=by)
            elif status == TaskStatus.CANCELLED and not _close(tenant, task, status, by):
                raise ValidationError({"status": _("Only an open task can be cancelled.")})
    except ValidationError:
        with tenant_scope(tenant):
            task.refresh_from_db()  # the changes made before the error were rolled back
        raise
    return task
