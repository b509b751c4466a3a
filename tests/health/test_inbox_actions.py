"""Acting on a task in place: complete, snooze, unsnooze and reassign, by htmx (the row comes
back) and by a plain form post (a redirect); who may act; outsiders get 404."""

from datetime import timedelta

import pytest
from django.test import Client

from health.models import Task, TaskStatus
from tenants.tenancy.context import tenant_scope
from tests.conftest import MODEL_BACKEND
from tests.health.helpers import account
from tests.health.test_inbox import add_task, membership

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def client_of(user):
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def task(tenant, member):
    return add_task(tenant, account(tenant, "a1"), tenant.today(), membership(tenant, member))


def reload(tenant, task) -> Task:
    with tenant_scope(tenant):
        return Task.objects.get(pk=task.pk)


@pytest.mark.outsider("task-complete")
def test_complete_by_htmx_swaps_the_row(tenant, member, member_client, outsider_client, task):
    url = f"/tasks/{task.pk}/complete/"
    assert outsider_client.post(url, HTMX).status_code == 404
    assert reload(tenant, task).status == TaskStatus.OPEN
    response = member_client.post(url, {"where": "inbox", "next": "/tasks/"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.startswith("<li") and f'id="task-{task.pk}"' in html and "Done." in html
    assert response["HX-Trigger"] == "tasks-changed"
    done = reload(tenant, task)
    assert done.status == TaskStatus.DONE and done.closed_by == membership(tenant, member)
    again = member_client.post(url, {"where": "inbox"}, **HTMX)
    assert "Only an open task can be completed." in again.content.decode()


def test_complete_without_js_redirects_back(tenant, member_client, task):
    response = member_client.post(f"/tasks/{task.pk}/complete/", {"next": "/tasks/?x=1"})
    assert response.status_code == 302 and response["Location"] == "/tasks/?x=1"
    assert reload(tenant, task).status == TaskStatus.DONE
    evil = member_client.post(f"/tasks/{task.pk}/complete/", {"next": "https://evil.test/"})
    assert evil["Location"] == "/tasks/"  # an address elsewhere is not followed


@pytest.mark.outsider("task-snooze", "task-unsnooze")
def test_snooze_by_days_by_date_and_back(tenant, member_client, outsider_client, task):
    today = tenant.today()
    url = f"/tasks/{task.pk}/snooze/"
    assert outsider_client.post(url, {"days": "1"}).status_code == 404
    html = member_client.post(url, {"days": "3", "where": "inbox"}, **HTMX).content.decode()
    assert reload(tenant, task).snoozed_until == today + timedelta(days=3)
    assert "Snoozed until" in html and "Unsnooze" in html
    assert outsider_client.post(f"/tasks/{task.pk}/unsnooze/").status_code == 404
    member_client.post(f"/tasks/{task.pk}/unsnooze/", **HTMX)
    assert reload(tenant, task).snoozed_until is None
    day = today + timedelta(days=10)
    response = member_client.post(url, {"until": day.isoformat(), "next": "/tasks/"})
    assert response.status_code == 302 and reload(tenant, task).snoozed_until == day
    member_client.post(f"/tasks/{task.pk}/snooze/", {"days": "7"})
    assert reload(tenant, task).snoozed_until == today + timedelta(days=7)


def test_snooze_refuses_bad_input_in_place(tenant, member_client, task):
    url = f"/tasks/{task.pk}/snooze/"
    past = member_client.post(url, {"until": tenant.today().isoformat()}, **HTMX)
    assert past.status_code == 200 and "Snooze until a day after today." in past.content.decode()
    assert "HX-Trigger" not in past  # nothing changed: the account page's panels stay as they are
    nothing = member_client.post(url, {}, **HTMX).content.decode()
    assert "Choose how long to snooze the task." in nothing
    odd = member_client.post(url, {"days": "5", "next": "/tasks/"})
    assert odd.status_code == 302  # a plain post: the message shows on the page it returns to
    assert reload(tenant, task).snoozed_until is None
    page = member_client.get("/tasks/").content.decode()
    assert "message error" in page


@pytest.mark.outsider("task-reassign")
def test_reassign_to_a_member_not_to_an_outsider(
    tenant, owner, member, outsider, member_client, outsider_client, other_tenant, task
):
    boss = membership(tenant, owner)
    stranger = membership(other_tenant, outsider)
    url = f"/tasks/{task.pk}/reassign/"
    assert outsider_client.post(url, {"assignee": stranger.pk}).status_code == 404
    refused = member_client.post(url, {"assignee": stranger.pk}, **HTMX).content.decode()
    assert "Choose a member of your team." in refused
    assert reload(tenant, task).assignee == membership(tenant, member)
    html = member_client.post(url, {"assignee": boss.pk}, **HTMX).content.decode()
    assert "Reassigned to owner@acme.test." in html
    assert reload(tenant, task).assignee == boss
    back = member_client.post(url, {"assignee": membership(tenant, member).pk, "next": "/tasks/"})
    assert back.status_code == 403  # no longer the CSM's task
    owner_client = client_of(owner)
    plain = owner_client.post(url, {"assignee": membership(tenant, member).pk, "next": "/tasks/"})
    assert plain.status_code == 302 and plain["Location"] == "/tasks/"
    assert reload(tenant, task).assignee == membership(tenant, member)
    owner_client.post(url, {"assignee": boss.pk})
    # Now the owner's task: the CSM can no longer act on it.
    assert member_client.post(f"/tasks/{task.pk}/complete/").status_code == 403


def test_csm_cannot_act_on_someone_elses_task_but_on_unassigned_ones(tenant, owner, member_client):
    theirs = add_task(tenant, account(tenant, "a1"), tenant.today(), membership(tenant, owner))
    nobodys = add_task(tenant, account(tenant, "a2"), tenant.today(), None)
    for action, data in (("complete", {}), ("snooze", {"days": "1"}), ("reassign", {})):
        assert member_client.post(f"/tasks/{theirs.pk}/{action}/", data).status_code == 403
    assert reload(tenant, theirs).status == TaskStatus.OPEN
    member_client.post(f"/tasks/{nobodys.pk}/complete/", **HTMX)
    assert reload(tenant, nobodys).status == TaskStatus.DONE


def test_owner_acts_on_any_task(tenant, owner_client, task):
    owner_client.post(f"/tasks/{task.pk}/complete/", **HTMX)
    assert reload(tenant, task).status == TaskStatus.DONE


def test_viewer_cannot_act(tenant, viewer_client, task):
    for action, data in (("complete", {}), ("snooze", {"days": "1"}), ("unsnooze", {})):
        assert viewer_client.post(f"/tasks/{task.pk}/{action}/", data, **HTMX).status_code == 403
    assert reload(tenant, task).status == TaskStatus.OPEN and task.snoozed_until is None


def test_actions_answer_get_with_405(member_client, task):
    assert member_client.get(f"/tasks/{task.pk}/complete/").status_code == 405


def test_a_viewer_is_neither_offered_nor_taken_as_assignee(tenant, viewer, member_client, task):
    reader = membership(tenant, viewer)
    page = member_client.get("/tasks/").content.decode()
    assert f'<option value="{reader.pk}"' not in page.split('name="assignee"', 1)[1]
    refused = member_client.post(f"/tasks/{task.pk}/reassign/", {"assignee": reader.pk}, **HTMX)
    assert "Choose a member of your team." in refused.content.decode()
    assert reload(tenant, task).assignee != reader
