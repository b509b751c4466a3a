"""Services of the import pages: store an uploaded file as a job, request that it be applied.

Each queues its Celery task after the transaction commits; the tasks claim the job with a
conditional UPDATE (or a row lock), so a duplicated task changes nothing.
"""

from django.db import transaction
from django.utils import timezone, translation

from accounts.models import ImportJob
from tenants.audit.services import UPDATE, audit_record
from tenants.language.preference import preferred_language
from tenants.models import Membership, Tenant, UserPreference
from tenants.tenancy.outbox import enqueue_on_commit

Status = ImportJob.Status


@transaction.atomic
def import_job_create(
    *, tenant: Tenant, created_by: Membership | None, kind: str, filename: str, content: str
) -> ImportJob:
    """Store a file the upload form accepted; its validation runs after commit."""
    from accounts.tasks import validate_import

    job = ImportJob.objects.create(
        tenant=tenant,
        kind=kind,
        original_filename=filename[:255],
        content=content,
        created_by=created_by,
        language=translation.get_language() or "",
    )
    enqueue_on_commit(validate_import, tenant, job.pk)
    return job


@transaction.atomic
def import_job_request_apply(*, tenant: Tenant, job: ImportJob) -> bool:
    """Move a validated job without errors to `applying` and queue the apply; False if the
    job was not in that state (it has errors, or is being or was applied already)."""
    from accounts.tasks import apply_import

    claimed = (
        ImportJob.objects.for_tenant(tenant)
        .filter(pk=job.pk, status=Status.VALIDATED, error_count=0)
        .update(status=Status.APPLYING, updated_at=timezone.now())
    )
    if claimed:
        # A conditional UPDATE sends no model signal: who applied the file is written here.
        audit_record(
            instance=job, action=UPDATE, changes={"status": [Status.VALIDATED, Status.APPLYING]}
        )
        enqueue_on_commit(apply_import, tenant, job.pk)
    return bool(claimed)


def uploader_language(*, tenant: Tenant, job_id: int) -> str:
    """The language the job's messages are written in: the uploader's saved choice, else
    that of their pages when they uploaded (their browser's), else the site's. The checks run
    in a task, long after the upload's request, and the messages are stored."""
    job = ImportJob.objects.for_tenant(tenant).filter(pk=job_id)
    chosen = UserPreference.objects.filter(user__memberships__in=job.values("created_by"))
    return preferred_language(chosen, default=job.values_list("language", flat=True).first())
