"""Writes to the feature catalog, acquisition spend and churn records, each in one
transaction with the dirty-day marks of the figures it changes."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from metrics.engine.calendar import month_start
from metrics.models import AcquisitionSpend, ChurnRecord, Feature
from metrics.services.dirty_days import figures_mark_dirty
from tenants.models import Tenant


@transaction.atomic
def feature_upsert(*, tenant: Tenant, event_name: str, **values) -> tuple[Feature, bool]:
    """Map an event name to a feature. A core flag set or cleared changes adoption over all
    of history, so every figure is marked."""
    before = (
        Feature.objects.for_tenant(tenant)
        .select_for_update()
        .filter(event_name=event_name)
        .values_list("is_core", flat=True)
        .first()
    )
    feature, created = Feature.objects.for_tenant(tenant).update_or_create(
        tenant=tenant, event_name=event_name, defaults=values
    )
    if bool(before) != feature.is_core:
        figures_mark_dirty(tenant=tenant)
    return feature, created


@transaction.atomic
def feature_delete(*, tenant: Tenant, feature: Feature) -> None:
    if feature.is_core:
        figures_mark_dirty(tenant=tenant)
    feature.delete()


@transaction.atomic
def spend_upsert(*, tenant: Tenant, month: date, **values) -> tuple[AcquisitionSpend, bool]:
    """A month's sales and marketing spend; CAC is computed again from that month on."""
    month = month_start(month)
    values.setdefault("currency", tenant.currency)
    before = (
        AcquisitionSpend.objects.for_tenant(tenant)
        .filter(month=month)
        .values_list("amount", flat=True)
        .first()
    )
    spend, created = AcquisitionSpend.objects.for_tenant(tenant).update_or_create(
        tenant=tenant, month=month, defaults=values
    )
    if created or before != spend.amount:
        figures_mark_dirty(tenant=tenant, since=month)
    return spend, created


@transaction.atomic
def spend_delete(*, tenant: Tenant, spend: AcquisitionSpend) -> None:
    figures_mark_dirty(tenant=tenant, since=spend.month)
    spend.delete()


@transaction.atomic
def churn_record_save(*, tenant: Tenant, record: ChurnRecord | None = None, **values):
    """Create a churn record, or give one its reason or note. Churn figures come from the
    subscription terms, so no figure changes; an account churns once a day."""
    if record is None:
        record = ChurnRecord(tenant=tenant)
    for name, value in values.items():
        setattr(record, name, value)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError(
            {"churned_on": "This account already has a churn record for that day."}
        ) from None
    return record
