"""Hand-made inputs of health scores: accounts, daily rollups, terms and NPS answers; and the
metrics' tenant lock held by another database session (a run in progress); a page in
Russian with a string translated before the catalogue has it."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import psycopg2
from django.db import connection
from django.utils import translation
from django.utils.translation import trans_real

from accounts.models import Account, Contact, NpsResponse, Subscription
from metrics.engine.run import LOCK_NAMESPACE
from metrics.models import AccountDay, Feature
from tenants.tenancy.context import tenant_scope

DAY = date(2026, 6, 30)


def account(tenant, xid, **fields) -> Account:
    with tenant_scope(tenant):
        return Account.objects.create(external_id=xid, name=f"Account {xid}", **fields)


def usage(tenant, account, day, counts: dict[str, int], contacts=(1,)) -> AccountDay:
    with tenant_scope(tenant):
        return AccountDay.objects.create(
            account_id=account.pk,
            day=day,
            events=sum(counts.values()),
            event_counts=counts,
            contacts=list(contacts),
            session_seconds=60,
        )


def active_days(tenant, account, days: list[date], counts=None):
    for day in days:
        usage(tenant, account, day, counts or {"Login": 1})


def feature(tenant, event, name, core=False):
    with tenant_scope(tenant):
        Feature.objects.create(event_name=event, feature=name, is_core=core)


def term(tenant, account, start, end=None, xid=None):
    with tenant_scope(tenant):
        return Subscription.objects.create(
            account=account,
            external_id=xid or f"{account.external_id}-{start}",
            mrr=Decimal("100"),
            currency="USD",
            start_date=start,
            end_date=end,
        )


def answer(tenant, account, contact_xid, score, day, hour=12):
    with tenant_scope(tenant):
        contact, _ = Contact.objects.get_or_create(
            external_id=contact_xid, defaults={"account": account}
        )
        return NpsResponse.objects.create(
            contact=contact,
            account=account,
            score=score,
            answered_at=datetime.combine(day, time(hour), tenant_zone(tenant)),
        )


def tenant_zone(tenant):
    import zoneinfo

    return zoneinfo.ZoneInfo(tenant.time_zone)


def days_back(day: date, *offsets: int) -> list[date]:
    return [day - timedelta(days=offset) for offset in offsets]


@contextmanager
def metrics_run_in_progress(tenant) -> Iterator[None]:
    """Hold the tenant's metrics lock from a second session, as a nightly run would."""
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
    )
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, tenant.pk])
        yield
        # Released before closing: a closed session's server process lets go of its locks as it
        # exits, a moment after the client has gone, and the caller may take the lock at once.
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, tenant.pk])
    finally:
        other.close()


@contextmanager
def russian_with(msgid: str, msgstr: str) -> Iterator[None]:
    """Russian, `msgid` translated as `msgstr`: what a page shows tells whether it asked for
    the translation (a string not marked stays in English)."""
    top = trans_real.translation("ru")._catalog._catalogs[0]
    before = top.get(msgid)
    top[msgid] = msgstr
    try:
        with translation.override("ru"):
            yield
    finally:
        if before is None:
            top.pop(msgid, None)
        else:
            top[msgid] = before
