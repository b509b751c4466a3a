"""Read queries of the import pages; the stored file (`content`) is never loaded by them."""

from accounts.models import ImportJob

RECENT_JOBS = 20


def import_jobs_recent(limit: int = RECENT_JOBS):
    return ImportJob.objects.select_related("created_by__user").defer(
        "content", "columns", "preview", "errors"
    )[:limit]


def import_job_detail():
    return ImportJob.objects.select_related("created_by__user").defer("content")
