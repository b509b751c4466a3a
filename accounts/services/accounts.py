"""Creating and updating accounts, contacts and subscription terms by external id (upserts),
and notes on accounts.

Callers pass validated values (API serializers, CSV import, Segment identify/group). Each
upsert also attaches usage events that arrived before the account or contact did.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, AccountNote, Contact, Subscription
from accounts.models.account import LifecycleStage
from accounts.services.hierarchy import account_parent_problem
from accounts.webhook_events import accounts_churned_emit
from metrics import changes as metrics_changes
from tenants.models import Tenant


def _upsert(model, *, tenant: Tenant, external_id: str, values: dict):
    obj, created = (
        model.objects.for_tenant(tenant)
        .select_for_update()
        .get_or_create(tenant=tenant, external_id=external_id, defaults=values)
    )
    if not created:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])
        obj._changed_fields = changed
    else:
        obj._changed_fields = list(values)
    return obj, created


# An account's segment and owner place it in the figures' cuts, over all of history.
ACCOUNT_CUT_FIELDS = {"segment", "owner"}


@transaction.atomic
def account_upsert(*, tenant: Tenant, external_id: str, **values) -> tuple[Account, bool]:
    if values.get("parent") is not None:
        # Hierarchy changes of one tenant take turns, so that two at once cannot close a
        # cycle that neither sees alone.
        # FOR NO KEY UPDATE: other writes' foreign-key checks on the tenant row still pass.
        Tenant.objects.select_for_update(no_key=True).filter(pk=tenant.pk).exists()
        account_pk = (
            Account.objects.for_tenant(tenant)
            .filter(external_id=external_id)
            .values_list("pk", flat=True)
            .first()
        )
        problem = account_parent_problem(
            tenant=tenant, account_pk=account_pk, parent=values["parent"]
        )
        if problem:
            raise ValidationError({"parent": problem})
    account, created = _upsert(Account, tenant=tenant, external_id=external_id, values=values)
    if created:
        metrics_changes.account_created(tenant=tenant, account=account)
    elif ACCOUNT_CUT_FIELDS & set(account._changed_fields):
        metrics_changes.account_changed(tenant=tenant)
    if "traits" in account._changed_fields and not created:
        metrics_changes.account_traits_changed(tenant=tenant, account=account)
    if account.lifecycle_stage == LifecycleStage.CHURNED and (
        created or "lifecycle_stage" in account._changed_fields
    ):
        accounts_churned_emit(tenant=tenant, accounts=[account])
    return account, created


@transaction.atomic
def account_delete(*, tenant: Tenant, account: Account) -> None:
    metrics_changes.account_changed(tenant=tenant)
    account.delete()


@transaction.atomic
def contact_upsert(*, tenant: Tenant, external_id: str, **values) -> tuple[Contact, bool]:
    contact, created = _upsert(Contact, tenant=tenant, external_id=external_id, values=values)
    if created or "account" in contact._changed_fields:
        metrics_changes.contact_created(tenant=tenant, contact=contact)
    return contact, created


# Changes to these fields change the KPIs of the days the term covers.
TERM_METRIC_FIELDS = {"account", "start_date", "end_date", "mrr"}


@transaction.atomic
def subscription_upsert(*, tenant: Tenant, external_id: str, **values) -> tuple[Subscription, bool]:
    values.setdefault("currency", tenant.currency)
    before = (
        Subscription.objects.for_tenant(tenant)
        .filter(external_id=external_id)
        .values("start_date", "end_date")
        .first()
    )
    term, created = _upsert(Subscription, tenant=tenant, external_id=external_id, values=values)
    if created or TERM_METRIC_FIELDS & set(term._changed_fields):
        old = [Subscription(**before)] if before else []
        metrics_changes.terms_changed(tenant=tenant, terms=[term, *old])
    return term, created


@transaction.atomic
def subscription_delete(*, tenant: Tenant, subscription: Subscription) -> None:
    metrics_changes.terms_changed(tenant=tenant, terms=[subscription])
    subscription.delete()


def merge_traits(existing: dict, incoming: dict) -> dict:
    """Segment semantics: traits sent now overwrite those keys, others are kept."""
    return {**(existing or {}), **(incoming or {})}


@transaction.atomic
def note_create(*, tenant: Tenant, account: Account, body: str, author=None, occurred_at=None):
    return AccountNote.objects.create(
        tenant=tenant,
        account=account,
        author=author,
        body=body,
        occurred_at=occurred_at or timezone.now(),
    )
