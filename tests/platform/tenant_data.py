"""Two tenants for isolation tests: A with at least one row in every tenant-owned table, B with
its owner only."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import Account, ImportJob, Subscription
from accounts.services.accounts import note_create
from accounts.services.saved_views import saved_view_save
from health.models import AlertFiring, AlertRule, CarriedUsageWindows
from health.services.backtests import backtests_refresh
from health.services.defaults import scorecards_ensure_defaults
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.rules import alert_rules_ensure_defaults, alert_rules_run
from health.services.score_history import health_scores_compute
from health.services.tasks import health_settings_for, task_open
from metrics.engine.usage_windows import windows_build
from metrics.models import ChurnRecord, DirtyDay, RecomputeJob
from metrics.services.recompute import metrics_backfill
from onboarding.services.defaults import templates_ensure_defaults
from tenants.models import Role
from tenants.services.api_keys import api_key_create
from tenants.services.invitations import invitation_create
from tenants.services.tenants import membership_add, tenant_create, user_get_or_create
from tenants.tenancy.context import tenant_scope
from tenants.tenancy.models import TenantModel
from tests.support.models import Memo


def tenant_owned_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantModel) and not model._meta.proxy
    ]


@pytest.fixture
def filled_tenants(db):
    """Tenant A with a row in every table; tenant B with its owner (and default scorecard and
    alert rules and playbooks) only."""
    return tenants_fill()


def tenants_fill():
    """What `filled_tenants` gives, made in the current transaction."""
    a, _ = tenant_create(slug="acme", name="Acme Hidden Holdings", owner_email="boss@acme.test")
    b, _ = tenant_create(slug="globex", name="Globex", owner_email="owner@globex.test")
    call_command(
        "seed_demo", "acme", "--accounts", "12", "--days", "90", "--seed", "3",
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    with tenant_scope(a):
        first_start = Subscription.objects.earliest("start_date").start_date
        metrics_backfill(tenant=a, since=first_start)
        health_scores_compute(tenant=a, day=a.today() - timedelta(days=1))
        backtests_refresh(tenant=a)
        csm, _ = user_get_or_create(email="hidden-csm@acme.test", password="pass-word-123")
        membership = membership_add(tenant=a, user=csm, role=Role.CSM)
        invitation_create(tenant=a, email="invited-secret@acme.test", role=Role.CSM, invited_by=csm)
        api_key_create(tenant=a, name="Acme hidden integration")
        account = Account.objects.order_by("pk").first()
        note_create(tenant=a, account=account, body="Acme confidential renewal plan")
        ImportJob.objects.create(
            kind="accounts", original_filename="acme-secret.csv", content="x", created_by=membership
        )
        yesterday = a.today() - timedelta(days=1)
        RecomputeJob.objects.create(since=yesterday, until=yesterday, requested_by=membership)
        DirtyDay.objects.create(day=yesterday)
        Memo.objects.create(membership=membership, text="acme memo")
        saved_view_save(
            tenant=a, membership=membership, name="Acme secret view", query="segment=Secret"
        )
        alert_rules_run(tenant=a, day=yesterday)
        task, _ = task_open(
            tenant=a, account=account, title="Acme confidential call", due_on=yesterday
        )
        health_settings_for(a)
        AlertFiring.objects.create(
            rule=AlertRule.objects.first(),
            account=account,
            since=yesterday,
            last_seen=yesterday,
            cleared_on=yesterday,
            task=task,
        )
        # What a nightly run keeps for the next one.
        CarriedUsageWindows.objects.create(day=yesterday, data=windows_build(a, yesterday).dumps())
        if not ChurnRecord.objects.exists():
            ChurnRecord.objects.create(account=account, churned_on=yesterday, last_mrr=0)
        empty = [m._meta.label for m in tenant_owned_models() if not m.objects.exists()]
    assert not empty, f"tenant A has no row in {empty}: fill them here"
    # B's default scorecard exists before anything reads B's keys, as it would once B has
    # looked at its scorecards: made lazily during a sweep, its id could be one of A's.
    scorecards_ensure_defaults(tenant=b)
    alert_rules_ensure_defaults(tenant=b)
    playbooks_ensure_defaults(tenant=b)  # the same for its default playbooks
    templates_ensure_defaults(tenant=b)  # and its default onboarding templates
    return a, b
