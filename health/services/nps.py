"""Recording NPS answers; an answer with an external id is an upsert (resending is safe)."""

from django.db import transaction

from accounts.models import Tenant
from health.models import NpsResponse


@transaction.atomic
def nps_response_update(*, response: NpsResponse, **values) -> NpsResponse:
    if "contact" in values and "account" not in values:
        values["account"] = values["contact"].account
    for name, value in values.items():
        setattr(response, name, value)
    response.save(update_fields=list(values))
    return response


@transaction.atomic
def nps_response_record(
    *, tenant: Tenant, external_id: str | None = None, **values
) -> tuple[NpsResponse, bool]:
    if values.get("account") is None and values.get("contact") is not None:
        values["account"] = values["contact"].account  # the contact's account when not named
    if not external_id:
        return NpsResponse.objects.create(tenant=tenant, **values), True
    response, created = NpsResponse.objects.for_tenant(tenant).update_or_create(
        tenant=tenant, external_id=external_id, defaults=values
    )
    return response, created
