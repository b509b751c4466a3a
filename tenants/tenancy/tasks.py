"""Celery tasks that act for one tenant (queued through the outbox, `tenants.tenancy.outbox`)."""

from celery import shared_task

from tenants.tenancy.context import tenant_scope


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
        return shared_task(**options)(run)

    return decorate
