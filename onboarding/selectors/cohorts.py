"""Monthly cohorts of onboarding: the plans started in each month, how many reached the
"activated" milestone (the activation rate) and the median days to first value, read from
the plans' own milestones (the steps each plan names for them)."""

import statistics
import zoneinfo
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncMonth

from onboarding.models import Milestone, Plan, PlanStep, StepStatus
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

COHORT_MONTHS = 12


@dataclass
class Cohort:
    month: date  # its first day
    started: int
    activated: int = 0
    first_value: int = 0
    ttfv_median_days: float | None = None

    @property
    def activation_rate(self) -> int | None:
        return round(self.activated * 100 / self.started) if self.started else None


def _reached(milestone: str):
    """(plan month, plan start, when) of the plans whose step for `milestone` is done."""
    return (
        PlanStep.objects.filter(
            status=StepStatus.DONE,
            done_at__isnull=False,
            key=KeyTextTransform(milestone, "plan__milestones"),
        )
        .annotate(month=TruncMonth("plan__started_on"))
        .values_list("month", "plan__started_on", "done_at")
    )


def onboarding_cohorts(*, tenant: Tenant, today: date, months: int = COHORT_MONTHS) -> list[Cohort]:
    """The last `months` months with plans started, newest first, in three queries."""
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    first = date(today.year, today.month, 1)
    for _ in range(months - 1):
        first = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    with tenant_scope(tenant):
        plans = Plan.objects.filter(started_on__gte=first, started_on__lte=today)
        cohorts = {
            month: Cohort(month=month, started=count)
            for month, count in plans.annotate(month=TruncMonth("started_on"))
            .values("month")
            .annotate(count=Count("id"))
            .values_list("month", "count")
        }
        activated = _reached(Milestone.ACTIVATED).filter(plan__in=plans)
        for month, _start, _when in activated:
            cohorts[month].activated += 1
        ttfv: dict[date, list[int]] = {}
        for month, start, when in _reached(Milestone.FIRST_VALUE).filter(plan__in=plans):
            cohorts[month].first_value += 1
            ttfv.setdefault(month, []).append(max((when.astimezone(zone).date() - start).days, 0))
    for month, values in ttfv.items():
        cohorts[month].ttfv_median_days = statistics.median(values)
    return sorted(cohorts.values(), key=lambda cohort: cohort.month, reverse=True)
