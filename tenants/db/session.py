"""Who the database session acts as: the application role for one tenant, or the owner.

The database backend (`tenants.db.backend`) brings every connection in line with this state
before each statement, so PostgreSQL's row-level security sees what the application sees:

- **the application role** (`DATABASE_APP_ROLE`) with `csplatform.tenant_id` set to the
  active tenant (`tenant_scope`), or to nothing, when no tenant is active, so that no
  tenant-owned row is visible; `csplatform.cross_tenant` is 'on' only inside
  `cross_tenant()`, the named paths that cross tenants on purpose;
- **the owner** (the login role that owns the tables): migrations, flushing a test database
  and cancelling the engine's own statements, inside `database_owner()`.

Every entry point of the application (requests, Celery tasks, management commands) runs
inside `entry_point()`, so nothing an earlier caller set leaks into it. Outside any entry
point the process default applies: the application role in production; the test suite's
own code (building data, reading it back to assert) acts as the owner.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connection

from tenants.tenancy import context

_owner: ContextVar[bool | None] = ContextVar("csplatform_database_owner", default=None)
_process_owner = False


def owner_by_default(value: bool) -> None:
    """Make code outside every entry point act as the owner (the test suite's own code)."""
    global _process_owner
    _process_owner = value


def is_owner() -> bool:
    owner = _owner.get()
    return _process_owner if owner is None else owner


@contextmanager
def database_owner() -> Iterator[None]:
    """Act as the login role that owns the tables, beyond row-level security."""
    token = _owner.set(True)
    try:
        yield
    finally:
        _owner.reset(token)


@contextmanager
def application_role() -> Iterator[None]:
    """An entry point: the application role, no tenant active, not crossing tenants."""
    owner = _owner.set(False)
    cross = context.cross_tenant_reset()
    tenant = context.clear()
    try:
        yield
    finally:
        context.deactivate(tenant)
        context.cross_tenant_restore(cross)
        _owner.reset(owner)


@contextmanager
def entry_point() -> Iterator[None]:
    """A request, task or command: the application role with no tenant, and the connection
    handed back with no tenant set when it ends."""
    with application_role():
        try:
            yield
        finally:
            connection.session_release()


def desired() -> tuple[str, str, str]:
    """(role, tenant id, cross-tenant flag) the session must have for the next statement."""
    if not settings.DATABASE_ROW_SECURITY or is_owner():
        return ("none", "", "off")
    tenant = context.get_current_tenant()
    tenant_id = "" if tenant is None or tenant.pk is None else str(tenant.pk)
    return (settings.DATABASE_APP_ROLE, tenant_id, "on" if context.is_cross_tenant() else "off")
