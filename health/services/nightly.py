"""What follows each metrics run for a tenant: the scores of the days due, then, for each
scored day the alert rules have not run for yet, the rules (which open tasks) and the
playbooks they start and stop.

Each day's rules and playbooks commit together with the tenant's bookmark
(`HealthSettings.rules_run_through`), so a run that stops half-way (a worker killed, a lost
connection) resumes from the first day not done, and nothing is done twice."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max

from health.gc_pause import earlier_objects_frozen
from health.models import Band, HealthScore, HealthSettings, PlaybookRun, RunStatus, TaskKind
from health.raw_values import raw_values_shared
from health.services.playbooks import playbooks_start_for_rules, playbooks_stop_cleared
from health.services.rules import RulesResult, alert_rules_run
from health.services.score_history import NightlyResult, health_nightly
from health.services.tasks import health_settings_for
from health.webhook_events import health_bands_changed_emit
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

# Conditions of one day (the day of a drop, of an answer): they clear the next day whatever
# happens, so their clearing stops nothing. A band drop's playbook stops when the band is
# good again instead.
ONE_DAY = {TaskKind.BAND_DROPPED, TaskKind.NPS_DETRACTOR}
# After an outage, the rules catch up on at most this many of the latest scored days (the
# first run: the last day only). Older days would open tasks about stale conditions.
CATCH_UP_DAYS = 7


@dataclass
class AfterMetrics:
    scores: NightlyResult
    rules: RulesResult | None = None  # of the last day the rules ran for; None: no day
    rule_days: list[date] = field(default_factory=list)
    opened: int = 0  # tasks the rules opened, all days together
    playbooks_started: int = 0
    playbooks_stopped: int = 0


def health_after_metrics(*, tenant: Tenant) -> AfterMetrics:
    """Score the days due, then run the rules for each scored day after the bookmark (at
    most CATCH_UP_DAYS), each day in one transaction with its playbooks. Idempotent."""
    # The last scored day's raw values serve its rules too.
    with raw_values_shared(), earlier_objects_frozen():
        return _after_metrics(tenant)


def _after_metrics(tenant: Tenant) -> AfterMetrics:
    result = AfterMetrics(health_nightly(tenant=tenant))
    today = tenant.today()
    for day in _rule_days(tenant):
        with tenant_scope(tenant), transaction.atomic():
            rules = alert_rules_run(tenant=tenant, day=day, today=today)
            started = playbooks_start_for_rules(tenant=tenant, fired=rules.fired, day=today)
            result.playbooks_started += len(started)
            cleared = [(a, kind) for a, kind in rules.cleared if kind not in ONE_DAY]
            cleared += [(a, TaskKind.BAND_DROPPED) for a in _band_recovered(tenant, day)]
            result.playbooks_stopped += playbooks_stop_cleared(tenant=tenant, cleared=cleared)
            health_bands_changed_emit(tenant=tenant, day=day)
            HealthSettings.objects.filter(tenant=tenant).update(rules_run_through=day)
        result.rules, result.opened = rules, result.opened + len(rules.opened)
        result.rule_days.append(day)
    return result


def _rule_days(tenant: Tenant) -> list[date]:
    """The scored days the rules have not run for yet, oldest first."""
    with tenant_scope(tenant):
        last = HealthScore.objects.aggregate(last=Max("day"))["last"]
        done = health_settings_for(tenant).rules_run_through
    if last is None or (done is not None and done >= last):
        return []
    first = last - timedelta(days=CATCH_UP_DAYS - 1)
    first = last if done is None else max(first, done + timedelta(days=1))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _band_recovered(tenant: Tenant, day: date) -> list[int]:
    """Accounts running a band-drop playbook whose band on `day` is good again (the running
    runs are few: they are read first, then those accounts' scores of the day)."""
    running = set(
        PlaybookRun.objects.for_tenant(tenant)
        .filter(status=RunStatus.RUNNING, trigger_kind=TaskKind.BAND_DROPPED)
        .values_list("account_id", flat=True)
    )
    if not running:
        return []
    return list(
        HealthScore.objects.for_tenant(tenant)
        .filter(day=day, band=Band.GOOD, account_id__in=running)
        .values_list("account_id", flat=True)
    )
