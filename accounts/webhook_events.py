"""The webhook events of customer accounts: `account.churned` and `nps.answered`.

Each emits in the caller's transaction, reading what the events carry only when an endpoint
subscribes (`tenants.services.webhooks.webhook_events_emit`).
"""

from accounts.models import Account, NpsResponse
from tenants.models import Tenant
from tenants.services.webhooks import webhook_events_emit


def accounts_churned_emit(*, tenant: Tenant, accounts) -> int:
    """`account.churned` for each of `accounts` (a queryset or list of accounts whose
    lifecycle stage just became churned)."""

    def items():
        rows = (
            Account.objects.for_tenant(tenant)
            .filter(pk__in=[a.pk for a in accounts] if isinstance(accounts, list) else accounts)
            .order_by("pk")
            .values("pk", "external_id", "name", "lifecycle_stage")
        )
        return [
            {
                "account_id": row["pk"],
                "account_external_id": row["external_id"],
                "account_name": row["name"],
                "lifecycle_stage": row["lifecycle_stage"],
            }
            for row in rows
        ]

    if isinstance(accounts, list) and not accounts:
        return 0
    return webhook_events_emit(tenant=tenant, event_type="account.churned", items=items)


def nps_answered_emit(*, tenant: Tenant, response: NpsResponse) -> int:
    """`nps.answered` for an answer just recorded."""

    def items():
        account = response.account
        contact = response.contact
        return [
            {
                "nps_response_id": response.pk,
                "external_id": response.external_id,
                "score": response.score,
                "comment": response.comment,
                "answered_at": response.answered_at,
                "account_id": response.account_id,
                "account_external_id": account.external_id if account else None,
                "account_name": account.name if account else None,
                "contact_external_id": contact.external_id if contact else None,
            }
        ]

    return webhook_events_emit(tenant=tenant, event_type="nps.answered", items=items)
