"""Celery tasks that act for one tenant (queued through the outbox, `tenants.tenancy.outbox`)."""

from celery import Task, shared_task

from tenants.db.session import entry_point
from tenants.tenancy.context import tenant_scope


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
    """

    def decorate(func):
        def run(tenant_id, *args, **kwargs):
            from tenants.models import Tenant

            tenant = Tenant.objects.get(pk=tenant_id)
            with tenant_scope(tenant):
                return func(tenant, *args, **kwargs)

        run.__name__ = func.__name__
        run.__qualname__ = func.__qualname__
        run.__module__ = func.__module__
        run.__doc__ = func.__doc__
        options.setdefault("name", f"{func.__module__}.{func.__name__}")
        # Read by the logs (tenants/observability/logs.py): the tenant id is the first
        # argument, for Celery's own lines about the task written outside its tenant_scope.
        options["acts_for_tenant"] = True
        return shared_task(**options)(run)

    return decorate
