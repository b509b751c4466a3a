"""Reads of the account 360 page: the header's figures and the usage charts' series.

Usage comes from the daily rollups (metrics AccountDay), never from raw events: one query
for the last 90 days serves both the active-users series and the 30-day feature adoption.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import Contact
from accounts.selectors import contacts_list
from metrics.models import AccountDay, Feature

USAGE_DAYS = 90
ADOPTION_DAYS = 30


@dataclass
class Header:
    mrr: list[tuple[str, Decimal]]  # (currency, MRR of the terms active today), one per currency
    renewal: date | None  # the nearest end of a term active today
    renewal_in_days: int | None


def account_header(terms: list, *, today: date) -> Header:
    """MRR and renewal from the account's terms (each with its `state` on today)."""
    active = [term for term in terms if term.state == "active"]
    mrr: dict[str, Decimal] = {}
    for term in active:
        mrr[term.currency] = mrr.get(term.currency, Decimal(0)) + term.mrr
    ends = [term.end_date for term in active if term.end_date is not None]
    renewal = min(ends) if ends else None
    return Header(
        mrr=sorted(mrr.items()),
        renewal=renewal,
        renewal_in_days=(renewal - today).days if renewal else None,
    )


def account_contacts(account) -> list[Contact]:
    """The account's contacts with their latest NPS answer, in one query."""
    return list(contacts_list().filter(account=account).order_by("name", "id"))


@dataclass
class Usage:
    days: list[date]  # the last USAGE_DAYS days up to `last`
    active_users: list[int]
    adoption: list[tuple[str, int, int]]  # (feature, days used, share of days in percent)
    adoption_days: int
    any_usage: bool


def account_usage(account, *, last: date) -> Usage:
    """Active users per day over 90 days, and for each feature the share of the last 30 days
    on which the account used it. Days without a rollup had no events: 0 active users."""
    first = last - timedelta(days=USAGE_DAYS - 1)
    rows = list(
        AccountDay.objects.filter(account_id=account.pk, day__gte=first, day__lte=last).only(
            "day", "contacts", "event_counts"
        )
    )
    days = [first + timedelta(days=n) for n in range(USAGE_DAYS)]
    users = {row.day: len(row.contacts) for row in rows}
    adoption_first = last - timedelta(days=ADOPTION_DAYS - 1)
    recent = [row for row in rows if row.day >= adoption_first]
    names = {name for row in recent for name in row.event_counts}
    catalog = (
        dict(Feature.objects.filter(event_name__in=names).values_list("event_name", "feature"))
        if names
        else {}
    )
    used_on: dict[str, set[date]] = {}
    for row in recent:
        for name in row.event_counts:
            used_on.setdefault(catalog.get(name, name), set()).add(row.day)
    adoption = sorted(
        (
            (feature, len(on), round(100 * len(on) / ADOPTION_DAYS))
            for feature, on in used_on.items()
        ),
        key=lambda item: (-item[1], item[0]),
    )
    return Usage(
        days=days,
        active_users=[users.get(day, 0) for day in days],
        adoption=adoption,
        adoption_days=ADOPTION_DAYS,
        any_usage=bool(rows),
    )
