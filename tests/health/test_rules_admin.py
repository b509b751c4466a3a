"""The admin site's alert rules (changed through the service: a bad setting is a form error)
and read-only tasks, for the tenant's own rows only."""

from datetime import timedelta

import pytest

from health.models import AlertRule, TaskKind
from health.services.rules import alert_rules_run
from tenants.tenancy.context import tenant_scope
from tests.conftest import MODEL_BACKEND
from tests.health.helpers import DAY, account, active_days
from tests.health.rules_helpers import only, rule

pytestmark = pytest.mark.django_db


def _form(target, **changes):
    data = {"name": target.name, "enabled": "on", "priority": target.priority,
            "due_days": target.due_days}  # fmt: skip
    data |= {name: getattr(target, name) for name in target.parameters}
    return data | changes


def test_admin_tunes_a_rule_through_the_service(tenant, owner, client):
    target = rule(tenant, TaskKind.SCORE_FELL)
    client.force_login(owner, backend=MODEL_BACKEND)
    listing = client.get("/admin/health/alertrule/").content.decode()
    assert "Health score fell" in listing and "No activity" in listing
    url = f"/admin/health/alertrule/{target.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="points"' in page and 'name="percent"' not in page  # the kind's own settings
    bad = client.post(url, _form(target, window_days=-3))
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    zero = client.post(url, _form(target, points=0))
    assert "Must be at least 1." in zero.content.decode()
    response = client.post(url, _form(target, points=25, enabled=""))
    assert response.status_code == 302
    with tenant_scope(tenant):
        saved = AlertRule.objects.get(pk=target.pk)
    assert (saved.points, saved.enabled, saved.window_days) == (25, False, 7)
    assert client.get("/admin/health/alertrule/add/").status_code == 403


def test_admin_lists_tasks_read_only_and_only_the_tenants_own(
    tenant, other_tenant, owner, outsider, client
):
    only(tenant, TaskKind.NO_ACTIVITY)
    acc = account(tenant, "a")
    active_days(tenant, acc, [DAY - timedelta(days=20)])
    (task,) = alert_rules_run(tenant=tenant, day=DAY).opened
    client.force_login(owner, backend=MODEL_BACKEND)
    listing = client.get("/admin/health/task/?status__exact=open").content.decode()
    assert "No activity for 20 days" in listing
    assert client.get(f"/admin/health/task/{task.pk}/change/").status_code == 200
    assert client.post(f"/admin/health/task/{task.pk}/change/", {}).status_code == 403
    client.force_login(outsider, backend=MODEL_BACKEND)
    assert "No activity for 20 days" not in client.get("/admin/health/task/").content.decode()
    assert client.get(f"/admin/health/task/{task.pk}/change/").status_code in (302, 404)
