"""demo_seed: build a tenant's deterministic demo history and write it with COPY, atomically.

Accounts are generated and written in chunks so memory stays flat whatever the size; the
whole run is one transaction, so a failure (or Ctrl-C) leaves the tenant as it was.
"""

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account, Contact
from csplatform.demo.seed.account import Context, account_build
from csplatform.demo.seed.calendar import Period, period_build
from csplatform.demo.seed.catalog import CURRENCY_SCALE, FEATURES
from csplatform.demo.seed.copy import copy_rows, ids_reserve
from csplatform.demo.seed.hierarchy import hierarchies_build
from csplatform.demo.seed.knowledgebase_demo import knowledgebase_demo
from csplatform.demo.seed.onboarding_demo import onboarding_demo
from csplatform.demo.seed.playbooks import onboarding_checkins_demo, playbooks_demo
from csplatform.demo.seed.population import population_build, spend_by_month
from csplatform.demo.seed.portal_demo import portal_demo
from csplatform.demo.seed.reset import customer_data_delete
from csplatform.demo.seed.rows import ChunkRows
from csplatform.demo.seed.saved_views_demo import saved_views_demo
from csplatform.demo.seed.survey_demo import surveys_demo
from csplatform.demo.seed.webhooks import webhooks_demo
from health.services.defaults import scorecards_ensure_defaults
from health.services.rules import alert_rules_ensure_defaults
from metrics.models import AcquisitionSpend, ChurnReason, Feature
from metrics.services.churn_reasons import churn_reasons_ensure_defaults
from metrics.services.event_storage import event_partitions_ensure
from tenants.models import Membership, Role, Tenant

MAX_DAYS = 3660  # ten years of history is plenty, and keeps every date in range
CHUNK_ACCOUNTS = 200
# Account ownership: CSMs carry most of the book; admins and owners take a few accounts.
OWNER_WEIGHTS = {Role.CSM: 3.0, Role.ADMIN: 1.0, Role.OWNER: 1.0}

Progress = Callable[[int, int, int], None]  # (accounts done, accounts total, events so far)


@dataclass
class SeedResult:
    period_start: date
    period_end: date
    rows: Counter = field(default_factory=Counter)  # by model label, e.g. "metrics.UsageEvent"
    deleted: int = 0
    subsidiaries: int = 0  # accounts given a parent account
    delete_seconds: float = 0.0  # spent on --reset
    seconds: float = 0.0  # the whole run, deletion included

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / max(self.seconds - self.delete_seconds, 1e-9)


def demo_seed(
    *,
    tenant: Tenant,
    accounts: int,
    days: int,
    seed: int,
    end_date: date | None = None,
    reset: bool = False,
    chunk_size: int = CHUNK_ACCOUNTS,
    progress: Progress | None = None,
) -> SeedResult:
    """Seed `accounts` accounts with `days` days of history ending `end_date` (default:
    yesterday in the tenant's time zone). Raises ValidationError for bad arguments, or when
    the tenant already has accounts and `reset` is false."""
    _validate(accounts=accounts, days=days, seed=seed, chunk_size=chunk_size)
    started = time.monotonic()
    period = period_build(end=end_date or _yesterday(tenant), days=days, time_zone=tenant.time_zone)
    result = SeedResult(period_start=period.start, period_end=period.end)
    with transaction.atomic():
        # Serialises two runs for one tenant, so both cannot pass the emptiness check.
        Tenant.objects.select_for_update().get(pk=tenant.pk)
        existing = Account.objects.for_tenant(tenant).count()
        if existing and not reset:
            raise ValidationError(
                f"Tenant {tenant.slug!r} already has {existing} accounts; pass --reset to "
                "delete its customer data and seed it again."
            )
        if reset:
            result.deleted = customer_data_delete(tenant=tenant)
            result.delete_seconds = time.monotonic() - started
        ctx = _context(tenant=tenant, seed=seed, period=period)
        population = population_build(seed=seed, count=accounts, period=period)
        result.rows["metrics.Feature"] = _features_ensure(tenant)
        result.rows["metrics.AcquisitionSpend"] = _spend_create(
            tenant, spend_by_month(seed=seed, population=population, period=period, scale=ctx.scale)
        )
        # The months of history get their partitions of the events table, as they would
        # have had when the events arrived (not the default partition).
        event_partitions_ensure(first=period.start, last=period.end)
        with connection.cursor() as cursor:
            # Foreign keys are checked as each COPY ends rather than all at commit: the
            # same work, without a queue of millions of pending checks.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for low in range(0, accounts, chunk_size):
                high = min(accounts, low + chunk_size)
                specs = [
                    account_build(
                        ctx,
                        ordinal=n + 1,
                        start_day=int(population.start_day[n]),
                        tier_index=int(population.tier[n]),
                        health=float(population.health[n]),
                    )
                    for n in range(low, high)
                ]
                _write(cursor, specs, tenant=tenant, seed=seed, period=period, rows=result.rows)
                if progress is not None:
                    progress(high, accounts, result.rows["metrics.UsageEvent"])
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's constraints' default
        result.subsidiaries = hierarchies_build(tenant=tenant, seed=seed)
        result.rows.update(playbooks_demo(tenant=tenant, day=period.end))
        result.rows.update(surveys_demo(tenant=tenant, day=period.end, seed=seed))
        result.rows.update(onboarding_demo(tenant=tenant, day=period.end, seed=seed))
        result.rows.update(portal_demo(tenant=tenant))
        result.rows.update(onboarding_checkins_demo(tenant=tenant, day=period.end))
        result.rows.update(webhooks_demo(tenant=tenant, now=timezone.now()))
        result.rows.update(knowledgebase_demo(tenant=tenant, seed=seed))
        result.rows.update(saved_views_demo(tenant=tenant))
    result.seconds = time.monotonic() - started
    return result


def _validate(*, accounts: int, days: int, seed: int, chunk_size: int) -> None:
    errors = {}
    if accounts < 1:
        errors["accounts"] = f"Give at least 1 account (got {accounts})."
    if not 1 <= days <= MAX_DAYS:
        errors["days"] = f"Give between 1 and {MAX_DAYS} days of history (got {days})."
    if seed < 0:
        errors["seed"] = f"The seed must be zero or a positive integer (got {seed})."
    if chunk_size < 1:
        errors["chunk_size"] = f"Give at least 1 account per chunk (got {chunk_size})."
    if errors:
        raise ValidationError(errors)


def _yesterday(tenant: Tenant) -> date:
    return datetime.now(ZoneInfo(tenant.time_zone)).date() - timedelta(days=1)


def _context(*, tenant: Tenant, seed: int, period: Period) -> Context:
    members = list(
        Membership.objects.for_tenant(tenant)
        .filter(role__in=list(OWNER_WEIGHTS))
        .order_by("id")
        .values_list("id", "role")
    )
    owners = [pk for pk, _ in members] or [None]
    weights = np.array([OWNER_WEIGHTS[role] for _, role in members] or [1.0])
    churn_reasons_ensure_defaults(tenant=tenant)
    scorecards_ensure_defaults(tenant=tenant)
    alert_rules_ensure_defaults(tenant=tenant)
    reasons = list(
        ChurnReason.objects.for_tenant(tenant)
        .filter(is_active=True)
        .order_by("key")
        .values_list("id", "key", "label")
    )
    return Context(
        seed=seed,
        period=period,
        scale=CURRENCY_SCALE.get(tenant.currency, 1),
        owners=owners,
        owner_weights=weights / weights.sum(),
        reasons=reasons,
    )


def _features_ensure(tenant: Tenant) -> int:
    """Add the demo catalog; a tenant's own mapping of the same event names is kept."""
    before = Feature.objects.for_tenant(tenant).count()
    Feature.objects.for_tenant(tenant).bulk_create(
        [
            Feature(tenant=tenant, event_name=event, feature=feature, is_core=core)
            for event, feature, core, _ in FEATURES
        ],
        ignore_conflicts=True,
    )
    return Feature.objects.for_tenant(tenant).count() - before


def _spend_create(tenant: Tenant, months: list[tuple[date, int]]) -> int:
    before = AcquisitionSpend.objects.for_tenant(tenant).count()
    AcquisitionSpend.objects.for_tenant(tenant).bulk_create(
        [
            AcquisitionSpend(
                tenant=tenant,
                month=month,
                amount=amount,
                currency=tenant.currency,
                note="Demo data: paid campaigns, events and sales development.",
            )
            for month, amount in months
        ],
        ignore_conflicts=True,  # spend the tenant entered itself wins
    )
    return AcquisitionSpend.objects.for_tenant(tenant).count() - before


def _write(cursor, specs, *, tenant: Tenant, seed: int, period: Period, rows: Counter) -> None:
    account_ids = ids_reserve(cursor, Account, len(specs))
    contact_pool = ids_reserve(cursor, Contact, sum(len(s.contacts) for s in specs))
    contact_ids, used = [], 0
    for spec in specs:
        contact_ids.append(contact_pool[used : used + len(spec.contacts)])
        used += len(spec.contacts)
    chunk = ChunkRows(
        specs=specs,
        tenant_id=tenant.pk,
        currency=tenant.currency,
        seed=seed,
        period=period,
        account_ids=account_ids,
        contact_ids=contact_ids,
    )
    for model, fields, lines in chunk.tables():
        rows[model._meta.label] += copy_rows(cursor, model, fields, lines)
