"""What a CSM writes on a churn record: the reason from the tenant's taxonomy and a note.

The engine owns the other fields (date, tenure, last MRR, engagement trend) and keeps a
record that has a reason or a note even when its days are recomputed (metrics/engine/churn.py).
"""

from django.db import transaction

from metrics.models import ChurnReason, ChurnRecord
from tenants.models import Tenant


@transaction.atomic
def churn_record_explain(
    *, tenant: Tenant, record: ChurnRecord, reason: ChurnReason, note: str
) -> ChurnRecord:
    """Record why the account churned (the audit log keeps who changed what)."""
    record = ChurnRecord.objects.for_tenant(tenant).select_for_update().get(pk=record.pk)
    if reason.tenant_id != tenant.pk:
        raise ValueError("The reason belongs to another tenant.")
    record.reason = reason
    record.note = note.strip()
    record.save(update_fields=["reason", "note", "updated_at"])
    return record
