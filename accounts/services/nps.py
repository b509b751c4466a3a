"""Recording NPS answers; an answer with an external id is an upsert (resending is safe)."""

from django.db import transaction

from accounts.models import NpsResponse
from metrics import changes as metrics_changes
from tenants.models import Tenant


@transaction.atomic
def nps_response_update(*, response: NpsResponse, **values) -> NpsResponse:
    if "contact" in values and "account" not in values:
        values["account"] = values["contact"].account
    answered_before = response.answered_at
    for name, value in values.items():
        setattr(response, name, value)
    response.save(update_fields=list(values))
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
    return response, created
