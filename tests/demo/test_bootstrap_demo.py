"""bootstrap_demo: the demo tenant of `make run`, with its team, history and KPIs, once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Account
from csplatform.demo.seed.tasks import DEMO_TASKS
from health.models import Backtest, HealthScore, Task
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
    # A year of daily health scores, through the same day, and a backtest of them.
    scored = HealthScore.objects.for_tenant(tenant)
    assert scored.filter(day=state.computed_through, score__isnull=False).count() > 50
    first = state.computed_through - timedelta(days=364)
    assert scored.filter(day=first).exists() and not scored.filter(day__lt=first).exists()
    assert Backtest.objects.for_tenant(tenant).get(scorecard__is_default=True).auc > 0.7
    # The owner's inbox has tasks in every group from the first sign-in.
    owner = Membership.objects.for_tenant(tenant).get(user__email="owner@demo.example")
    tasks = Task.objects.for_tenant(tenant).filter(assignee=owner, status="open", kind="manual")
    assert tasks.count() == len(DEMO_TASKS)
    assert tasks.filter(due_on__lt=tenant.today()).exists()
    assert tasks.filter(due_on=tenant.today()).exists()
    assert tasks.filter(snoozed_until__gt=tenant.today()).count() == 1
    # The alert rules ran on yesterday's scores: the demo's CSMs have tasks to do.
    tasks = Task.objects.for_tenant(tenant).filter(status="open")
    assert tasks.exists() and "tasks opened by the alert rules" in out
    assert tasks.filter(assignee__isnull=False).exists()
    out, _ = _run("bootstrap_demo")
    assert "exists" in out
    assert Tenant.objects.count() == 1
