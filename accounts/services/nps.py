"""Recording NPS answers; an answer with an external id is an upsert (resending is safe)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import NpsResponse
from accounts.webhook_events import nps_answered_emit
from metrics import changes as metrics_changes
from tenants.models import Tenant

UNIQUE_XID = "nps_unique_xid"


@transaction.atomic
def nps_response_update(*, response: NpsResponse, **values) -> NpsResponse:
    if "contact" in values and "account" not in values:
        values["account"] = values["contact"].account
    answered_before = response.answered_at
    taken = _("Another answer has this external_id.")
    external_id = values.get("external_id")
    others = NpsResponse.objects.for_tenant(response.tenant).exclude(pk=response.pk)
    if external_id and others.filter(external_id=external_id).exists():
        raise ValidationError({"external_id": taken})
    for name, value in values.items():
        setattr(response, name, value)
    try:
        with transaction.atomic():  # a savepoint: the answer may be taken since the check
            response.save(update_fields=list(values))
    except IntegrityError as error:
        if getattr(getattr(error.__cause__, "diag", None), "constraint_name", "") != UNIQUE_XID:
            raise
        raise ValidationError({"external_id": taken}) from None
    _figures_change(response, answered_before)
    return response


def _figures_change(response: NpsResponse, answered_before=None) -> None:
    """NPS figures change from the day of the answer (or of its old time, if earlier)."""
    metrics_changes.nps_answer_changed(
        tenant=response.tenant, answered_at=[response.answered_at, answered_before]
    )


@transaction.atomic
def nps_response_record(
    *, tenant: Tenant, external_id: str | None = None, **values
) -> tuple[NpsResponse, bool]:
    if values.get("account") is None and values.get("contact") is not None:
        values["account"] = values["contact"].account  # the contact's account when not named
    if not external_id:
        response = NpsResponse.objects.create(tenant=tenant, **values)
        _figures_change(response)
        nps_answered_emit(tenant=tenant, response=response)
        return response, True
    before = (
        NpsResponse.objects.for_tenant(tenant)
        .filter(external_id=external_id)
        .values_list("answered_at", flat=True)
        .first()
    )
    response, created = NpsResponse.objects.for_tenant(tenant).update_or_create(
        tenant=tenant, external_id=external_id, defaults=values
    )
    _figures_change(response, before)
    if created:  # a resent answer is not a new one
        nps_answered_emit(tenant=tenant, response=response)
    return response, created
