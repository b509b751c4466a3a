"""Hand-made customer histories for metrics tests, written through the product's services."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import Account, NpsResponse, Subscription
from accounts.services.accounts import account_upsert, contact_upsert, subscription_upsert
from metrics.definitions import Grain
from metrics.ingestion.events import events_ingest
from metrics.models import AcquisitionSpend, Feature, MetricFigure
from metrics.services.recompute import metrics_backfill, metrics_nightly
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope

_ids = itertools.count(1)
BATCH_SPAN = timedelta(days=20)


def _received(batch: list[dict]) -> datetime:
    """A batch's reception: the moment of its last event."""
    return max(datetime.fromisoformat(e["timestamp"]) for e in batch).astimezone(UTC)


class History:
    """Builds one tenant's accounts, terms, events and answers, then reads its figures."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.accounts = {}

    def _zone(self):
        return ZoneInfo(self.tenant.time_zone)

    def at(self, day: date, clock: str = "12:00") -> datetime:
        """A local time of the tenant, as an aware datetime."""
        return datetime.combine(day, time.fromisoformat(clock), tzinfo=self._zone())

    def account(self, name, *, segment="", owner: Membership | None = None):
        with tenant_scope(self.tenant):
            account, _ = account_upsert(
                tenant=self.tenant, external_id=name, name=name, segment=segment, owner=owner
            )
        self.accounts[name] = account
        return account

    def term(self, account_name, start: date, end: date | None, mrr) -> None:
        if account_name not in self.accounts:
            self.account(account_name)
        with tenant_scope(self.tenant):
            subscription_upsert(
                tenant=self.tenant,
                external_id=f"term-{next(_ids)}",
                account=self.accounts[account_name],
                plan="Plan",
                mrr=Decimal(str(mrr)),
                start_date=start,
                end_date=end,
            )

    def many_accounts(self, count: int, *, start: date, end_of=lambda n: None) -> None:
        """`count` accounts a0, a1, ... with one 10/month term each, written in bulk;
        `end_of(n)` gives account n's end date (None: open)."""
        with tenant_scope(self.tenant):
            accounts = Account.objects.bulk_create(
                [
                    Account(tenant=self.tenant, external_id=f"a{n}", name=f"A{n}")
                    for n in range(count)
                ]
            )
            Subscription.objects.bulk_create(
                [
                    Subscription(
                        tenant=self.tenant,
                        external_id=f"t{n}",
                        account=account,
                        mrr=Decimal("10"),
                        currency="USD",
                        start_date=start,
                        end_date=end_of(n),
                    )
                    for n, account in enumerate(accounts)
                ]
            )

    def contact(self, external_id, account_name):
        with tenant_scope(self.tenant):
            contact, _ = contact_upsert(
                tenant=self.tenant, external_id=external_id, account=self.accounts[account_name]
            )
        return contact

    def events(self, rows, *, received_at: datetime | None = None) -> None:
        """rows: (when, event name, account external id, contact external id or "")."""
        events = [
            {
                "message_id": f"msg-{next(_ids)}",
                "event": name,
                "timestamp": when.isoformat(),
                "account_external_id": account,
                "contact_external_id": contact,
            }
            for when, name, account, contact in rows
        ]
        if received_at is not None:
            batches = [(events, received_at)]
        else:
            # Each received soon after it happened: in batches of at most 20 days of events,
            # within the window in which events are accepted.
            batches, batch = [], []
            for event in sorted(events, key=lambda e: datetime.fromisoformat(e["timestamp"])):
                when = datetime.fromisoformat(event["timestamp"])
                if batch and when - datetime.fromisoformat(batch[0]["timestamp"]) > BATCH_SPAN:
                    batches.append((batch, _received(batch)))
                    batch = []
                batch.append(event)
            batches.append((batch, _received(batch)))
        for batch, received in batches:
            result = events_ingest(tenant=self.tenant, events=batch, received_at=received)
            assert result.rejected == 0, result.results

    def feature(self, event_name, *, core: bool) -> None:
        Feature.objects.for_tenant(self.tenant).create(
            tenant=self.tenant, event_name=event_name, feature=event_name, is_core=core
        )

    def answer(self, contact, score: int, when: datetime) -> None:
        NpsResponse.objects.for_tenant(self.tenant).create(
            tenant=self.tenant,
            contact=contact,
            account=contact.account,
            score=score,
            answered_at=when,
        )

    def spend(self, month: date, amount) -> None:
        AcquisitionSpend.objects.for_tenant(self.tenant).create(
            tenant=self.tenant, month=month, amount=Decimal(str(amount)), currency="USD"
        )

    def compute(self, since: date, until: date):
        """Backfill `since`..`until` as if it were the morning after `until`."""
        with tenant_scope(self.tenant):
            return metrics_backfill(
                tenant=self.tenant, since=since, until=until, now=self._morning_after(until)
            )

    def nightly(self, until: date):
        with tenant_scope(self.tenant):
            return metrics_nightly(tenant=self.tenant, now=self._morning_after(until))

    def _morning_after(self, day: date) -> datetime:
        return self.at(day + timedelta(days=1), "06:00").astimezone(UTC)

    def figure(self, metric, period: date, *, dimension="all", key="", grain=None):
        grain = grain or (Grain.MONTH if period.day == 1 and _monthly(metric) else Grain.DAY)
        row = MetricFigure.objects.for_tenant(self.tenant).get(
            grain=grain.value, period=period, dimension=dimension, key=key, metric=metric
        )
        return row

    def value(self, metric, period: date, **cut):
        return self.figure(metric, period, **cut).value

    def parts(self, metric, period: date, **cut):
        row = self.figure(metric, period, **cut)
        return row.value, row.numerator, row.denominator


def _monthly(metric: str) -> bool:
    from metrics.definitions import MONTHLY

    return metric in MONTHLY
