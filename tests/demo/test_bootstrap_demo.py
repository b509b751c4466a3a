"""bootstrap_demo: the demo tenant of `make run`, with its team, history and KPIs, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Account
from health.models import Task
from metrics.models import MetricFigure, MetricsState, UsageEvent
from tenants.models import AuditEntry, Membership, Tenant

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_bootstrap_demo_runs_once():
    out, _ = _run("bootstrap_demo")
    assert "Created demo tenant" in out
    tenant = Tenant.objects.get(slug="demo")
    assert Membership.objects.for_tenant(tenant).count() == 3
    assert Account.objects.for_tenant(tenant).count() == 150
    assert UsageEvent.objects.for_tenant(tenant).exists()
    # The audit log starts with the team and the key the bootstrap set up.
    audited = set(
        AuditEntry.objects.for_tenant(tenant).values_list("content_type__model", flat=True)
    )
    assert {"tenant", "membership", "tenantapikey"} <= audited
    # Its KPIs are there from the start, through the demo's last day.
    state = MetricsState.objects.for_tenant(tenant).get()
    assert state.computed_through is not None
    assert (
        MetricFigure.objects.for_tenant(tenant)
        .filter(
            grain="day", period=state.computed_through, metric="active_accounts", dimension="all"
        )
        .get()
        .value
        > 0
    )
    # The alert rules ran on yesterday's scores: the demo's CSMs have tasks to do.
    tasks = Task.objects.for_tenant(tenant).filter(status="open")
    assert tasks.exists() and "tasks opened by the alert rules" in out
    assert tasks.filter(assignee__isnull=False).exists()
    out, _ = _run("bootstrap_demo")
    assert "exists" in out
    assert Tenant.objects.count() == 1
