"""An account's timeline: notes, usage by day, NPS answers, tasks, emails and subscription
changes merged into one list, newest first, a page at a time.

Each source is read with its own query, already ordered and cut to one page (plus one row to
know whether more follow), and the pages are merged here: a page costs the same number of
queries however long the account's history is. Entries are ordered by (time, kind rank, id),
descending; the cursor is the key of the last entry shown, so that entries that share a time
are neither repeated nor skipped on the next page. Day-based sources (usage rollups,
subscription terms) are placed at a fixed time of their local day, and filtered by day in SQL.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountNote, CustomerEmail, NpsResponse, Subscription
from accounts.models.email import EmailStatus
from health.models import Task
from health.models.task import TaskStatus
from metrics.models import AccountDay, Feature

PAGE_SIZE = 25
TOP_FEATURES = 3

# The kinds a reader can filter by (URL ?kind=...), in the order of the filter chips.
KINDS = {
    "note": _("Notes"),
    "usage": _("Usage"),
    "nps": _("NPS"),
    "task": _("Tasks"),
    "email": _("Emails"),
    "subscription": _("Subscription"),
}

# Tie-break among entries at the same moment: a fixed rank per event.
RANKS = {
    "note": 0,
    "nps": 1,
    "email": 2,
    "task_opened": 3,
    "task_closed": 4,
    "subscription_start": 5,
    "subscription_end": 6,
    "usage": 7,
}
CLOSED = [TaskStatus.DONE, TaskStatus.CANCELLED]
EVENT_KIND = {event: event.split("_")[0] for event in RANKS}

# Timestamps a cursor may carry: within what datetime can hold in any time zone.
_MIN_MICROS = 0
_MAX_MICROS = 253_402_214_400 * 1_000_000  # 9999-12-31 00:00 UTC


class BadCursor(ValueError):
    """A cursor that this module did not write (edited by hand, truncated)."""


@dataclass(frozen=True)
class Cursor:
    at: datetime
    rank: int
    id: int

    def encode(self) -> str:
        micros = round(self.at.timestamp() * 1_000_000)
        return f"{micros}.{self.rank}.{self.id}"

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        parts = text.split(".")
        if len(parts) != 3 or not all(p.isascii() and p.isdecimal() for p in parts):
            raise BadCursor(text)
        micros, rank, pk = (int(p) for p in parts)
        if not (_MIN_MICROS <= micros <= _MAX_MICROS) or rank not in RANKS.values():
            raise BadCursor(text)
        if pk > 2**63 - 1:
            raise BadCursor(text)
        at = datetime.fromtimestamp(0, tz=ZoneInfo("UTC")) + timedelta(microseconds=micros)
        return cls(at=at, rank=rank, id=pk)


@dataclass
class Entry:
    at: datetime
    event: str
    id: int
    obj: object
    day: date  # the local day it is listed under
    timed: bool = True  # False: a day-based entry (no time of day shown)
    extra: dict = field(default_factory=dict)
    new_day: bool = False

    @property
    def kind(self) -> str:
        return EVENT_KIND[self.event]

    @property
    def rank(self) -> int:
        return RANKS[self.event]

    @property
    def key(self) -> tuple:
        return (self.at, self.rank, self.id)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, self.rank, self.id)


@dataclass
class Page:
    entries: list[Entry]
    next_cursor: Cursor | None


def _before(field_name: str, event: str, cursor: Cursor | None) -> Q:
    """Rows of a timestamped source whose key comes after the cursor (older)."""
    if cursor is None:
        return Q()
    rank = RANKS[event]
    if rank < cursor.rank:
        return Q(**{f"{field_name}__lte": cursor.at})
    if rank > cursor.rank:
        return Q(**{f"{field_name}__lt": cursor.at})
    return Q(**{f"{field_name}__lt": cursor.at}) | Q(**{field_name: cursor.at, "pk__lt": cursor.id})


def _day_before(field_name: str, event: str, cursor: Cursor | None, place, tz) -> Q:
    """The same for a day-based source, whose entry for day d sits at place(d): a moment
    that grows with the day, within that local day."""
    if cursor is None:
        return Q()
    day = cursor.at.astimezone(tz).date()
    at = place(day)
    if at > cursor.at:
        return Q(**{f"{field_name}__lt": day})
    if at < cursor.at:
        return Q(**{f"{field_name}__lte": day})
    rank = RANKS[event]
    older = Q(**{f"{field_name}__lt": day})
    if rank < cursor.rank:
        return older | Q(**{field_name: day})
    if rank == cursor.rank:
        return older | Q(**{field_name: day, "pk__lt": cursor.id})
    return older


def timeline_page(
    account, *, tz: ZoneInfo, today: date, kinds=(), cursor: Cursor | None = None, size=PAGE_SIZE
) -> Page:
    """One page of the account's timeline. `kinds`: the kinds to show (empty: all)."""
    wanted = set(kinds) or set(KINDS)
    take = size + 1

    def start_of(day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=tz)

    def end_of(day: date) -> datetime:
        # A day's usage summary heads its day: the last microsecond of the local day.
        return datetime.combine(day, time.max, tzinfo=tz)

    def local_day(at: datetime) -> date:
        return at.astimezone(tz).date()

    entries: list[Entry] = []
    if "note" in wanted:
        notes = (
            AccountNote.objects.filter(account=account)
            .filter(_before("occurred_at", "note", cursor))
            .select_related("author__user")
            .order_by("-occurred_at", "-pk")[:take]
        )
        entries += [Entry(n.occurred_at, "note", n.pk, n, local_day(n.occurred_at)) for n in notes]
    if "nps" in wanted:
        answers = (
            NpsResponse.objects.filter(account=account)
            .filter(_before("answered_at", "nps", cursor))
            .select_related("contact")
            .order_by("-answered_at", "-pk")[:take]
        )
        entries += [Entry(a.answered_at, "nps", a.pk, a, local_day(a.answered_at)) for a in answers]
    if "email" in wanted:
        emails = (
            CustomerEmail.objects.filter(
                account=account, status=EmailStatus.SENT, sent_at__isnull=False
            )
            .filter(_before("sent_at", "email", cursor))
            .select_related("contact")
            .order_by("-sent_at", "-pk")[:take]
        )
        entries += [Entry(e.sent_at, "email", e.pk, e, local_day(e.sent_at)) for e in emails]
    if "task" in wanted:
        tasks = Task.objects.filter(account=account).select_related(
            "assignee__user", "created_by__user", "closed_by__user"
        )
        opened = tasks.filter(_before("created_at", "task_opened", cursor)).order_by(
            "-created_at", "-pk"
        )[:take]
        entries += [
            Entry(t.created_at, "task_opened", t.pk, t, local_day(t.created_at)) for t in opened
        ]
        closed = (
            tasks.filter(status__in=CLOSED, closed_at__isnull=False)
            .filter(_before("closed_at", "task_closed", cursor))
            .order_by("-closed_at", "-pk")[:take]
        )
        entries += [
            Entry(t.closed_at, "task_closed", t.pk, t, local_day(t.closed_at)) for t in closed
        ]
    if "subscription" in wanted:
        previous = Subscription.objects.filter(
            account=OuterRef("account"), start_date__lt=OuterRef("start_date")
        ).order_by("-start_date", "-pk")
        terms = Subscription.objects.filter(account=account).annotate(
            previous_mrr=Subquery(previous.values("mrr")[:1]),
            previous_currency=Subquery(previous.values("currency")[:1]),
        )
        starts = (
            terms.filter(start_date__lte=today)
            .filter(_day_before("start_date", "subscription_start", cursor, start_of, tz))
            .order_by("-start_date", "-pk")[:take]
        )
        entries += [
            Entry(start_of(s.start_date), "subscription_start", s.pk, s, s.start_date, False)
            for s in starts
        ]
        ends = (
            terms.filter(end_date__lte=today)
            .filter(_day_before("end_date", "subscription_end", cursor, start_of, tz))
            .order_by("-end_date", "-pk")[:take]
        )
        entries += [
            Entry(start_of(s.end_date), "subscription_end", s.pk, s, s.end_date, False)
            for s in ends
        ]
    if "usage" in wanted:
        days = list(
            AccountDay.objects.filter(account_id=account.pk)
            .filter(_day_before("day", "usage", cursor, end_of, tz))
            .order_by("-day", "-pk")[:take]
        )
        names = {name for row in days for name in row.event_counts}
        catalog = (
            dict(Feature.objects.filter(event_name__in=names).values_list("event_name", "feature"))
            if names
            else {}
        )
        entries += [
            Entry(end_of(d.day), "usage", d.pk, d, d.day, False, _usage_extra(d, catalog))
            for d in days
        ]

    entries.sort(key=lambda entry: entry.key, reverse=True)
    shown = entries[:size]
    more = len(entries) > size
    previous_day = local_day(cursor.at) if cursor else None
    for entry in shown:
        entry.new_day = entry.day != previous_day
        previous_day = entry.day
    return Page(entries=shown, next_cursor=shown[-1].cursor if more and shown else None)


def _usage_extra(row, catalog: dict[str, str]) -> dict:
    """A day's rollup in words: active users, events, the most used features (events of
    one feature added up; event names outside the catalog stand for themselves)."""
    by_feature: dict[str, int] = {}
    for name, count in row.event_counts.items():
        label = catalog.get(name, name)
        by_feature[label] = by_feature.get(label, 0) + int(count)
    top = sorted(by_feature.items(), key=lambda item: (-item[1], item[0]))[:TOP_FEATURES]
    return {"active_users": len(row.contacts), "events": row.events, "top": top}
