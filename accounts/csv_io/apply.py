"""The apply pass of an import job: the whole file written in one transaction, or nothing.

Every row is checked again (the data may have changed since validation) and saved through
its API serializer, hence the upsert services. The first row that fails rolls everything
back, and the job is marked failed naming that row. Run by the `apply_import` task.
"""

import logging

from django.db import DatabaseError, transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from accounts.csv_io import progress
from accounts.csv_io.formats import (
    FORMATS,
    CsvFileError,
    chunked,
    header_problems,
    iter_rows,
    read_table,
)
from accounts.csv_io.rows import Actor, RowChecker, row_error
from accounts.models import ImportJob
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

logger = logging.getLogger(__name__)

CHUNK_ROWS = 250  # rows per query of existing records, and per progress report

Status = ImportJob.Status


class RowFailed(Exception):
    def __init__(self, error: dict):
        self.error = error
        super().__init__(error["message"])


def import_job_apply(*, tenant: Tenant, job_id: int) -> ImportJob:
    """Write every row of a job in `applying` state, or none.

    The job row stays locked until commit and only an `applying` job is written, so a
    duplicated task waits and then does nothing; a task redelivered after its worker died
    (whose transaction was rolled back) applies the file again.
    """
    jobs = ImportJob.objects.for_tenant(tenant)
    try:
        with transaction.atomic(), tenant_scope(tenant):
            job = jobs.select_for_update(of=("self",)).select_related("created_by").get(pk=job_id)
            if job.status != Status.APPLYING:
                return job  # applied or failed already: a duplicated delivery of the task
            job.create_count, job.update_count = _apply_rows(job, tenant)
            job.status = Status.APPLIED
            job.applied_at = timezone.now()
            job.message = ""
            job.save(
                update_fields=[
                    "status",
                    "create_count",
                    "update_count",
                    "applied_at",
                    "message",
                    "updated_at",
                ]
            )
            return job
    except RowFailed as failure:
        error = failure.error
        where = f"Line {error['line']}" + (f", {error['field']}" if error["field"] else "")
        message = f"{where}: {error['message']} Nothing was imported."
        errors = [error]
    except DatabaseError as failure:
        message = f"The database refused the import ({_first_line(failure)}). Nothing was imported."
        errors = []
    except Exception:
        logger.exception("Applying import job %s failed", job_id)
        message = "Applying the file failed unexpectedly. Nothing was imported; try again."
        errors = []
    jobs.filter(pk=job_id, status=Status.APPLYING).update(
        status=Status.FAILED,
        message=message,
        errors=errors,
        error_count=len(errors),
        updated_at=timezone.now(),
    )
    return jobs.get(pk=job_id)


def _apply_rows(job: ImportJob, tenant: Tenant) -> tuple[int, int]:
    fmt = FORMATS[job.kind]
    try:
        table = read_table(job.content)
    except CsvFileError as error:
        raise RowFailed(row_error(1, "", str(error))) from None
    problems = header_problems(table, fmt)
    if problems:
        raise RowFailed(row_error(table.header_line, "", " ".join(problems)))
    checker = RowChecker(fmt, table.columns, Actor(tenant, job.created_by))
    total = job.row_count
    created = updated = done = 0
    progress.report(job, phase=Status.APPLYING, done=0, total=total)
    try:
        for chunk in chunked(iter_rows(table), CHUNK_ROWS):
            for row in checker.check(chunk):
                if row.errors:
                    raise RowFailed(row.errors[0])
                try:
                    row.serializer.save()
                except ValidationError as error:  # the service's own checks, under its locks
                    field, messages = next(iter(_as_dict(error.detail).items()))
                    raise RowFailed(row_error(row.line, field, str(messages[0]))) from None
                except DatabaseError as error:
                    message = f"The database refused this row: {_first_line(error)}."
                    raise RowFailed(row_error(row.line, "", message)) from error
                if row.instance is None:
                    created += 1
                else:
                    updated += 1
            done += len(chunk)
            progress.report(job, phase=Status.APPLYING, done=done, total=total)
    except CsvFileError as error:
        raise RowFailed(row_error(1, "", str(error))) from None
    return created, updated


def _as_dict(detail) -> dict:
    if isinstance(detail, dict):
        return {("" if key == "non_field_errors" else key): value for key, value in detail.items()}
    return {"": detail if isinstance(detail, list) else [detail]}


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
