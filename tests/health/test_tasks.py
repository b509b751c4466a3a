"""Opening tasks: the assignee, one open task per condition, closing, snoozing, reassigning."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from health.models import Task, TaskStatus
from health.services.tasks import (
    health_settings_for,
    task_cancel,
    task_complete,
    task_open,
    task_reassign,
    task_snooze,
    task_update,
)
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account

DUE = date(2026, 7, 3)


def _membership(tenant, user):
    with tenant_scope(tenant):
        return user.memberships.get()


def _open(tenant, acct, key="rule:1"):
    return task_open(tenant=tenant, account=acct, title="Call them", due_on=DUE, condition_key=key)


@pytest.mark.django_db
def test_the_owner_gets_the_task_else_the_fallback_else_nobody(tenant, owner, member):
    csm = _membership(tenant, member)
    boss = _membership(tenant, owner)
    owned = account(tenant, "a1", owner=csm)
    orphan = account(tenant, "a2")
    assert _open(tenant, owned)[0].assignee == csm
    assert _open(tenant, orphan)[0].assignee is None
    settings = health_settings_for(tenant)
    settings.task_fallback_assignee = boss
    with tenant_scope(tenant):
        settings.save()
    assert _open(tenant, orphan, key="rule:2")[0].assignee == boss


@pytest.mark.django_db
def test_one_open_task_per_condition_and_a_new_one_after_it_closed(tenant, member):
    acct = account(tenant, "a1")
    first, created = _open(tenant, acct)
    again, created_again = _open(tenant, acct)
    assert created and not created_again and again.pk == first.pk
    other, created_other = _open(tenant, acct, key="rule:2")
    assert created_other and other.pk != first.pk
    task_complete(tenant=tenant, task=first)
    later, created_later = _open(tenant, acct)
    assert created_later and later.pk != first.pk
    with tenant_scope(tenant):
        assert Task.objects.filter(account=acct, condition_key="rule:1").count() == 2


@pytest.mark.django_db
def test_tasks_without_a_condition_never_merge(tenant):
    acct = account(tenant, "a1")
    assert _open(tenant, acct, key="")[1] and _open(tenant, acct, key="")[1]


@pytest.mark.django_db
def test_closing_snoozing_and_reassigning_check_their_input(tenant, other_tenant, owner, outsider):
    acct = account(tenant, "a1")
    task, _ = _open(tenant, acct)
    with pytest.raises(ValidationError) as error:
        task_snooze(tenant=tenant, task=task, until=DUE, today=DUE)
    assert "snoozed_until" in error.value.message_dict
    task_snooze(tenant=tenant, task=task, until=date(2026, 7, 10), today=DUE)
    with pytest.raises(ValidationError) as error:
        task_reassign(tenant=tenant, task=task, to=_membership(other_tenant, outsider))
    assert "assignee" in error.value.message_dict
    task_reassign(tenant=tenant, task=task, to=_membership(tenant, owner))
    task_cancel(tenant=tenant, task=task)
    with tenant_scope(tenant):
        task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and task.snoozed_until is None
    assert task.assignee == _membership(tenant, owner)
    with pytest.raises(ValidationError):
        task_complete(tenant=tenant, task=task)
    with pytest.raises(ValidationError) as error:
        task_open(tenant=tenant, account=acct, title="  ", due_on=DUE)
    assert "title" in error.value.message_dict


@pytest.mark.django_db
def test_viewers_are_never_given_a_task(tenant, owner, viewer):
    reader = _membership(tenant, viewer)
    boss = _membership(tenant, owner)
    acct = account(tenant, "a1")
    with pytest.raises(ValidationError) as error:
        task_open(tenant=tenant, account=acct, title="Call", due_on=DUE, assignee=reader)
    assert "assignee" in error.value.message_dict
    task, _ = _open(tenant, acct)
    with pytest.raises(ValidationError) as error:
        task_reassign(tenant=tenant, task=task, to=reader)
    assert "assignee" in error.value.message_dict
    with tenant_scope(tenant):
        assert Task.objects.get(pk=task.pk).assignee is None
    # An account a viewer owns: its tasks go to the fallback assignee.
    settings = health_settings_for(tenant)
    settings.task_fallback_assignee = boss
    with tenant_scope(tenant):
        settings.save()
    viewed = account(tenant, "a2", owner=reader)
    assert _open(tenant, viewed)[0].assignee == boss


def _twice(tenant, task) -> Task:
    """The same task as a second request loaded it, before the first one changed it."""
    with tenant_scope(tenant):
        return Task.objects.get(pk=task.pk)


@pytest.mark.django_db
def test_a_task_closed_meanwhile_is_not_closed_again_nor_changed(tenant, owner, member):
    csm, boss = _membership(tenant, member), _membership(tenant, owner)
    task, _ = _open(tenant, account(tenant, "a1"))
    stale = _twice(tenant, task)
    task_complete(tenant=tenant, task=task, by=csm)
    with pytest.raises(ValidationError) as error:
        task_complete(tenant=tenant, task=stale, by=boss)
    assert "status" in error.value.message_dict
    assert stale.status == TaskStatus.DONE and stale.closed_by == csm  # refreshed
    for act in (
        lambda t: task_snooze(tenant=tenant, task=t, until=date(2026, 7, 10), today=DUE),
        lambda t: task_reassign(tenant=tenant, task=t, to=boss),
    ):
        with pytest.raises(ValidationError):
            act(_stale_open_copy(tenant, task))
    cancelled = task_cancel(tenant=tenant, task=_stale_open_copy(tenant, task), by=boss)
    assert cancelled.status == TaskStatus.DONE  # quietly left as it was
    with tenant_scope(tenant):
        saved = Task.objects.get(pk=task.pk)
    assert saved.status == TaskStatus.DONE and saved.closed_by == csm
    assert saved.assignee is None and saved.snoozed_until is None


def _stale_open_copy(tenant, task) -> Task:
    """The task as loaded while it was still open (a request that started earlier)."""
    stale = _twice(tenant, task)
    stale.status, stale.closed_at, stale.closed_by = TaskStatus.OPEN, None, None
    return stale


@pytest.mark.django_db
def test_update_changes_all_or_nothing(tenant, owner, member):
    csm, boss = _membership(tenant, member), _membership(tenant, owner)
    task, _ = task_open(
        tenant=tenant, account=account(tenant, "a1"), title="Call", due_on=DUE, assignee=csm
    )
    with pytest.raises(ValidationError) as error:
        task_update(tenant=tenant, task=task, by=csm, today=DUE, assignee=boss, snoozed_until=DUE)
    assert "snoozed_until" in error.value.message_dict
    assert task.assignee == csm  # the reassignment was rolled back, and the instance says so
    with tenant_scope(tenant):
        assert Task.objects.get(pk=task.pk).assignee == csm
    with pytest.raises(ValidationError) as error:
        task_update(tenant=tenant, task=task, by=csm, today=DUE, status=TaskStatus.OPEN)
    assert "status" in error.value.message_dict
    task_update(tenant=tenant, task=task, by=csm, today=DUE, assignee=boss, status=TaskStatus.DONE)
    with tenant_scope(tenant):
        saved = Task.objects.get(pk=task.pk)
    assert saved.assignee == boss and saved.status == TaskStatus.DONE and saved.closed_by == csm
    with pytest.raises(ValidationError) as error:
        task_update(tenant=tenant, task=task, by=csm, today=DUE, status=TaskStatus.CANCELLED)
    assert error.value.message_dict == {"status": ["Only an open task can be cancelled."]}
    task_update(tenant=tenant, task=task, by=csm, today=DUE, snoozed_until=None)  # no-op
    assert _twice(tenant, task).status == TaskStatus.DONE
