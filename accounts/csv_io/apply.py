"""The apply pass of an import job: the whole file written in one transaction, or nothing.

Every row is checked again against the data of the moment (it may have changed since
validation): the rows it updates, the accounts, parents and owners it names, for the whole
file at once; the first row that fails fails the job naming that row. The checks of each cell
on its own are repeated only if the file is not the one validated (its SHA-256 differs). Then
the rows are staged in a temporary table and written with one INSERT of the new rows and one
UPDATE of the changed ones (`writes`), and metrics are told what changed once. A row another
transaction created meanwhile fails the job naming it. A row the
database refuses rolls everything back; the row is found by applying halves of the file
again, each in a savepoint. Run by the `apply_import` task.
"""

import logging

from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.csv_io import progress
from accounts.csv_io.formats import (
    FORMATS,
    CsvFileError,
    chunked,
    header_problems,
    iter_rows,
    read_table,
)
from accounts.csv_io.jobs import uploader_language
from accounts.csv_io.rows import Actor, FileChecker, row_error
from accounts.csv_io.staging import records_find, rows_stage
from accounts.csv_io.writes import (
    changes_report,
    raced_line,
    rows_write,
    written_prepare,
    written_summary,
)
from accounts.models import ImportJob
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

logger = logging.getLogger(__name__)

CHUNK_ROWS = 5000  # rows read between two progress reports

Status = ImportJob.Status


class RowFailed(Exception):
    def __init__(self, error: dict):
        self.error = error
        super().__init__(error["message"])


def import_job_apply(*, tenant: Tenant, job_id: int) -> ImportJob:
    """Write every row of a job in `applying` state, or none.

    The job row stays locked until commit and only an `applying` job is written, so a
    duplicated task waits and then does nothing; a task redelivered after its worker died
    (whose transaction was rolled back) applies the file again. The messages are in the
    uploader's language.
    """
    with translation.override(uploader_language(tenant=tenant, job_id=job_id)):
        return _job_apply(tenant, job_id)


def _job_apply(tenant: Tenant, job_id: int) -> ImportJob:
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
        if error["field"]:
            message = _("Line %(line)s, %(field)s: %(message)s Nothing was imported.") % error
        else:
            message = _("Line %(line)s: %(message)s Nothing was imported.") % error
        errors = [error]
    except DatabaseError as failure:
        message = _("The database refused the import (%(error)s). Nothing was imported.") % {
            "error": _first_line(failure)
        }
        errors = []
    except Exception:
        logger.exception("Applying import job %s failed", job_id)
        message = _("Applying the file failed unexpectedly. Nothing was imported; try again.")
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
    # The checks of each cell on its own depend on the file alone: for the file checked at
    # validation they are not repeated (`trusted`); any other text is checked in full.
    trusted = bool(job.content_sha256) and job.content_sha256 == job.content_digest()
    checker = FileChecker(fmt, table.columns, Actor(tenant, job.created_by), trusted=trusted)
    total = job.row_count
    progress.report(job, phase=Status.APPLYING, done=0, total=total)
    try:
        for chunk in chunked(iter_rows(table), CHUNK_ROWS):
            checker.read(chunk)
            if checker.row_count < total:  # the last step is reported once written
                progress.report(job, phase=Status.APPLYING, done=checker.row_count, total=total)
    except CsvFileError as error:
        raise RowFailed(row_error(1, "", str(error))) from None
    if "parent_external_id" in table.columns:
        # Hierarchy changes of one tenant take turns (as in account_upsert), so that two at
        # once cannot close a cycle that neither sees alone.
        Tenant.objects.select_for_update(no_key=True).filter(pk=tenant.pk).exists()
    checker.settle(records_find(checker, tenant_id=tenant.pk, lock=True))
    failed = checker.first_error()
    if failed is not None:
        raise RowFailed(failed)
    rows_stage(checker)
    written_prepare()
    _write(fmt, table.columns, tenant, checker.lines)
    written = written_summary()
    changes_report(fmt=fmt, tenant=tenant, written=written)
    progress.report(job, phase=Status.APPLYING, done=total, total=total)
    created = checker.actions.count("create")
    return created, checker.row_count - created


def _write(fmt, columns: list[str], tenant: Tenant, lines: list[int]) -> None:
    """Write every staged row; if the database refuses one, find it and fail naming it."""

    def write(after: int, until: int) -> None:
        with transaction.atomic():  # a savepoint: a refused part leaves the rest usable
            rows_write(fmt=fmt, columns=columns, tenant=tenant, after=after, until=until)

    try:
        write(0, lines[-1])
        return
    except DatabaseError as error:
        failure = error
    raced = raced_line(fmt=fmt, tenant=tenant)
    if raced is not None:
        raise RowFailed(
            row_error(
                raced,
                "external_id",
                _("Was created by someone else while the file was applied; apply it again."),
            )
        ) from failure
    # Halves of what is left, keeping each part that is accepted: the first refused row is
    # found with about twice the file's writes, in a number of statements that grows with
    # the logarithm of its rows.
    good, bad = -1, len(lines) - 1  # rows[:good + 1] written; rows[:bad + 1] refused
    while bad - good > 1:
        middle = (good + bad) // 2
        try:
            write(lines[good] if good >= 0 else 0, lines[middle])
            good = middle
        except DatabaseError as error:
            bad, failure = middle, error
    try:
        write(lines[good] if good >= 0 else 0, lines[bad])
    except DatabaseError as error:
        message = _("The database refused this row: %(error)s.") % {"error": _first_line(error)}
        raise RowFailed(row_error(lines[bad], "", message)) from error
    raise failure  # no row alone is refused: the file as a whole


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
