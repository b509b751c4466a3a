"""Celery tasks of the health app: scores brought up to the metrics' latest day (then the
alert rules), the nightly backtest of every tenant's scorecards and the hourly run of due
playbook steps, after starting the onboarding check-ins (thin)."""

from celery import shared_task
from django.db import OperationalError
from django.db.models import F, OuterRef, Q, Subquery

from health.models import HealthScore, HealthSettings
from health.services.backtests import backtests_refresh
from health.services.nightly import health_after_metrics
from health.services.onboarding_checkins import onboarding_checkins_start
from health.services.playbooks import playbook_steps_due_run
from metrics.engine.run import MetricsBusy
from metrics.models import MetricsState
from tenants.models import Tenant
from tenants.tenancy.context import cross_tenant
from tenants.tenancy.tasks import tenant_task


@shared_task(name="health.tasks.backtests_all")
def backtests_all() -> int:
    """Queue one backtest refresh per tenant (beat, daily). Tenants are not tenant-owned."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        backtest_refresh.delay(tenant_id)
    return len(tenant_ids)


@tenant_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def backtest_refresh(tenant) -> int:
    """Replace each scorecard's backtest with a new one (running it twice changes nothing
    but the time it was computed)."""
    return len(backtests_refresh(tenant=tenant))


@shared_task(name="health.tasks.scores_all")
def scores_all() -> int:
    """Queue a scoring run for each tenant whose metrics moved past its scores, or whose
    alert rules have not run for its latest scores (a run that stopped half-way). Beat,
    every 15 minutes: scores follow each tenant's nightly metrics run, backfills and late
    events."""
    latest_scored = (
        HealthScore.objects.unscoped()
        .filter(tenant_id=OuterRef("tenant_id"))
        .order_by("-day")
        .values("day")[:1]
    )
    rules_through = HealthSettings.objects.unscoped().filter(tenant_id=OuterRef("tenant_id"))
    with cross_tenant():  # every tenant's bookmarks and latest scored day
        due = list(
            MetricsState.objects.unscoped()
            .filter(computed_through__isnull=False)
            .annotate(
                scored=Subquery(latest_scored),
                rules=Subquery(rules_through.values("rules_run_through")[:1]),
            )
            .filter(
                Q(scored__isnull=True)
                | Q(scored__lt=F("computed_through"))
                | Q(rollups_changed_from__isnull=False)
                | Q(rules__isnull=True)
                | Q(rules__lt=F("scored"))
            )
            .values_list("tenant_id", flat=True)
        )
    for tenant_id in due:
        scores_nightly.delay(tenant_id)
    return len(due)


@tenant_task(
    autoretry_for=(MetricsBusy, OperationalError),
    retry_backoff=60,
    retry_backoff_max=30 * 60,
    max_retries=8,
    nightly_queue=True,
)
def scores_nightly(tenant) -> int:
    """Score the days due, then run the alert rules (running it twice does nothing more).
    On the tenant's nightly queue, beside its metrics run, when CELERY_NIGHTLY_QUEUES is set."""
    return health_after_metrics(tenant=tenant).scores.rows


@shared_task(name="health.tasks.playbook_steps_due_all")
def playbook_steps_due_all() -> int:
    """Queue one run of due playbook steps per tenant (beat, hourly)."""
    tenant_ids = list(Tenant.objects.values_list("pk", flat=True))
    for tenant_id in tenant_ids:
        playbook_steps_due.delay(tenant_id)
    return len(tenant_ids)


@tenant_task(autoretry_for=(OperationalError,), retry_backoff=60, max_retries=5)
def playbook_steps_due(tenant) -> int:
    """Start the check-ins of the onboarding plans that started, then execute the playbook
    steps due by the tenant's local today (each step once)."""
    onboarding_checkins_start(tenant=tenant, today=tenant.today())
    return playbook_steps_due_run(tenant=tenant, day=tenant.today())
