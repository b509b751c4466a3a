"""The validation pass of an import job: every row checked, nothing written but the job.

File-level checks (header, duplicate external ids) and every row with the API serializer's
rules and messages (`rows`), the records they name found for the whole file at once through a
few queries (`staging`); the result is a preview of the first rows, how many rows would
create or update a record, and every error with its line. Run by the `validate_import` task.
"""

import logging

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.csv_io import progress
from accounts.csv_io.formats import (
    FORMATS,
    CsvFileError,
    chunked,
    count_rows,
    header_problems,
    iter_rows,
    no_rows_message,
    read_table,
)
from accounts.csv_io.jobs import uploader_language
from accounts.csv_io.rows import Actor, FileChecker, row_error
from accounts.csv_io.staging import records_find
from accounts.models import ImportJob
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
MAX_STORED_ERRORS = 1000
CHUNK_ROWS = 5000  # rows read between two progress reports

Status = ImportJob.Status


class _Errors:
    """Counts every error, keeps the first MAX_STORED_ERRORS (a whole bad file is not stored)."""

    def __init__(self):
        self.kept: list[dict] = []
        self.count = 0

    def add(self, error: dict) -> None:
        self.count += 1
        if len(self.kept) < MAX_STORED_ERRORS:
            self.kept.append(error)


def import_job_validate(*, tenant: Tenant, job_id: int) -> ImportJob:
    """Check the job's file unless it has a result already, in its uploader's language.

    Checking writes nothing but the job, so a task redelivered after its worker died simply
    checks a `validating` job again; a job with a result is left alone.
    """
    with translation.override(uploader_language(tenant=tenant, job_id=job_id)):
        return _job_validate(tenant, job_id)


def _job_validate(tenant: Tenant, job_id: int) -> ImportJob:
    jobs = ImportJob.objects.for_tenant(tenant)
    claimed = jobs.filter(pk=job_id, status__in=(Status.UPLOADED, Status.VALIDATING)).update(
        status=Status.VALIDATING, updated_at=timezone.now()
    )
    if not claimed:
        return jobs.defer("content").get(pk=job_id)
    job = jobs.get(pk=job_id)
    job.content_sha256 = job.content_digest()
    try:
        with tenant_scope(tenant):
            _validate(job, tenant)
    except Exception:
        logger.exception("Validating import job %s failed", job_id)
        job.status = Status.FAILED
        job.message = _(
            "Checking the file failed unexpectedly. Upload it again; if this repeats, tell support."
        )
    job.validated_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "content_sha256",
            "row_count",
            "create_count",
            "update_count",
            "columns",
            "preview",
            "errors",
            "error_count",
            "message",
            "validated_at",
            "updated_at",
        ]
    )
    return job


def _validate(job: ImportJob, tenant: Tenant) -> None:
    fmt = FORMATS[job.kind]
    errors = _Errors()
    job.create_count = job.update_count = 0
    job.preview = []
    try:
        table = read_table(job.content)
        job.columns = table.columns
        for problem in header_problems(table, fmt):
            errors.add(row_error(table.header_line, "", problem))
        if not errors.count:
            _check_rows(job, table, fmt, Actor(tenant, job.created_by), errors)
    except CsvFileError as error:
        errors.add(row_error(error.line, "", str(error)))
    if not job.row_count and not errors.count:
        errors.add(row_error(1, "", no_rows_message()))
    job.errors, job.error_count = errors.kept, errors.count
    job.status = Status.INVALID if errors.count else Status.VALIDATED


def _check_rows(job, table, fmt, actor, errors: _Errors) -> None:
    job.row_count = total = count_rows(table)
    progress.report(job, phase=Status.VALIDATING, done=0, total=total)
    checker = FileChecker(fmt, table.columns, actor)
    for chunk in chunked(iter_rows(table), CHUNK_ROWS):
        checker.read(chunk, preview=PREVIEW_ROWS)
        if checker.row_count < total:  # the last step is reported once the file is settled
            progress.report(job, phase=Status.VALIDATING, done=checker.row_count, total=total)
    checker.settle(records_find(checker, tenant_id=actor.tenant.pk, lock=False))
    for row in sorted(checker.errors):
        for error in checker.errors[row]:
            errors.add(error)
    job.create_count = checker.actions.count("create")
    job.update_count = checker.actions.count("update")
    job.preview = [
        {"line": line, "action": action, "cells": cells}
        for line, action, cells in zip(
            checker.lines, checker.actions, checker.first_cells, strict=False
        )
    ]
    progress.report(job, phase=Status.VALIDATING, done=total, total=total)
