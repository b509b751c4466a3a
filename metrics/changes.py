"""The one door through which the layers below metrics (tenants, accounts, onboarding) report
a change.

Figures are made of tenant settings, customer accounts, subscription terms, NPS answers and
usage events. The code that writes those lives below metrics and must not know how figures
are computed; it calls these functions, in its own transaction, and metrics decides what to
recompute. This module is the only exception to the import contract (`pyproject.toml`).
"""

from datetime import date, datetime

from django.db.models.functions import Now

from metrics.models import MetricsState
from metrics.services.attribution import (
    events_attach_account,
    events_attach_accounts,
    events_attach_contact,
    events_attach_contacts,
)
from metrics.services.churn_reasons import churn_reasons_ensure_defaults
from metrics.services.dirty_days import BEGINNING, figures_mark_dirty, local_day, terms_mark_changed
from metrics.services.erasure import contact_events_erase
from onboarding.services.auto_steps import trait_steps_check, trait_steps_check_many
from tenants.models import Tenant
from tenants.tenancy.outbox import enqueue_on_commit

# Tenant fields that change metric definitions: every figure is computed again.
METRIC_SETTINGS = frozenset(
    {
        "renewal_grace_days",
        "gross_margin",
        "adoption_min_days",
        "nps_window_days",
        "activation_event",
        "first_value_event",
    }
)

__all__ = [
    "METRIC_SETTINGS",
    "account_changed",
    "account_traits_changed",
    "accounts_traits_changed",
    "account_created",
    "accounts_created",
    "contact_created",
    "contacts_created",
    "contact_erased",
    "nps_answer_changed",
    "onboarding_changed",
    "tenant_created",
    "tenant_settings_changed",
    "terms_changed",
]


def tenant_created(*, tenant: Tenant) -> None:
    """A new tenant starts with the default churn reason taxonomy."""
    churn_reasons_ensure_defaults(tenant=tenant)


def tenant_settings_changed(*, tenant: Tenant, fields) -> None:
    """`fields` of the tenant were just saved. A metric setting recomputes every figure; a new
    time zone moves every local day, so every rollup is rebuilt: a rebuild of the whole
    history is requested, and a run to do it is queued when the change commits."""
    fields = set(fields)
    if "time_zone" in fields:
        MetricsState.objects.for_tenant(tenant).update(rebuild_requested_at=Now())
        figures_mark_dirty(tenant=tenant, since=BEGINNING)
        from metrics.tasks import nightly  # tasks import the services this module serves

        enqueue_on_commit(nightly, tenant)
    elif METRIC_SETTINGS & fields:
        figures_mark_dirty(tenant=tenant, since=BEGINNING)


def account_created(*, tenant: Tenant, account) -> int:
    """Events that named the account's external id before it existed are attached to it."""
    return events_attach_account(tenant=tenant, account=account)


def contact_created(*, tenant: Tenant, contact) -> int:
    """Events that named the contact before it existed (or moved) are attached to it."""
    return events_attach_contact(tenant=tenant, contact=contact)


def accounts_created(*, tenant: Tenant, accounts) -> int:
    """`account_created` for every account of a queryset, at once (a CSV import)."""
    return events_attach_accounts(tenant=tenant, accounts=accounts)


def contacts_created(*, tenant: Tenant, contacts) -> int:
    """`contact_created` for every contact of a queryset, at once (a CSV import)."""
    return events_attach_contacts(tenant=tenant, contacts=contacts)


def account_changed(*, tenant: Tenant, since: date = BEGINNING) -> None:
    """An account's segment, owner or existence changed: its cuts are computed again."""
    figures_mark_dirty(tenant=tenant, since=since)


def account_traits_changed(*, tenant: Tenant, account) -> int:
    """An account's traits changed: the onboarding steps waiting for a trait to reach a value
    are checked. Returns how many completed."""
    return trait_steps_check(tenant=tenant, account=account)


def accounts_traits_changed(*, tenant: Tenant, accounts) -> int:
    """`account_traits_changed` for every account of a queryset, at once (a CSV import)."""
    return trait_steps_check_many(tenant=tenant, accounts=accounts)


def onboarding_changed(*, tenant: Tenant, since: date = BEGINNING) -> None:
    """A plan started or reached a milestone (or a template's milestones changed): the
    activation and time to first value of the cohorts from `since` are computed again."""
    figures_mark_dirty(tenant=tenant, since=since)


def terms_changed(*, tenant: Tenant, terms) -> None:
    """Subscription terms were written or deleted: figures from the first day they touch."""
    terms_mark_changed(tenant=tenant, terms=terms)


def nps_answer_changed(*, tenant: Tenant, answered_at: list[datetime]) -> None:
    """NPS figures change from the earliest local day among the answer's old and new times."""
    days = [local_day(tenant, moment) for moment in answered_at if moment is not None]
    if days:
        figures_mark_dirty(tenant=tenant, since=min(days))


def contact_erased(*, tenant: Tenant, contact) -> int:
    """A contact is erased on request: its usage events are deleted and the days they were
    counted in are computed again. Returns how many events were deleted."""
    return contact_events_erase(tenant=tenant, contact=contact)
