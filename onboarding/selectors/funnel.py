"""The funnel of one onboarding template: of the accounts whose plan follows it, how many
completed each step and reached each milestone, the median days from the plan's start to
each, and how many are stalled on each step now (and since when)."""

import statistics
import zoneinfo
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import get_language

from onboarding.models import Milestone, OnboardingTemplate, Plan, PlanStep, StepStatus
from onboarding.selectors.stalled import STALL_DAYS, stalled_plans
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


@dataclass
class FunnelRow:
    key: str
    label: str
    is_milestone: bool
    reached: int = 0
    median_days: float | None = None
    stalled: int = 0  # plans stalled on this step now
    stalled_since: date | None = None  # the longest stalled of them, since

    percent: int = 0


@dataclass
class Funnel:
    template: OnboardingTemplate
    started: int  # plans of the template, whatever their status
    rows: list[FunnelRow] = field(default_factory=list)

    @property
    def stalled(self) -> int:
        return sum(row.stalled for row in self.rows)


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def template_funnel(
    *, tenant: Tenant, template: OnboardingTemplate, today: date, days: int = STALL_DAYS
) -> Funnel:
    """The template's steps in order, each followed by the milestone it reaches, in five
    queries whatever the number of plans."""
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    language = get_language()
    with tenant_scope(tenant):
        steps = list(template.steps.order_by("position", "id"))
        started = Plan.objects.filter(template=template).count()
        done = PlanStep.objects.filter(
            plan__template=template, status=StepStatus.DONE, done_at__isnull=False
        ).values_list("plan_id", "key", "done_at", "plan__started_on", "plan__milestones")
        taken: dict[str, list[int]] = {}  # step key -> days to it, one per plan
        reached: dict[str, list[int]] = {}  # milestone -> days to it, one per plan
        for _plan, key, done_at, started_on, milestones in done:
            days_to = max((done_at.astimezone(zone).date() - started_on).days, 0)
            taken.setdefault(key, []).append(days_to)
            for name, milestone_key in (milestones or {}).items():
                if milestone_key == key:
                    reached.setdefault(name, []).append(days_to)
    stuck: dict[str, list[date]] = {}
    for stall in stalled_plans(tenant=tenant, today=today, days=days, template_id=template.pk):
        stuck.setdefault(stall.step.key, []).append(stall.since)
    by_step = {key: name for name, key in (template.milestones or {}).items()}
    labels = dict(Milestone.choices)
    funnel = Funnel(template=template, started=started)
    for step in steps:
        since = stuck.get(step.key, [])
        funnel.rows.append(
            FunnelRow(
                key=step.key,
                label=step.title.get(language) or step.title.get("en") or step.key,
                is_milestone=False,
                reached=len(taken.get(step.key, [])),
                median_days=_median(taken.get(step.key, [])),
                stalled=len(since),
                stalled_since=min(since, default=None),
            )
        )
        name = by_step.get(step.key)
        if name in labels:
            funnel.rows.append(
                FunnelRow(
                    key=name,
                    label=str(labels[name]),
                    is_milestone=True,
                    reached=len(reached.get(name, [])),
                    median_days=_median(reached.get(name, [])),
                )
            )
    for row in funnel.rows:
        row.percent = round(row.reached * 100 / started) if started else 0
    return funnel
