"""Structured logs: what every log line carries, and the JSON formatter (python-json-logger).

Each line gets the id of the request it belongs to, the active tenant's id and, in a Celery
worker, the task's id, so that the lines of one request or one task can be found together.
The request's own line (requests.py) adds route, status, duration and user.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from celery import current_task

from tenants.tenancy.context import get_current_tenant

_request_id: ContextVar[str | None] = ContextVar("csplatform_request_id", default=None)

# A client's X-Request-ID is kept when it looks like an id (a load balancer's or a tracing
# header's); anything else, or nothing, gets a new one: a header is no place to write
# arbitrary text into the logs.
REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def request_id_for(header: str | None) -> str:
    if header and REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def set_request_id(value: str | None) -> object:
    return _request_id.set(value)


def reset_request_id(token: object) -> None:
    _request_id.reset(token)


class ContextFilter(logging.Filter):
    """Adds request_id, tenant_id and task_id to every record (None where there is none);
    values a caller passed in `extra` are kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        task = current_task._get_current_object() if current_task else None
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get()
        if not hasattr(record, "tenant_id"):
            record.tenant_id = _tenant_id(task)
        if not hasattr(record, "task_id"):
            record.task_id = task.request.id if task is not None else None
        return True


def _tenant_id(task):
    tenant = get_current_tenant()
    if tenant is not None:
        return tenant.pk
    # Celery's own lines about a tenant task (succeeded, retry, failed) are written after
    # the task has left its tenant: the tenant is the task's first argument.
    if task is not None and getattr(task, "acts_for_tenant", False) and task.request.args:
        return task.request.args[0]
    return None
