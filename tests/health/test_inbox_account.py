"""An account's tasks: the panel the account page loads (open first, then recently closed),
a task opened by hand, constant queries; another tenant's account answers 404."""

from datetime import timedelta

import pytest

from health.models import Task, TaskKind, TaskStatus
from health.services.tasks import task_complete
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account
from tests.health.test_inbox import add_task, membership

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.outsider("account-tasks")
def test_account_page_loads_the_panel_open_tasks_first(
    tenant, member, owner_client, outsider_client
):
    acct = account(tenant, "a1")
    csm = membership(tenant, member)
    closed = add_task(tenant, acct, tenant.today(), csm, title="Closed one")
    task_complete(tenant=tenant, task=closed)
    add_task(tenant, acct, tenant.today() + timedelta(days=2), csm, title="Open one")
    add_task(tenant, account(tenant, "a2"), tenant.today(), csm, title="Other account")
    page = owner_client.get(f"/accounts/{acct.pk}/").content.decode()
    assert f'hx-get="/accounts/{acct.pk}/tasks/"' in page
    assert f'href="/accounts/{acct.pk}/tasks/"' in page  # the fallback without JavaScript
    panel = owner_client.get(f"/accounts/{acct.pk}/tasks/", **HTMX)
    html = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in html
    assert html.index("Open one") < html.index("Recently closed") < html.index("Closed one")
    assert "Other account" not in html and "csm@acme.test" in html
    assert "New task" in html
    standalone = owner_client.get(f"/accounts/{acct.pk}/tasks/").content.decode()
    assert "<html" in standalone and "Open one" in standalone
    assert outsider_client.get(f"/accounts/{acct.pk}/tasks/", **HTMX).status_code == 404
    assert outsider_client.post(f"/accounts/{acct.pk}/tasks/", {"title": "x"}).status_code == 404


def test_new_task_by_hand(tenant, owner, member, member_client):
    csm = membership(tenant, member)
    acct = account(tenant, "a1", owner=csm)
    due = tenant.today() + timedelta(days=3)
    url = f"/accounts/{acct.pk}/tasks/"
    response = member_client.post(
        url, {"title": "Book the QBR", "due_on": due.isoformat(), "priority": "high"}, **HTMX
    )
    assert response.status_code == 200 and "Book the QBR" in response.content.decode()
    assert response["HX-Trigger"] == "tasks-changed"
    with tenant_scope(tenant):
        task = Task.objects.get(title="Book the QBR")
    assert task.assignee == csm and task.kind == TaskKind.MANUAL and task.created_by == csm
    assert task.priority == "high" and task.due_on == due
    boss = membership(tenant, owner)
    plain = member_client.post(
        url,
        {"title": "Send notes", "due_on": due.isoformat(), "priority": "low", "assignee": boss.pk},
    )
    assert plain.status_code == 302 and plain["Location"] == f"/accounts/{acct.pk}/"
    with tenant_scope(tenant):
        assert Task.objects.get(title="Send notes").assignee == boss


def test_new_task_refuses_bad_input(tenant, outsider, other_tenant, member_client):
    acct = account(tenant, "a1")
    url = f"/accounts/{acct.pk}/tasks/"
    yesterday = (tenant.today() - timedelta(days=1)).isoformat()
    stranger = membership(other_tenant, outsider)
    response = member_client.post(
        url, {"title": " ", "due_on": yesterday, "priority": "urgent", "assignee": stranger.pk}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html  # the title
    assert "A new task is due today or later." in html
    assert "Choose a member of your team." in html
    in_place = member_client.post(url, {"title": "x"}, **HTMX)
    assert in_place.status_code == 400 and "This field is required." in in_place.content.decode()
    assert "<html" not in in_place.content.decode()  # the panel, swapped in by htmx
    with tenant_scope(tenant):
        assert not Task.objects.exists()


def test_viewer_sees_tasks_but_no_buttons_nor_form(tenant, member, viewer_client):
    acct = account(tenant, "a1")
    add_task(tenant, acct, tenant.today(), membership(tenant, member), title="Look only")
    html = viewer_client.get(f"/accounts/{acct.pk}/tasks/", **HTMX).content.decode()
    assert "Look only" in html and "<form" not in html
    response = viewer_client.post(f"/accounts/{acct.pk}/tasks/", {"title": "x"})
    assert response.status_code == 403


def test_csm_sees_buttons_only_on_tasks_they_may_act_on(tenant, owner, member, member_client):
    acct = account(tenant, "a1")
    add_task(tenant, acct, tenant.today(), membership(tenant, owner), title="Owner task")
    mine = add_task(tenant, acct, tenant.today(), membership(tenant, member), title="Mine")
    html = member_client.get(f"/accounts/{acct.pk}/tasks/", **HTMX).content.decode()
    assert html.count('action="/tasks/') == html.count(f'action="/tasks/{mine.pk}/')
    assert f'action="/tasks/{mine.pk}/complete/"' in html


def test_panel_queries_do_not_grow_with_tasks(
    tenant, member, member_client, django_assert_num_queries
):
    csm = membership(tenant, member)
    acct = account(tenant, "a1")
    url = f"/accounts/{acct.pk}/tasks/"

    def add(count):
        for n in range(count):
            task = add_task(tenant, acct, tenant.today() + timedelta(days=n % 9), csm)
            if n % 2:
                task_complete(tenant=tenant, task=task)

    add(3)
    member_client.get(url, **HTMX)
    with django_assert_num_queries(6) as captured:
        member_client.get(url, **HTMX)
    add(27)
    with django_assert_num_queries(len(captured.captured_queries)):
        html = member_client.get(url, **HTMX).content.decode()
    with tenant_scope(tenant):
        closed = Task.objects.exclude(status=TaskStatus.OPEN).count()
    assert closed > 10 and html.count("task task-done") == 10  # the latest ten closed


def test_a_viewer_is_not_offered_for_a_new_task(tenant, viewer, member_client):
    acct = account(tenant, "a1")
    reader = membership(tenant, viewer)
    url = f"/accounts/{acct.pk}/tasks/"
    form = member_client.get(url, **HTMX).content.decode()
    assert "viewer@acme.test" not in form
    due = tenant.today().isoformat()
    refused = member_client.post(url, {"title": "x", "due_on": due, "assignee": reader.pk})
    assert (
        refused.status_code == 400 and "Choose a member of your team." in refused.content.decode()
    )
    with tenant_scope(tenant):
        assert not Task.objects.exists()
