"""The tasks inbox: groups by the tenant's local day, snoozed tasks apart, whose inbox each role
may open, the navigation's count, and a constant number of queries."""

from datetime import UTC, date, datetime, timedelta

import pytest

from accounts.services.accounts import account_upsert
from health.inbox import inbox_group
from health.models import Task, TaskPriority
from health.services.tasks import task_open, task_snooze
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import account

pytestmark = pytest.mark.django_db

TODAY = date(2026, 7, 1)


def membership(tenant, user):
    with tenant_scope(tenant):
        return user.memberships.get()


def add_task(tenant, acct, due_on, assignee=None, **fields) -> Task:
    fields.setdefault("title", f"Call {acct.name}")
    task, _ = task_open(tenant=tenant, account=acct, due_on=due_on, assignee=assignee, **fields)
    return task


def named(tenant, xid, name):
    return account_upsert(tenant=tenant, external_id=xid, name=name)[0]


def far_zone() -> str:
    """A time zone whose date differs from UTC's right now: +14 h late in the UTC day,
    -11 h early in it."""
    return "Pacific/Kiritimati" if datetime.now(UTC).hour >= 10 else "Pacific/Pago_Pago"


def test_groups_by_day_with_snoozed_tasks_apart(tenant, member):
    csm = membership(tenant, member)
    acct = account(tenant, "a1")
    due = {
        "overdue": TODAY - timedelta(days=3),
        "today": TODAY,
        "tomorrow": TODAY + timedelta(days=1),
        "day14": TODAY + timedelta(days=14),
        "day15": TODAY + timedelta(days=15),
    }
    tasks = {name: add_task(tenant, acct, day, csm, title=name) for name, day in due.items()}
    woken = add_task(tenant, acct, TODAY - timedelta(days=5), csm, title="woken")
    sleeping = add_task(tenant, acct, TODAY - timedelta(days=5), csm, title="sleeping")
    with tenant_scope(tenant):
        Task.objects.filter(pk=woken.pk).update(snoozed_until=TODAY)  # its snooze day: back
        Task.objects.filter(pk=sleeping.pk).update(snoozed_until=TODAY + timedelta(days=1))
        rows = list(Task.objects.select_related("account"))
    inbox = inbox_group(rows, today=TODAY)
    titles = {key: [t.title for t in group] for key, group in inbox.groups}
    assert titles == {
        "overdue": ["woken", "overdue"],
        "today": ["today"],
        "upcoming": ["tomorrow", "day14"],
        "later": ["day15"],
    }
    assert [t.title for t in inbox.snoozed] == ["sleeping"]
    assert inbox.due_count == 3 and not inbox.is_empty
    assert tasks["today"].pk == inbox.due_today[0].pk


def test_high_priority_first_within_a_day(tenant, member):
    csm = membership(tenant, member)
    acct = account(tenant, "a1")
    add_task(tenant, acct, TODAY, csm, title="low", priority=TaskPriority.LOW)
    add_task(tenant, acct, TODAY, csm, title="high", priority=TaskPriority.HIGH)
    with tenant_scope(tenant):
        rows = list(Task.objects.select_related("account"))
    assert [t.title for t in inbox_group(rows, today=TODAY).due_today] == ["high", "low"]


def test_today_is_the_tenants_local_day(tenant, member, member_client):
    tenant.time_zone = far_zone()
    tenant.save(update_fields=["time_zone"])
    local_today = tenant.today()
    utc_today = datetime.now(UTC).date()
    assert local_today != utc_today  # the zone was chosen so
    csm = membership(tenant, member)
    acct = named(tenant, "a1", "Initech")
    add_task(tenant, acct, utc_today, csm, title="Due on the UTC day")
    add_task(tenant, acct, local_today, csm, title="Due on the local day")
    html = member_client.get("/tasks/").content.decode()
    today_section = html[html.index('id="today"') : html.index('id="upcoming"')]
    assert "Due on the local day" in today_section
    assert "Due on the UTC day" not in today_section
    later_group = "overdue" if local_today > utc_today else "upcoming"
    start = html.index(f'id="{later_group}"')
    assert "Due on the UTC day" in html[start : start + html[start:].index("</section>")]
    assert tenant.time_zone in html


@pytest.mark.outsider("tasks")
def test_page_shows_rows_and_outsider_sees_none(
    tenant, member, member_client, outsider_client, owner
):
    csm = membership(tenant, member)
    acct = named(tenant, "a1", "Initech")
    add_task(
        tenant, acct, tenant.today(), csm, title="Call the champion", reason="Score fell 20 points"
    )
    html = member_client.get("/tasks/").content.decode()
    assert "Call the champion" in html and "Score fell 20 points" in html
    assert f'href="/accounts/{acct.pk}/"' in html and "Initech" in html
    assert "hx-post" in html and "Reassign" in html and "1 week" in html
    # The outsider sees their own (empty) inbox, and cannot open this tenant's members' ones.
    response = outsider_client.get("/tasks/")
    assert response.status_code == 200 and "Call the champion" not in response.content.decode()
    assert outsider_client.get(f"/tasks/?member={csm.pk}").status_code == 404


def test_empty_state_points_to_the_accounts(tenant, member, member_client):
    account(tenant, "a1")
    html = member_client.get("/tasks/").content.decode()
    assert "No tasks due" in html and "Alert rules open tasks" in html
    assert 'href="/accounts/"' in html


def test_snoozed_group_is_collapsed_at_the_bottom(tenant, member, member_client):
    csm = membership(tenant, member)
    acct = account(tenant, "a1")
    today = tenant.today()
    task = add_task(tenant, acct, today, csm, title="Later please")
    add_task(tenant, acct, today, csm, title="Now")
    task_snooze(tenant=tenant, task=task, until=today + timedelta(days=3), today=today)
    html = member_client.get("/tasks/").content.decode()
    snoozed = html.index('<details class="card task-group snoozed" id="snoozed">')
    assert html.index("Now") < snoozed < html.index("Later please")
    assert 'id="snoozed" open' not in html


def test_owner_switches_to_any_members_inbox_and_to_unassigned(tenant, owner, member, owner_client):
    csm = membership(tenant, member)
    acct = account(tenant, "a1")
    add_task(tenant, acct, tenant.today(), csm, title="CSM task")
    add_task(tenant, account(tenant, "a2"), tenant.today(), None, title="Nobody task")
    own = owner_client.get("/tasks/").content.decode()
    assert "CSM task" not in own and 'name="member"' in own
    theirs = owner_client.get(f"/tasks/?member={csm.pk}").content.decode()
    assert "CSM task" in theirs and "Nobody task" not in theirs
    assert "csm@acme.test" in theirs
    unassigned = owner_client.get("/tasks/?member=none").content.decode()
    assert "Nobody task" in unassigned and "CSM task" not in unassigned
    assert owner_client.get("/tasks/?member=999999999").status_code == 404
    assert owner_client.get("/tasks/?member=abc").status_code == 404


def test_csm_sees_only_their_own_inbox(tenant, owner, member, member_client):
    boss = membership(tenant, owner)
    csm = membership(tenant, member)
    add_task(tenant, account(tenant, "a1"), tenant.today(), boss, title="Owner task")
    assert member_client.get(f"/tasks/?member={boss.pk}").status_code == 403
    assert member_client.get("/tasks/?member=none").status_code == 403
    own = member_client.get(f"/tasks/?member={csm.pk}")
    assert own.status_code == 200 and "Owner task" not in own.content.decode()
    assert 'name="member"' not in own.content.decode()  # no switcher


def test_viewer_reads_without_buttons(tenant, viewer, viewer_client):
    reader = membership(tenant, viewer)
    task = add_task(tenant, account(tenant, "a1"), tenant.today(), title="Read me")
    with tenant_scope(tenant):  # given to them before they became a viewer
        Task.objects.filter(pk=task.pk).update(assignee=reader)
    html = viewer_client.get("/tasks/").content.decode()
    assert (
        "Read me" in html and "hx-post" not in html and "<button" not in html.split("</header>")[1]
    )


@pytest.mark.outsider("tasks-badge")
def test_navigation_count_of_tasks_due(tenant, member, member_client, outsider_client):
    csm = membership(tenant, member)
    acct = account(tenant, "a1")
    today = tenant.today()
    add_task(tenant, acct, today - timedelta(days=2), csm)
    add_task(tenant, acct, today, csm)
    add_task(tenant, acct, today + timedelta(days=1), csm)  # not due yet
    snoozed = add_task(tenant, acct, today, csm)
    task_snooze(tenant=tenant, task=snoozed, until=today + timedelta(days=1), today=today)
    page = member_client.get("/").content.decode()
    assert 'hx-get="/tasks/due-count/"' in page
    badge = member_client.get("/tasks/due-count/", HTTP_HX_REQUEST="true").content.decode()
    assert '<span class="nav-count"' in badge and ">2<" in badge
    assert "hx-" not in badge  # only the count: the navigation's slot stays and holds it
    assert 'nav-count"' not in outsider_client.get("/tasks/due-count/").content.decode()


def test_inbox_queries_do_not_grow_with_tasks(
    tenant, member, member_client, django_assert_num_queries
):
    csm = membership(tenant, member)
    today = tenant.today()

    def add(count, start):
        for n in range(start, start + count):
            task = add_task(
                tenant, account(tenant, f"a{n}"), today + timedelta(days=n % 20 - 5), csm
            )
            if n % 7 == 0:
                task_snooze(tenant=tenant, task=task, until=today + timedelta(days=2), today=today)

    add(3, 0)
    member_client.get("/tasks/")
    with django_assert_num_queries(QUERIES) as captured:
        assert member_client.get("/tasks/").status_code == 200
    add(27, 3)
    with django_assert_num_queries(len(captured.captured_queries)):
        html = member_client.get("/tasks/").content.decode()
    assert html.count('class="task task-open') == 30


QUERIES = 5  # session, user, memberships, members (switcher, reassign menus), tasks
