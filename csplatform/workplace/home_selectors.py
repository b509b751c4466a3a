"""Reads of the home page: a CSM's (or the whole team's) tasks due, accounts whose health band
changed since the day before, renewals coming up with their band, stalled onboardings, and a
new tenant's first steps. Each read is a constant number of queries, whatever the number of
accounts; lists are cut to `limit` rows with the full count beside them."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Generic, TypeVar

from django.db.models import (
    Case,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)

from accounts.models import Account, Subscription
from health.inbox import inbox_group, tasks_list
from health.models import HealthScore, Task, TaskStatus
from health.selectors import score_day_latest
from metrics.models import UsageEvent
from onboarding.selectors.stalled import Stall, stalled_plans
from tenants.models import Invitation, Membership, Tenant, TenantAPIKey

LIMIT = 8  # rows shown per section; the section links to its full list
RENEWAL_DAYS = 90
# Better bands rank higher: a change is a drop when the new rank is lower.
BAND_RANK = {"poor": 0, "average": 1, "good": 2}
T = TypeVar("T")


@dataclass
class Listed(Generic[T]):
    """The first rows of a list and how many there are in all."""

    rows: list[T] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(self.total - len(self.rows), 0)


@dataclass
class TasksDue:
    overdue: list[Task]
    due_today: list[Task]
    total: int

    @property
    def more(self) -> int:
        return max(self.total - len(self.overdue) - len(self.due_today), 0)


def _owned(csm: Membership | None, path: str = "owner") -> Q:
    """Rows of `csm`'s accounts (`path` leads to the account's owner); everything for None."""
    return Q() if csm is None else Q(**{path: csm})


def tasks_due(*, csm: Membership | None, today: date, limit: int = LIMIT) -> TasksDue:
    """Open tasks due today or overdue (snoozed ones wait for their day): `csm`'s own, or the
    whole team's when None. Two queries."""
    due = tasks_list().filter(status=TaskStatus.OPEN, due_on__lte=today)
    due = due.filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today))
    if csm is not None:
        due = due.filter(assignee=csm)
    total = due.count()
    # Oldest first: what waited longest is what to do first.
    rows = list(due.order_by("due_on", "id")[:limit]) if total else []
    inbox = inbox_group(rows, today=today)
    return TasksDue(inbox.overdue, inbox.due_today, total)


@dataclass(frozen=True)
class BandChange:
    account: Account
    band: str
    previous: str
    score: int | None
    previous_score: int | None

    @property
    def dropped(self) -> bool:
        return BAND_RANK[self.band] < BAND_RANK[self.previous]


@dataclass
class BandChanges(Listed[BandChange]):
    day: date | None = None  # the latest scored day, compared with the day before


def band_changes(*, csm: Membership | None, day: date | None, limit: int = LIMIT) -> BandChanges:
    """Accounts whose band on `day` (the latest scored day) differs from their band the day
    before, drops first. Accounts without a band on either day (no data, new) are left out.
    Two queries: the rows and their count."""
    if day is None:
        return BandChanges()
    # The day before's row of the same account, joined: one pass over each day's rows through
    # the (tenant, day) index rather than a lookup per account.
    before = FilteredRelation(
        "account__health_scores",
        condition=Q(
            account__health_scores__tenant=F("tenant"),
            account__health_scores__day=day - timedelta(1),
        ),
    )
    changed = (
        HealthScore.objects.filter(day=day, band__isnull=False)
        .filter(_owned(csm, "account__owner"))
        .alias(before=before)
        .annotate(previous_band=F("before__band"), previous_score=F("before__score"))
        .filter(previous_band__isnull=False)
        .exclude(band=F("previous_band"))
    )
    total = changed.count()
    if not total:
        return BandChanges(day=day)

    def rank(column: str):
        return Case(
            *(When(**{column: band}, then=Value(r)) for band, r in BAND_RANK.items()),
            output_field=IntegerField(),
        )

    rows = (
        changed.select_related("account__owner__user")
        .annotate(step=rank("band") - rank("previous_band"))
        .order_by("step", "account__name", "account_id")[:limit]
    )
    found = [
        BandChange(row.account, row.band, row.previous_band, row.score, row.previous_score)
        for row in rows
    ]
    return BandChanges(found, total, day)


def renewals_upcoming(
    *,
    csm: Membership | None,
    today: date,
    score_day: date | None,
    days: int = RENEWAL_DAYS,
    limit: int = LIMIT,
) -> Listed[Subscription]:
    """Terms ending from today to before `days` ahead (as the renewals page counts) that no
    later term of the account follows yet (not renewed), soonest first, each with the
    account's band on `score_day` as `band`. Two queries."""
    later = Subscription.objects.filter(
        account_id=OuterRef("account_id"), start_date__gt=OuterRef("start_date")
    )
    terms = (
        Subscription.objects.filter(end_date__gte=today, end_date__lt=today + timedelta(days))
        .filter(_owned(csm, "account__owner"))
        .exclude(Exists(later))
    )
    total = terms.count()
    if not total:
        return Listed()
    band = HealthScore.objects.filter(account_id=OuterRef("account_id"), day=score_day)
    rows = (
        terms.select_related("account__owner__user")
        .annotate(band=Subquery(band.values("band")[:1]))
        .order_by("end_date", "account__name", "id")[:limit]
    )
    rows = list(rows)
    for term in rows:
        term.days_left = (term.end_date - today).days
    return Listed(rows, total)


def onboarding_stalls(
    *, tenant: Tenant, csm: Membership | None, today: date, limit: int = LIMIT
) -> Listed[Stall]:
    """The running onboarding plans stalled today, longest stalled first: of `csm`'s accounts,
    or all. Three queries (the stalled page's own selector)."""
    stalls = stalled_plans(tenant=tenant, today=today)
    if csm is not None:
        stalls = [stall for stall in stalls if stall.account.owner_id == csm.pk]
    return Listed(stalls[:limit], len(stalls))


def latest_score_day() -> date | None:
    return score_day_latest()


@dataclass(frozen=True)
class FirstSteps:
    """What a new tenant has done of its setup, each a tick on the home page's checklist."""

    events: bool  # product events received (through the API)
    api_key: bool  # an API key that still works
    accounts: bool  # accounts imported or sent
    team: bool  # a second member, or an invitation sent

    @property
    def done(self) -> int:
        return sum((self.events, self.api_key, self.accounts, self.team))


def first_steps(*, has_accounts: bool) -> FirstSteps:
    """Four short existence checks (the accounts' is known already)."""
    return FirstSteps(
        events=UsageEvent.objects.exists(),
        api_key=TenantAPIKey.objects.filter(revoked=False).exists(),
        accounts=has_accounts,
        team=Membership.objects.count() > 1 or Invitation.objects.exists(),
    )


def has_accounts() -> bool:
    return Account.objects.exists()
