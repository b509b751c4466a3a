"""Handing new usage events to the onboarding steps that wait for them.

The ingestion statement itself names the new events' names that an open step waits for
(metrics/ingestion/events.py), so a batch costs nothing more when none does, and otherwise
one task handed to the broker for the whole batch, whatever its size. The task counts, for each open
step of the batch's accounts, the step's event since its plan started (stopping at the
number it needs) and completes the steps that reached it. A periodic sweep does the same
for every open step, so a step is completed even when the queued task was lost."""

import logging
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Account, Contact
from metrics.engine.calendar import local_midnight
from metrics.models import UsageEvent
from onboarding.models import CompletedBy, PlanStatus, PlanStep, StepStatus
from onboarding.selectors.milestones import open_event_steps
from onboarding.services.auto_steps import steps_complete_auto, trait_steps_check
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope
from tenants.tenancy.outbox import BROKER_ERRORS

logger = logging.getLogger(__name__)


def batch_hand_over(*, tenant: Tenant, events: list, accepted: list[int], names) -> None:
    """Queue the onboarding check of a stored batch: the accounts and contacts named by its
    accepted events (by index into `events`) with one of `names`."""
    names = set(names)
    account_ids, contact_ids = set(), set()
    for index in accepted:
        event = events[index]
        if event.get("event") in names:
            account_ids.add(event.get("account_external_id") or "")
            contact_ids.add(event.get("contact_external_id") or "")
    account_ids.discard("")
    contact_ids.discard("")
    arguments = [tenant.pk, sorted(names), sorted(account_ids), sorted(contact_ids)]
    transaction.on_commit(lambda: _send(arguments), robust=True)


def _send(arguments: list) -> None:
    """Hand the check to the broker. Not through the outbox: its row and its marking as sent
    would cost the batch several statements more, and a check lost with an unreachable broker
    is made by the sweep within minutes anyway."""
    from metrics.tasks import onboarding_events_check  # tasks import this module

    try:
        onboarding_events_check.apply_async(arguments, retry=False)  # one short attempt
    except BROKER_ERRORS as error:
        logger.warning("onboarding check not queued (the sweep makes it): %s", error)


# For each step: its account, event name, the plan's start and the number needed. The count
# stops at that number, so a busy account costs no more than the step asks for.
_REACHED_SQL = f"""
SELECT s.step
FROM unnest(%(steps)s::bigint[], %(accounts)s::bigint[], %(names)s::text[],
            %(since)s::timestamptz[], %(needed)s::int[]) AS s(step, account, name, since, needed)
WHERE (SELECT count(*) FROM (
          SELECT 1 FROM {UsageEvent._meta.db_table} e
          WHERE e.account_id = s.account AND e.event = s.name AND e.timestamp >= s.since
            AND e.tenant_id = %(tenant)s
          LIMIT s.needed) AS found) >= s.needed
"""  # noqa: S608


def _reached(tenant: Tenant, steps: list[PlanStep]) -> list[PlanStep]:
    if not steps:
        return []
    params = {
        "tenant": tenant.pk,
        "steps": [step.pk for step in steps],
        "accounts": [step.plan.account_id for step in steps],
        "names": [step.event_name for step in steps],
        "since": [local_midnight(step.plan.started_on, tenant.time_zone) for step in steps],
        "needed": [step.event_count for step in steps],
    }
    with connection.cursor() as cursor:
        cursor.execute(_REACHED_SQL, params)
        reached = {step_id for (step_id,) in cursor.fetchall()}
    return [step for step in steps if step.pk in reached]


def onboarding_events_check(
    *,
    tenant: Tenant,
    names: list[str],
    account_external_ids: list[str],
    contact_external_ids: list[str],
    now: datetime | None = None,
) -> int:
    """Complete the open event steps, on `names`, of the accounts the events named (directly
    or through their contacts) that have now seen their event often enough."""
    with tenant_scope(tenant):
        accounts = set(
            Account.objects.filter(external_id__in=account_external_ids).values_list(
                "pk", flat=True
            )
        )
        accounts |= set(
            Contact.objects.filter(
                external_id__in=contact_external_ids, account_id__isnull=False
            ).values_list("account_id", flat=True)
        )
    if not accounts:
        return 0
    steps = open_event_steps(tenant, accounts=sorted(accounts), names=names)
    return steps_complete_auto(tenant=tenant, steps=_reached(tenant, steps), now=now)


def onboarding_steps_sweep(*, tenant: Tenant, now: datetime | None = None) -> int:
    """Every open automatic step of the tenant's running plans, checked: event steps
    against the events stored, trait steps against the accounts' traits."""
    now = now or timezone.now()
    completed = steps_complete_auto(
        tenant=tenant, steps=_reached(tenant, open_event_steps(tenant)), now=now
    )
    with tenant_scope(tenant):
        waiting = Account.objects.filter(
            pk__in=PlanStep.objects.filter(
                status=StepStatus.OPEN,
                completed_by=CompletedBy.TRAIT,
                plan__status=PlanStatus.RUNNING,
            ).values("plan__account_id")
        )
        waiting = list(waiting)
    for account in waiting:
        completed += trait_steps_check(tenant=tenant, account=account, now=now)
    return completed
