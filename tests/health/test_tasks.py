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
