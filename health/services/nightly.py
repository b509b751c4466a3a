"""What follows each metrics run for a tenant: the scores of the days due, the alert rules on
the last scored day (which open tasks), and the playbooks those rules start and stop."""

from dataclasses import dataclass
from datetime import date

from health.models import Band, PlaybookRun, RunStatus, TaskKind
from health.services.playbooks import playbooks_start_for_rule, playbooks_stop_cleared
from health.services.rules import RulesResult, alert_rules_run
from health.services.score_history import NightlyResult, health_nightly
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

# Conditions of one day (the day of a drop, of an answer): they clear the next day whatever
# happens, so their clearing stops nothing. A band drop's playbook stops when the band is
# good again instead.
ONE_DAY = {TaskKind.BAND_DROPPED, TaskKind.NPS_DETRACTOR}


@dataclass(frozen=True)
class AfterMetrics:
    scores: NightlyResult
    rules: RulesResult | None  # None when no day was scored
    playbooks_started: int = 0
    playbooks_stopped: int = 0


def health_after_metrics(*, tenant: Tenant) -> AfterMetrics:
    """Score the days due; when any was, run the rules on the last one, start the playbooks
    of the conditions that started and stop those of the conditions that cleared.
    Idempotent: with nothing new it does nothing, and nothing opens or starts twice."""
    scores = health_nightly(tenant=tenant)
    if scores.last is None:
        return AfterMetrics(scores, None)
    day = scores.last
    rules = alert_rules_run(tenant=tenant, day=day)
    started = sum(
        len(playbooks_start_for_rule(tenant=tenant, account_id=account, rule_kind=kind, day=day))
        for account, kind in rules.fired
    )
    cleared = [(account, kind) for account, kind in rules.cleared if kind not in ONE_DAY]
    cleared += [(account, TaskKind.BAND_DROPPED) for account in _band_recovered(tenant, day)]
    stopped = playbooks_stop_cleared(tenant=tenant, cleared=cleared)
    return AfterMetrics(scores, rules, started, stopped)


def _band_recovered(tenant: Tenant, day: date) -> list[int]:
    """Accounts running a band-drop playbook whose band on `day` is good again."""
    with tenant_scope(tenant):
        return list(
            PlaybookRun.objects.filter(
                status=RunStatus.RUNNING,
                trigger_kind=TaskKind.BAND_DROPPED,
                account__health_scores__day=day,
                account__health_scores__band=Band.GOOD,
            )
            .values_list("account_id", flat=True)
            .distinct()
        )
