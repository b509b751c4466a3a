"""The webhook events of the health app: `task.opened` and `account.health_band_changed`.

Each emits in the caller's transaction, reading what the events carry only when an endpoint
subscribes (`tenants.services.webhooks.webhook_events_emit`).
"""

from datetime import date

from django.db.models import F, OuterRef, Subquery

from accounts.models import Account
from health.models import HealthScore, Task
from tenants.models import Tenant
from tenants.services.webhooks import webhook_events_emit


def tasks_opened_emit(*, tenant: Tenant, tasks: list[Task]) -> int:
    """`task.opened` for each task just opened."""
    if not tasks:
        return 0

    def items():
        accounts = dict(
            Account.objects.for_tenant(tenant)
            .filter(pk__in={task.account_id for task in tasks})
            .values_list("pk", "external_id")
        )
        return [
            {
                "task_id": task.pk,
                "account_id": task.account_id,
                "account_external_id": accounts.get(task.account_id),
                "title": task.title,
                "kind": task.kind,
                "priority": task.priority,
                "due_on": task.due_on,
                "assignee_id": task.assignee_id,
            }
            for task in tasks
        ]

    return webhook_events_emit(tenant=tenant, event_type="task.opened", items=items)


def health_bands_changed_emit(*, tenant: Tenant, day: date) -> int:
    """`account.health_band_changed` for each account whose band on `day` differs from its
    band on its previous scored day (one query, however many accounts)."""

    def items():
        previous = (
            HealthScore.objects.for_tenant(tenant)
            .filter(account_id=OuterRef("account_id"), day__lt=day, band__isnull=False)
            .order_by("-day")
            .values("band")[:1]
        )
        rows = (
            HealthScore.objects.for_tenant(tenant)
            .filter(day=day, band__isnull=False)
            .annotate(previous_band=Subquery(previous))
            .exclude(previous_band=None)
            .exclude(band=F("previous_band"))
            .order_by("account_id")
            .values(
                "account_id", "account__external_id", "account__name", "score", "band",
                "previous_band",
            )
        )  # fmt: skip
        return [
            {
                "account_id": row["account_id"],
                "account_external_id": row["account__external_id"],
                "account_name": row["account__name"],
                "day": day,
                "score": row["score"],
                "band": row["band"],
                "previous_band": row["previous_band"],
            }
            for row in rows
        ]

    return webhook_events_emit(tenant=tenant, event_type="account.health_band_changed", items=items)
