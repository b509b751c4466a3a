"""The tasks API: list with filters, get, open by hand, complete / cancel / snooze / reassign
by PATCH, no delete; 400 naming the field; outsiders see and change nothing."""

from datetime import timedelta

import pytest

from health.models import Task, TaskKind, TaskStatus
from tenants.tenancy.context import tenant_scope
from tests.conftest import session_api
from tests.health.helpers import account
from tests.health.test_inbox import add_task, membership

pytestmark = pytest.mark.django_db


def reload(tenant, task) -> Task:
    with tenant_scope(tenant):
        return Task.objects.get(pk=task.pk)


@pytest.mark.outsider("task-list", "task-detail")
def test_list_filters_and_outsiders(tenant, owner, member, api, outsider_api):
    csm = membership(tenant, member)
    boss = membership(tenant, owner)
    today = tenant.today()
    a1, a2 = account(tenant, "a1"), account(tenant, "a2")
    first = add_task(tenant, a1, today, csm, title="first", reason="Score fell")
    add_task(tenant, a2, today + timedelta(days=5), boss, title="second")
    add_task(tenant, a2, today, None, title="nobody")
    done = add_task(tenant, a1, today - timedelta(days=1), csm, title="done")
    api.patch(f"/api/v1/tasks/{done.pk}/", {"status": "done"}, format="json")

    def titles(query=""):
        response = api.get(f"/api/v1/tasks/{query}")
        assert response.status_code == 200, response.json()
        return sorted(row["title"] for row in response.json()["results"])

    assert titles() == ["done", "first", "nobody", "second"]
    assert titles(f"?assignee={csm.pk}") == ["done", "first"]
    assert titles("?assignee=none") == ["nobody"]
    assert titles(f"?account={a2.pk}") == ["nobody", "second"]
    assert titles("?account_external_id=a1") == ["done", "first"]
    assert titles("?status=open") == ["first", "nobody", "second"]
    assert titles(f"?due_before={(today + timedelta(days=1)).isoformat()}") == [
        "done", "first", "nobody"
    ]  # fmt: skip
    body = api.get(f"/api/v1/tasks/{first.pk}/").json()
    assert body["account_external_id"] == "a1" and body["assignee"] == csm.pk
    assert body["assignee_email"] == "csm@acme.test" and body["reason"] == "Score fell"
    assert body["status"] == "open" and body["due_on"] == today.isoformat()
    for bad in ("?assignee=x", "?status=later", "?due_before=soon", "?account=x"):
        response = api.get(f"/api/v1/tasks/{bad}")
        field = bad[1:].split("=")[0]
        assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert outsider_api.get("/api/v1/tasks/").json()["results"] == []
    assert outsider_api.get(f"/api/v1/tasks/{first.pk}/").status_code == 404
    patched = outsider_api.patch(f"/api/v1/tasks/{first.pk}/", {"status": "done"}, format="json")
    assert patched.status_code == 404 and reload(tenant, first).status == TaskStatus.OPEN


def test_create_a_task_by_hand(tenant, owner, member, api, outsider_api, other_tenant, outsider):
    csm = membership(tenant, member)
    account(tenant, "a1", owner=csm)
    due = (tenant.today() + timedelta(days=2)).isoformat()
    created = api.post(
        "/api/v1/tasks/",
        {"account_external_id": "a1", "title": "Prepare renewal", "due_on": due},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["assignee"] == csm.pk and body["kind"] == "manual"
    assert body["priority"] == "medium" and body["status"] == "open"
    with tenant_scope(tenant):
        assert Task.objects.get(pk=body["id"]).kind == TaskKind.MANUAL
    boss = membership(tenant, owner)
    chosen = api.post(
        "/api/v1/tasks/",
        {"account_external_id": "a1", "title": "x", "due_on": due, "assignee": boss.pk,
         "priority": "high"},
        format="json",
    ).json()  # fmt: skip
    assert chosen["assignee"] == boss.pk and chosen["priority"] == "high"
    # The outsider's key cannot open a task on this tenant's account.
    refused = outsider_api.post(
        "/api/v1/tasks/", {"account_external_id": "a1", "title": "x", "due_on": due}, format="json"
    )
    assert refused.status_code == 400
    assert "account_external_id" in refused.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"account_external_id": "nope"}, "account_external_id"),
        ({"title": ""}, "title"),
        ({"due_on": "yesterday"}, "due_on"),
        ({"due_on": "2000-01-01"}, "due_on"),
        ({"priority": "urgent"}, "priority"),
        ({"assignee": 999999999}, "assignee"),
        ({"assignee": "x"}, "assignee"),
        ({"status": "done"}, "status"),
        ({"tenant": 1}, "tenant"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(tenant, api, changes, field):
    account(tenant, "a1")
    body = {"account_external_id": "a1", "title": "Call", "due_on": tenant.today().isoformat()}
    response = api.post("/api/v1/tasks/", {**body, **changes}, format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]


def test_assignee_of_another_tenant_is_refused(tenant, api, other_tenant, outsider):
    task = add_task(tenant, account(tenant, "a1"), tenant.today())
    stranger = membership(other_tenant, outsider)
    response = api.patch(f"/api/v1/tasks/{task.pk}/", {"assignee": stranger.pk}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()["error"]["fields"]
    created = api.post(
        "/api/v1/tasks/",
        {"account_external_id": "a1", "title": "x", "due_on": tenant.today().isoformat(),
         "assignee": stranger.pk},
        format="json",
    )  # fmt: skip
    assert created.status_code == 400 and "assignee" in created.json()["error"]["fields"]


def test_patch_snoozes_reassigns_completes(tenant, owner, member, api):
    task = add_task(tenant, account(tenant, "a1"), tenant.today(), membership(tenant, member))
    url = f"/api/v1/tasks/{task.pk}/"
    today = tenant.today()
    past = api.patch(url, {"snoozed_until": today.isoformat()}, format="json")
    assert past.status_code == 400
    assert past.json()["error"]["fields"] == {"snoozed_until": ["Snooze until a day after today."]}
    later = (today + timedelta(days=3)).isoformat()
    assert api.patch(url, {"snoozed_until": later}, format="json").json()["snoozed_until"] == later
    assert api.patch(url, {"snoozed_until": None}, format="json").json()["snoozed_until"] is None
    boss = membership(tenant, owner)
    moved = api.patch(url, {"assignee": boss.pk}, format="json").json()
    assert moved["assignee"] == boss.pk and moved["assignee_email"] == "owner@acme.test"
    done = api.patch(url, {"status": "done"}, format="json").json()
    assert done["status"] == "done" and done["closed_at"]
    again = api.patch(url, {"status": "cancelled"}, format="json")
    assert again.status_code == 400 and "status" in again.json()["error"]["fields"]
    reopen = api.patch(url, {"status": "open"}, format="json")
    assert reopen.status_code == 400 and "status" in reopen.json()["error"]["fields"]
    unknown = api.patch(url, {"title": "renamed"}, format="json")
    assert unknown.status_code == 400 and "title" in unknown.json()["error"]["fields"]


def test_cancel_and_no_delete_nor_put(tenant, api):
    task = add_task(tenant, account(tenant, "a1"), tenant.today())
    url = f"/api/v1/tasks/{task.pk}/"
    assert api.delete(url).status_code == 405
    assert api.put(url, {"status": "done"}, format="json").status_code == 405
    assert api.patch(url, {"status": "cancelled"}, format="json").json()["status"] == "cancelled"


def test_session_roles(tenant, owner, member, viewer):
    theirs = add_task(tenant, account(tenant, "a1"), tenant.today(), membership(tenant, owner))
    mine = add_task(tenant, account(tenant, "a2"), tenant.today(), membership(tenant, member))
    csm_api, viewer_api = session_api(member), session_api(viewer)
    assert len(viewer_api.get("/api/v1/tasks/").json()["results"]) == 2
    refused = viewer_api.patch(f"/api/v1/tasks/{mine.pk}/", {"status": "done"}, format="json")
    assert refused.status_code == 403
    other = csm_api.patch(f"/api/v1/tasks/{theirs.pk}/", {"status": "done"}, format="json")
    assert other.status_code == 403 and reload(tenant, theirs).status == TaskStatus.OPEN
    own = csm_api.patch(f"/api/v1/tasks/{mine.pk}/", {"status": "done"}, format="json")
    assert own.status_code == 200 and reload(tenant, mine).closed_by == membership(tenant, member)


def test_list_queries_do_not_grow(tenant, member, api, django_assert_num_queries):
    csm = membership(tenant, member)

    def add(count, start):
        for n in range(start, start + count):
            add_task(tenant, account(tenant, f"a{n}"), tenant.today(), csm)

    add(3, 0)
    api.get("/api/v1/tasks/")
    with django_assert_num_queries(2) as captured:  # the key, the tasks
        api.get("/api/v1/tasks/")
    add(27, 3)
    with django_assert_num_queries(len(captured.captured_queries)):
        assert len(api.get("/api/v1/tasks/?page_size=100").json()["results"]) == 30


def test_a_viewer_cannot_be_given_a_task(tenant, viewer, api):
    task = add_task(tenant, account(tenant, "a1"), tenant.today())
    reader = membership(tenant, viewer)
    response = api.patch(f"/api/v1/tasks/{task.pk}/", {"assignee": reader.pk}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()["error"]["fields"]
    created = api.post(
        "/api/v1/tasks/",
        {"account_external_id": "a1", "title": "x", "due_on": tenant.today().isoformat(),
         "assignee": reader.pk},
        format="json",
    )  # fmt: skip
    assert created.status_code == 400 and "assignee" in created.json()["error"]["fields"]
    assert reload(tenant, task).assignee is None


def test_patch_is_all_or_nothing(tenant, owner, member, api):
    csm = membership(tenant, member)
    task = add_task(tenant, account(tenant, "a1"), tenant.today(), csm)
    boss = membership(tenant, owner)
    response = api.patch(
        f"/api/v1/tasks/{task.pk}/",
        {"assignee": boss.pk, "snoozed_until": tenant.today().isoformat()},
        format="json",
    )
    assert response.status_code == 400 and "snoozed_until" in response.json()["error"]["fields"]
    assert reload(tenant, task).assignee == csm


def test_a_rules_task_is_worded_in_the_language_asked_for(tenant, api):
    """The nightly run stores its words in English; a client asking for Romanian reads the
    same task, from its figures, in Romanian; a task written by hand reads as written."""
    acct = account(tenant, "a1")
    figures = {"days_since_activity": 16, "last_active_on": "2026-11-01", "threshold_days": 14}
    rule_task = add_task(tenant, acct, tenant.today(), None, title="No activity for 16 days",
                         reason="The last usage event was on 2026-11-01.",
                         kind=TaskKind.NO_ACTIVITY, figures=figures)  # fmt: skip
    add_task(tenant, acct, tenant.today(), None, title="Sună-l pe Ana")

    def words(language):
        response = api.get("/api/v1/tasks/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, response.json()
        return {row["id"]: (row["title"], row["reason"]) for row in response.json()["results"]}

    english, romanian = words("en"), words("ro")
    assert english[rule_task.pk] == (
        "No activity for 16 days",
        "The last usage event was on Nov. 1, 2026 (the rule fires after 14 days).",
    )
    title, reason = romanian[rule_task.pk]
    assert title != english[rule_task.pk][0] and "16" in title
    assert reason != english[rule_task.pk][1] and "2026" in reason
    assert sorted(t for t, _ in romanian.values() if t not in (title,)) == ["Sună-l pe Ana"]
