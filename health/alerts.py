"""What each alert rule sees on a day: given the facts of every account (scores, usage,
renewals, NPS answers, read set-based by health.services.rules), which accounts the rule
fires for, each with a title, the reason in words and the figures behind it.

Pure functions over plain data: no queries here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from health.alert_words import WORDS
from health.models import AlertRule, Band, Source, TaskKind

# Bands from best to worst: a drop is a move to a later one.
BAND_RANK = {Band.GOOD: 0, Band.AVERAGE: 1, Band.POOR: 2}
# How far back "the previous scored day" of a band drop is looked for.
BAND_LOOKBACK_DAYS = 7
# Raw values of metrics' 30-day windows (health.raw_values.WINDOW_DAYS) the rules read.
RAW_KINDS = {TaskKind.USAGE_DOWN, TaskKind.RENEWAL_AT_RISK, TaskKind.NO_ACTIVITY}


@dataclass(frozen=True)
class Alert:
    """A rule firing for one account: what its task says."""

    kind: str
    figures: dict
    # The last useful day to act (a renewal's eve): the task is due no later, if it can be.
    due_by: date | None = None

    @property
    def words(self) -> tuple[str, str]:
        """(title, reason) in the active language (worded only for a task that opens: most
        firings are of conditions already held)."""
        return WORDS[self.kind](self.figures)


@dataclass(frozen=True, slots=True)  # slots: one per account and day read, thousands
class Scored:
    day: date
    score: int | None
    band: str | None


@dataclass
class Facts:
    """Every account's facts on `day`, read once for all rules."""

    day: date
    accounts: set[int]
    # {day: {account: Scored}} for `day` and each score-fell window's first day.
    scores: dict[date, dict[int, Scored]] = field(default_factory=dict)
    # {account: Scored} of the latest day with a band before `day` (within the lookback).
    previous: dict[int, Scored] = field(default_factory=dict)
    # health.raw_values.raw_values of `day`: {account: {source: value or None}}.
    raws: dict[int, dict[str, object]] = field(default_factory=dict)
    # {account: (lowest score, detractor answers)} of the NPS answers on `day`.
    detractors: dict[int, tuple[int, int]] = field(default_factory=dict)
    # {account: length in days of its running term that ends last} on `day`.
    term_days: dict[int, int] = field(default_factory=dict)
    # {account: figures} of the accounts whose onboarding is stalled on `day`
    # (onboarding.selectors.stalled, with the rule's days).
    stalled: dict[int, dict] = field(default_factory=dict)

    def scored(self, account: int, day: date | None = None) -> Scored | None:
        return self.scores.get(day or self.day, {}).get(account)

    def value(self, account: int, source: str):
        return self.raws.get(account, {}).get(source)


def band_dropped(rule: AlertRule, facts: Facts) -> dict[int, Alert]:
    """The band is worse than on the previous scored day (good to average or poor, average
    to poor); a day with no band (no data) is no drop."""
    fired = {}
    for account in facts.accounts:
        now, before = facts.scored(account), facts.previous.get(account)
        if now is None or now.band is None or before is None or before.band is None:
            continue
        if BAND_RANK[now.band] <= BAND_RANK[before.band]:
            continue
        figures = {
            "band": now.band,
            "band_before": before.band,
            "score": now.score,
            "score_before": before.score,
            "day_before": before.day.isoformat(),
        }
        fired[account] = Alert(rule.kind, figures)
    return fired


def score_fell(rule: AlertRule, facts: Facts) -> dict[int, Alert]:
    """The score is at least `points` lower than `window_days` days before."""
    then = facts.day - timedelta(days=rule.window_days)
    fired = {}
    for account in facts.accounts:
        now, before = facts.scored(account), facts.scored(account, then)
        if now is None or before is None or now.score is None or before.score is None:
            continue
        fell = before.score - now.score
        if fell < rule.points:
            continue
        figures = {
            "score": now.score,
            "score_before": before.score,
            "points_fell": fell,
            "window_days": rule.window_days,
            "threshold_points": rule.points,
        }
        fired[account] = Alert(rule.kind, figures)
    return fired


def usage_down(rule: AlertRule, facts: Facts) -> dict[int, Alert]:
    """Usage events of the last 30 days are at least `percent` % fewer than in the 30 days
    before (no events in those earlier 30 days: no baseline, no alert)."""
    fired = {}
    for account in facts.accounts:
        change = facts.value(account, Source.USAGE_TREND)
        if change is None or -change < rule.percent:
            continue
        figures = {"usage_change_percent": round(change, 1), "threshold_percent": rule.percent}
        fired[account] = Alert(rule.kind, figures)
    return fired


def nps_detractor(rule: AlertRule, facts: Facts) -> dict[int, Alert]:
    """A contact of the account answered the NPS survey with `max_score` or less on the day
    (a local day of the tenant)."""
    fired = {}
    for account, (lowest, answers) in facts.detractors.items():
        if account not in facts.accounts or not answers:
            continue
        figures = {
            "lowest_score": lowest,
            "answers": answers,
            "max_score": rule.max_score,
            "day": facts.day.isoformat(),
        }
        fired[account] = Alert(rule.kind, figures)
    return fired


def renewal_at_risk(rule: AlertRule, facts: Facts) -> dict[int, Alert]:
    """The running term ends within `days` days and the band is average or poor (an account
    with no score that day is left out: its band is unknown). A term no longer than `days`
    (a monthly plan, with a 60-day notice) is always about to renew: it is left out, or the
    rule would fire for every such account all the time."""
    fired = {}
    for account in facts.accounts:
        left = facts.value(account, Source.DAYS_TO_RENEWAL)
        now = facts.scored(account)
        if left is None or left > rule.days or now is None or now.band in (None, Band.GOOD):
            continue
        if facts.term_days.get(account, 0) <= rule.days:
            continue
        renews = facts.day + timedelta(days=left)
        figures = {
            "days_to_renewal": left,
            "renews_on": renews.isoformat(),
            "band": now.band,
            "score": now.score,
            "threshold_days": rule.days,
            "term_days": facts.term_days[account],
        }
        fired[account] = Alert(rule.kind, figures, due_by=renews - timedelta(days=1))
    return fired


def no_activity(rule: AlertRule, facts: Facts) -> dict[int, Alert]:
    """No usage event for at least `days` days (an account that never sent one is left to
    onboarding: there is no activity to miss)."""
    fired = {}
    for account in facts.accounts:
        idle = facts.value(account, Source.DAYS_SINCE_ACTIVITY)
        if idle is None or idle < rule.days:
            continue
        figures = {
            "days_since_activity": idle,
            "last_active_on": (facts.day - timedelta(days=idle)).isoformat(),
            "threshold_days": rule.days,
        }
        fired[account] = Alert(rule.kind, figures)
    return fired


def onboarding_stalled(rule: AlertRule, facts: Facts) -> dict[int, Alert]:
    """The running onboarding plan has a required step overdue by more than `days` days, or
    no step completed for more than `days` days (read with those days by the rules)."""
    return {
        account: Alert(rule.kind, figures)
        for account, figures in facts.stalled.items()
        if account in facts.accounts
    }


EVALUATORS: dict[str, Callable[[AlertRule, Facts], dict[int, Alert]]] = {
    TaskKind.BAND_DROPPED: band_dropped,
    TaskKind.SCORE_FELL: score_fell,
    TaskKind.USAGE_DOWN: usage_down,
    TaskKind.NPS_DETRACTOR: nps_detractor,
    TaskKind.RENEWAL_AT_RISK: renewal_at_risk,
    TaskKind.NO_ACTIVITY: no_activity,
    TaskKind.ONBOARDING_STALLED: onboarding_stalled,
}


def evaluate(rule: AlertRule, facts: Facts) -> dict[int, Alert]:
    """{account id: Alert} of the accounts `rule` fires for on `facts.day`."""
    return EVALUATORS[rule.kind](rule, facts)


def describe(rule: AlertRule) -> str:
    """When `rule` fires, in a sentence with its current settings."""
    if rule.kind == TaskKind.BAND_DROPPED:
        return _(
            "When the health band drops (good to average or poor, average to poor) against "
            "the previous scored day."
        )
    if rule.kind == TaskKind.SCORE_FELL:
        return _(
            "When the health score is at least %(points)s points lower than %(days)s days before."
        ) % {"points": rule.points, "days": rule.window_days}
    if rule.kind == TaskKind.USAGE_DOWN:
        return _(
            "When usage events of the last 30 days are down at least %(percent)s%% against "
            "the 30 days before."
        ) % {"percent": rule.percent}
    if rule.kind == TaskKind.NPS_DETRACTOR:
        return _("When a contact answers the NPS survey with %(score)s or less.") % {
            "score": rule.max_score
        }
    if rule.kind == TaskKind.RENEWAL_AT_RISK:
        return _(
            "When the subscription renews within %(days)s days and the health band is "
            "average or poor."
        ) % {"days": rule.days}
    if rule.kind == TaskKind.ONBOARDING_STALLED:
        return _(
            "When a required step of the account's onboarding is overdue by more than %(days)s "
            "days, or no step was completed for more than %(days)s days."
        ) % {"days": rule.days}
    return _("When the account has sent no usage event for %(days)s days.") % {"days": rule.days}
