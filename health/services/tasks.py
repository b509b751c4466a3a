"""Opening and closing tasks. `task_open` is the one way alert rules, playbooks and people
open a task: it picks the assignee (the account's owner, else the tenant's fallback) and
opens no second task for a condition whose task is still open."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from health.models import HealthSettings, Task, TaskKind, TaskPriority, TaskStatus
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope


def health_settings_for(tenant: Tenant) -> HealthSettings:
    with tenant_scope(tenant):
        settings, _ = HealthSettings.objects.get_or_create(tenant=tenant)
    return settings


def task_assignee_for(*, tenant: Tenant, account: Account) -> Membership | None:
    """The account's owner, else the tenant's fallback assignee (None when neither is set)."""
    if account.owner_id is not None:
        return account.owner
    return health_settings_for(tenant).task_fallback_assignee


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
    return task, True


def _close(tenant: Tenant, task: Task, status: str, by: Membership | None) -> Task:
    with tenant_scope(tenant):
        task.status = status
        task.closed_at = timezone.now()
        task.closed_by = by
        task.snoozed_until = None
        task.save(update_fields=["status", "closed_at", "closed_by", "snoozed_until"])
    return task


def task_complete(*, tenant: Tenant, task: Task, by: Membership | None = None) -> Task:
    if task.status != TaskStatus.OPEN:
        raise ValidationError({"status": _("Only an open task can be completed.")})
    return _close(tenant, task, TaskStatus.DONE, by)


def task_cancel(*, tenant: Tenant, task: Task, by: Membership | None = None) -> Task:
    """Close a task that is no longer needed (its playbook stopped, say)."""
    if task.status != TaskStatus.OPEN:
        return task
    return _close(tenant, task, TaskStatus.CANCELLED, by)


def task_snooze(*, tenant: Tenant, task: Task, until: date, today: date) -> Task:
    """Hide an open task from the inbox's due lists until `until` (a later day)."""
    if task.status != TaskStatus.OPEN:
        raise ValidationError({"status": _("Only an open task can be snoozed.")})
    if until <= today:
        raise ValidationError({"snoozed_until": _("Snooze until a day after today.")})
    with tenant_scope(tenant):
        task.snoozed_until = until
        task.save(update_fields=["snoozed_until"])
    return task


def task_unsnooze(*, tenant: Tenant, task: Task) -> Task:
    """Show a snoozed task in the due lists again."""
    if task.snoozed_until is not None:
        with tenant_scope(tenant):
            task.snoozed_until = None
            task.save(update_fields=["snoozed_until"])
    return task


def task_reassign(*, tenant: Tenant, task: Task, to: Membership) -> Task:
    if to.tenant_id != tenant.pk:
        raise ValidationError({"assignee": _("Choose a member of your team.")})
    if task.status != TaskStatus.OPEN:
        raise ValidationError({"assignee": _("Only an open task can be reassigned.")})
    with tenant_scope(tenant):
        task.assignee = to
        task.save(update_fields=["assignee"])
    return task
