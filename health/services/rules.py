"""Alert rules: the defaults every tenant starts with, changing a rule, and running the rules
for a day, which opens a task per condition that starts and remembers which conditions
still hold, so a condition opens one task however many days it lasts.

A run reads every input once for all accounts (scores, metrics' rollups through
health.raw_values, NPS answers): its number of queries does not grow with the accounts.
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Account, NpsResponse, Subscription
from accounts.models.account import LifecycleStage
from health import alerts
from health.models import (
    ALERT_KINDS,
    PARAMETERS,
    AlertFiring,
    AlertRule,
    HealthScore,
    Task,
    TaskKind,
    TaskPriority,
    TaskStatus,
)
from health.models.rule import PARAMETER_FIELDS
from health.raw_values import raw_values, scores_shared_get
from health.services.playbooks import playbooks_stop_cleared
from health.services.tasks import health_settings_for, task_open
from health.webhook_events import tasks_opened_emit
from onboarding.selectors.stalled import stalled_plans
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

# (kind, parameters, task priority, due in days) of the rules every tenant starts with.
DEFAULT_RULES = [
    (TaskKind.BAND_DROPPED, {}, TaskPriority.HIGH, 2),
    (TaskKind.SCORE_FELL, {"points": 15, "window_days": 7}, TaskPriority.MEDIUM, 3),
    (TaskKind.USAGE_DOWN, {"percent": 30}, TaskPriority.MEDIUM, 5),
    (TaskKind.NPS_DETRACTOR, {"max_score": 6}, TaskPriority.HIGH, 2),
    (TaskKind.RENEWAL_AT_RISK, {"days": 60}, TaskPriority.HIGH, 7),
    (TaskKind.NO_ACTIVITY, {"days": 14}, TaskPriority.MEDIUM, 3),
    (TaskKind.ONBOARDING_STALLED, {"days": 7}, TaskPriority.MEDIUM, 3),
]

# Allowed values of each parameter, inclusive.
RANGES = {
    "points": (1, 100),
    "window_days": (1, 365),
    "percent": (1, 100),
    "days": (1, 3650),
    "max_score": (0, 10),
    "due_days": (0, 365),
}
EDITABLE = ("enabled", "name", *PARAMETER_FIELDS, "priority", "due_days")


def alert_rules_ensure_defaults(*, tenant: Tenant) -> list[AlertRule]:
    """The tenant's rules, one per kind, in kind order; a missing kind is created with its
    defaults (idempotent, and safe when two callers do it at once)."""
    with tenant_scope(tenant):
        rules = AlertRule.objects.for_tenant(tenant)
        have = {rule.kind: rule for rule in rules}
        missing = [entry for entry in DEFAULT_RULES if entry[0] not in have]
        if missing:
            rules.bulk_create(
                [
                    AlertRule(
                        tenant=tenant,
                        kind=kind,
                        name=str(kind.label),
                        priority=priority,
                        due_days=due_days,
                        **parameters,
                    )
                    for kind, parameters, priority, due_days in missing
                ],
                ignore_conflicts=True,
            )
            have = {rule.kind: rule for rule in AlertRule.objects.for_tenant(tenant)}
    return [have[kind] for kind in ALERT_KINDS]


def validate_alert_rule(kind: str, values: dict) -> None:
    """Raise ValidationError naming each bad field of a rule of `kind` with `values`."""
    errors: dict[str, str] = {}
    name = values.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = _("Give the rule a name.")
    elif len(name.strip()) > 100:
        errors["name"] = _("Use at most 100 characters.")
    for key in (*PARAMETER_FIELDS, "due_days"):
        value = values.get(key)
        if key in PARAMETER_FIELDS and key not in PARAMETERS[kind]:
            if value is not None:
                errors[key] = _("This rule has no such setting; leave it empty.")
            continue
        low, high = RANGES[key]
        if value is None or value == "":
            errors[key] = _("This rule needs this setting.")
        elif isinstance(value, bool) or not isinstance(value, int):
            errors[key] = _("Give a whole number.")
        elif value < 0:
            errors[key] = _("Must not be negative.")
        elif value < low:
            errors[key] = _("Must be at least %(low)s.") % {"low": low}
        elif value > high:
            errors[key] = _("Must be at most %(high)s.") % {"high": high}
    if values.get("priority") not in TaskPriority.values:
        errors["priority"] = _("Choose high, medium or low.")
    if not isinstance(values.get("enabled"), bool):
        errors["enabled"] = _("Must be true or false.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def alert_rule_update(*, tenant: Tenant, rule: AlertRule, **changes) -> AlertRule:
    """Switch a rule on or off, rename or tune it; raises ValidationError naming the field."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({key: _("This setting cannot be changed.") for key in unknown})
    values = {key: getattr(rule, key) for key in EDITABLE} | changes
    validate_alert_rule(rule.kind, values)
    values["name"] = values["name"].strip()
    switched_off = rule.enabled and not values["enabled"]
    with tenant_scope(tenant), transaction.atomic():
        for key, value in values.items():
            setattr(rule, key, value)
        rule.save(update_fields=[*EDITABLE, "updated_at"])
        if switched_off:
            _clear_all(tenant, rule)
    return rule


def _clear_all(tenant: Tenant, rule: AlertRule) -> None:
    """A rule switched off no longer watches: its holding conditions clear today (so once it
    is back on, a condition that holds starts anew) and the playbooks they started that stop
    when cleared stop."""
    holding = AlertFiring.objects.for_tenant(tenant).filter(rule=rule, cleared_on__isnull=True)
    accounts = list(holding.values_list("account_id", flat=True))
    holding.update(cleared_on=tenant.today())
    playbooks_stop_cleared(tenant=tenant, cleared=[(account, rule.kind) for account in accounts])


@dataclass
class RulesResult:
    """What a run did. `fired`: (account id, rule kind) of the conditions that started on the
    day; `cleared`: those that stopped holding; `opened`: the tasks opened (a starting
    condition whose earlier task is still open opens none)."""

    opened: list[Task] = field(default_factory=list)
    fired: list[tuple[int, str]] = field(default_factory=list)
    cleared: list[tuple[int, str]] = field(default_factory=list)


def alert_rules_run(*, tenant: Tenant, day: date, today: date | None = None) -> RulesResult:
    """Run the tenant's enabled rules on the stored scores and rollups of local day `day`.

    A condition that starts opens a task (due `due_days` after today, the tenant's local
    day, or after `day` if that is later: a day's data is complete only once it is over, so
    the rules usually run the morning after it; the rule's priority,
    for the account's owner or the tenant's fallback assignee) unless the task of an earlier
    start is still open; while it keeps holding nothing more is opened, even once its task
    is done; when it stops holding it is cleared, and a later start opens a new task.
    Running a day again opens nothing new. Churned accounts are not watched."""
    result = RulesResult()
    with tenant_scope(tenant), transaction.atomic():
        alert_rules_ensure_defaults(tenant=tenant)
        # Locked: two runs for one tenant take turns, so they never both start a condition.
        rules = list(AlertRule.objects.for_tenant(tenant).filter(enabled=True).select_for_update())
        if not rules:
            return result
        owners = dict(
            Account.objects.for_tenant(tenant)
            .exclude(lifecycle_stage=LifecycleStage.CHURNED)
            .values_list("pk", "owner_id")
        )
        facts = _facts(tenant, day, rules, set(owners))
        holding = {
            (firing.rule_id, firing.account_id): firing
            for firing in AlertFiring.objects.for_tenant(tenant).filter(
                rule__in=rules, cleared_on__isnull=True
            )
        }
        starts: list[tuple[AlertRule, int, alerts.Alert]] = []
        seen: list[int] = []
        cleared: list[int] = []
        for rule in rules:
            fired = alerts.evaluate(rule, facts)
            for account, alert in sorted(fired.items()):
                firing = holding.get((rule.pk, account))
                if firing is None:
                    starts.append((rule, account, alert))
                elif firing.last_seen < day:
                    seen.append(firing.pk)
            for (rule_id, account), firing in holding.items():
                # A firing that started after `day` (an earlier day run late) is left alone.
                if rule_id == rule.pk and account not in fired and firing.since <= day:
                    cleared.append(firing.pk)
                    result.cleared.append((account, rule.kind))
        firings = AlertFiring.objects.for_tenant(tenant)
        if seen:
            firings.filter(pk__in=seen).update(last_seen=day)
        if cleared:
            firings.filter(pk__in=cleared).update(cleared_on=day)
        if starts:
            due_from = max(day, today or tenant.today())
            result.opened = _start(tenant, day, due_from, starts, owners)
            result.fired = [(account, rule.kind) for rule, account, _ in starts]
    return result


def _facts(tenant: Tenant, day: date, rules: list[AlertRule], accounts: set[int]) -> alerts.Facts:
    """Every input the enabled rules read, one query (or one raw_values call) each."""
    facts = alerts.Facts(day=day, accounts=accounts)
    kinds = {rule.kind: rule for rule in rules}
    scores = HealthScore.objects.for_tenant(tenant)
    days = {day} | {
        day - timedelta(days=rule.window_days) for rule in rules if rule.kind == TaskKind.SCORE_FELL
    }
    yesterday = day - timedelta(days=1)
    if TaskKind.BAND_DROPPED in kinds:
        days.add(yesterday)
    read: dict[date, dict[int, alerts.Scored]] = {}
    if kinds.keys() & {TaskKind.BAND_DROPPED, TaskKind.SCORE_FELL, TaskKind.RENEWAL_AT_RISK}:
        # The day the nightly run just scored is in memory; only the others are read.
        for on in sorted(days):
            shared = scores_shared_get(tenant, on)
            if shared is not None:
                read[on] = {a: alerts.Scored(on, *scored) for a, scored in shared.items()}
        unread = days - read.keys()
        # By the (tenant, day) index, the columns needed only, unsorted: a day is thousands.
        rows = (
            scores.filter(day__in=unread)
            .order_by()
            .values_list("account_id", "day", "score", "band")
        )
        for account, on, score, band in rows if unread else ():
            read.setdefault(on, {})[account] = alerts.Scored(on, score, band)
    if TaskKind.BAND_DROPPED in kinds:
        # The latest band in the lookback is yesterday's for nearly every account; only the
        # others are looked for on the days before.
        facts.previous = {
            account: scored
            for account, scored in read.get(yesterday, {}).items()
            if scored.band is not None
        }
        missing = sorted(accounts - facts.previous.keys())
        previous = (
            scores.filter(
                day__gte=day - timedelta(days=alerts.BAND_LOOKBACK_DAYS),
                day__lt=yesterday,
                band__isnull=False,
                account_id__in=missing,
            )
            .order_by("account_id", "-day")
            .distinct("account_id")
            .values_list("account_id", "day", "score", "band")
        )
        facts.previous |= {row[0]: alerts.Scored(*row[1:]) for row in previous} if missing else {}
    facts.scores = read
    if kinds.keys() & alerts.RAW_KINDS:
        facts.raws = raw_values(tenant, day, sorted(accounts))
    if TaskKind.NPS_DETRACTOR in kinds:
        facts.detractors = _detractors(tenant, day, kinds[TaskKind.NPS_DETRACTOR].max_score)
    if TaskKind.RENEWAL_AT_RISK in kinds:
        # The running term that ends last, per account (open-ended ones have no renewal).
        terms = (
            Subscription.objects.for_tenant(tenant)
            .active_on(day)
            .filter(end_date__isnull=False)
            .order_by("account_id", "-end_date")
            .distinct("account_id")
            .values_list("account_id", "start_date", "end_date")
        )
        facts.term_days = {account: (end - start).days for account, start, end in terms}
    if TaskKind.ONBOARDING_STALLED in kinds:
        facts.stalled = _stalled(tenant, day, kinds[TaskKind.ONBOARDING_STALLED].days)
    return facts


def _stalled(tenant: Tenant, day: date, days: int) -> dict[int, dict]:
    """{account: figures} of the accounts whose onboarding is stalled on `day`, by the one
    definition of onboarding (its selector), with the rule's `days`."""
    return {
        stall.plan.account_id: {
            "step_key": stall.step.key,
            "step_title": stall.step.title,
            "reason": stall.reason,
            "due_on": stall.step.due_on.isoformat(),
            "since": stall.since.isoformat(),
            "last_progress": stall.last_progress.isoformat(),
            "template": stall.plan.template.name if stall.plan.template else "",
            "threshold_days": days,
        }
        for stall in stalled_plans(tenant=tenant, today=day, days=days)
    }


def _detractors(tenant: Tenant, day: date, max_score: int) -> dict[int, tuple[int, int]]:
    """{account: (lowest score, answers of `max_score` or less)} of the NPS answers given on
    the tenant's local day `day`, per account (the answer's, else its contact's)."""
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    rows = (
        NpsResponse.objects.for_tenant(tenant)
        .filter(
            answered_at__gte=datetime.combine(day, time(), zone),
            answered_at__lt=datetime.combine(day + timedelta(days=1), time(), zone),
            score__lte=max_score,
        )
        .annotate(of=Coalesce("account_id", "contact__account_id"))
        .filter(of__isnull=False)
        .values("of")
        .annotate(lowest=Min("score"), answers=Count("id", filter=Q(score__lte=max_score)))
        .values_list("of", "lowest", "answers")
    )
    return {account: (lowest, answers) for account, lowest, answers in rows}


def _start(tenant, day, due_from, starts, owners) -> list[Task]:
    """Open the tasks of the conditions that started (in bulk) and record their firings."""
    keys = {rule.condition_key for rule, _, _ in starts}
    open_tasks = Task.objects.for_tenant(tenant).filter(
        status=TaskStatus.OPEN, condition_key__in=keys
    )
    still_open = {
        (account, key): pk
        for account, key, pk in open_tasks.values_list("account_id", "condition_key", "pk")
    }
    fallback = None
    if any(owners[account] is None for _, account, _ in starts):
        fallback = health_settings_for(tenant).task_fallback_assignee_id
    # The stored copy of the words, in the site's language whoever runs this; pages and the
    # API word a rule's task again in the reader's language (Task.words).
    with translation.override(settings.LANGUAGE_CODE):
        words = {id(alert): alert.words for _, _, alert in starts}
    new = {
        (account, rule.condition_key): Task(
            tenant=tenant,
            account_id=account,
            assignee_id=owners[account] or fallback,
            title=words[id(alert)][0][:200],
            reason=words[id(alert)][1],
            figures=alert.figures,
            kind=rule.kind,
            condition_key=rule.condition_key,
            priority=rule.priority,
            due_on=_due(due_from, rule, alert),
        )
        for rule, account, alert in starts
        if (account, rule.condition_key) not in still_open
    }
    try:
        with transaction.atomic():  # a savepoint: the run goes on if this insert conflicts
            Task.objects.for_tenant(tenant).bulk_create(list(new.values()))
        tasks_opened_emit(tenant=tenant, tasks=list(new.values()))
    except IntegrityError:
        # A task of the same condition was opened meanwhile (by hand, say): one at a time.
        new, existing = _open_each(tenant, new)
        # (task_open emitted `task.opened` for each it opened)
        still_open |= {key: task.pk for key, task in existing.items()}
    tasks = still_open | {key: task.pk for key, task in new.items()}
    AlertFiring.objects.for_tenant(tenant).bulk_create(
        [
            AlertFiring(
                tenant=tenant,
                rule=rule,
                account_id=account,
                since=day,
                last_seen=day,
                task_id=tasks.get((account, rule.condition_key)),
            )
            for rule, account, _ in starts
        ]
    )
    return list(new.values())


def _due(due_from: date, rule: AlertRule, alert: alerts.Alert) -> date:
    """`due_days` after `due_from`, but no later than the alert's last useful day (when
    that is not already past)."""
    due = due_from + timedelta(days=rule.due_days)
    if alert.due_by is not None:
        due = max(due_from, min(due, alert.due_by))
    return due


def _open_each(tenant, new: dict) -> tuple[dict, dict]:
    """({key: task opened}, {key: task already open}) through task_open, one by one."""
    accounts = Account.objects.for_tenant(tenant).in_bulk({account for account, _ in new})
    opened, existing = {}, {}
    for key, task in new.items():
        saved, created = task_open(
            tenant=tenant,
            account=accounts[key[0]],
            title=task.title,
            due_on=task.due_on,
            kind=task.kind,
            reason=task.reason,
            figures=task.figures,
            priority=task.priority,
            condition_key=task.condition_key,
        )
        (opened if created else existing)[key] = saved
    return opened, existing
