"""Celery tasks that act for one tenant (queued through the outbox, `tenants.tenancy.outbox`)."""

import logging

from celery import Task, shared_task

from tenants.db.session import entry_point
from tenants.tenancy.context import tenant_scope

logger = logging.getLogger(__name__)


class ApplicationTask(Task):
    """The base of every task (the Celery app's `task_cls`): each run is an entry point of
    the application, as the application role with no tenant until the task sets one, and
    hands its connection back clean, whatever ran before it in the worker."""

    def __call__(self, *args, **kwargs):
        with entry_point():
            return super().__call__(*args, **kwargs)


def tenant_task(**options):
    """Declare a Celery task that runs inside one tenant.

    The task is called with the tenant's id first (`task.delay(tenant.pk, ...)`); the wrapped
    function receives the Tenant and runs with it active, reset afterwards.

    A message sent by the task outbox names its entry (a header, kept by Celery's retries):
    the task does nothing if that entry is done already (a message sent again, or delivered
    twice), and marks it done once the function returns. One that raises leaves it not done,
    for the relay to send again (`tenants.tenancy.outbox`).
    """

    def decorate(func):
        def run(self, tenant_id, *args, **kwargs):
            from tenants.models import Tenant
            from tenants.tenancy.outbox import outbox_entry_done, outbox_entry_is_done

            entry_id = _outbox_entry_id(self.request)
            tenant = Tenant.objects.get(pk=tenant_id)
            with tenant_scope(tenant):
                if entry_id is not None and outbox_entry_is_done(entry_id):
                    logger.info("Outbox entry %s is done already: not run again", entry_id)
                    return None
                result = func(tenant, *args, **kwargs)
                if entry_id is not None:
                    outbox_entry_done(entry_id)
                return result

        run.__name__ = func.__name__
        run.__qualname__ = func.__qualname__
        run.__module__ = func.__module__
        run.__doc__ = func.__doc__
        options.setdefault("name", f"{func.__module__}.{func.__name__}")
        # Read by the logs (tenants/observability/logs.py): the tenant id is the first
        # argument, for Celery's own lines about the task written outside its tenant_scope.
        options["acts_for_tenant"] = True
        options["bind"] = True  # `run` reads its message's headers from `self.request`
        return shared_task(**options)(run)

    return decorate


def _outbox_entry_id(request) -> int | None:
    """The outbox entry a message names: a custom header is an attribute of the request of a
    worker, and in `request.headers` of a task run eagerly (or retried)."""
    from tenants.tenancy.outbox import ENTRY_HEADER

    value = getattr(request, ENTRY_HEADER, None)
    if value is None:
        value = (request.headers or {}).get(ENTRY_HEADER)
    return int(value) if value is not None else None
