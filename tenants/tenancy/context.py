"""The tenant the current request, task or command acts for, held in a ContextVar, and
whether it is on one of the named paths that cross tenants on purpose (`cross_tenant()`).

ContextVars (not thread-locals) so that async views and thread pools cannot see another
request's tenant; every setter resets its token in `finally`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tenants.models import Tenant

_current_tenant: ContextVar["Tenant | None"] = ContextVar("csplatform_tenant", default=None)
_cross_tenant: ContextVar[bool] = ContextVar("csplatform_cross_tenant", default=False)


class TenantRequired(RuntimeError):
    """A tenant-scoped query ran with no tenant active: a bug, never a user error."""


def get_current_tenant() -> "Tenant | None":
    return _current_tenant.get()


def require_current_tenant() -> "Tenant":
    tenant = _current_tenant.get()
    if tenant is None:
        raise TenantRequired(
            "No tenant is active. Run inside tenant_scope(tenant), a tenant view or viewset, "
            "or a @tenant_task; use .unscoped() only where crossing tenants is intended."
        )
    return tenant


@contextmanager
def tenant_scope(tenant: "Tenant") -> Iterator["Tenant"]:
    """Make `tenant` the active tenant for the block; the previous one is restored after."""
    if tenant is None:
        raise TenantRequired("tenant_scope() needs a tenant, got None.")
    token = _current_tenant.set(tenant)
    try:
        yield tenant
    finally:
        _current_tenant.reset(token)


def activate(tenant: "Tenant") -> object:
    """Set the active tenant; return the token that `deactivate` needs."""
    return _current_tenant.set(tenant)


def deactivate(token: object) -> None:
    _current_tenant.reset(token)


def clear() -> object:
    """No tenant active (an entry point starting); return the token that `deactivate` needs."""
    return _current_tenant.set(None)


@contextmanager
def cross_tenant() -> Iterator[None]:
    """A named path that reads or writes across tenants on purpose: sign-in lookups, the
    nightly fan-out, superusers in the admin site. Row-level security lets the block see
    every tenant's rows; the tenant manager still needs `.unscoped()` to do the same."""
    token = _cross_tenant.set(True)
    try:
        yield
    finally:
        _cross_tenant.reset(token)


def is_cross_tenant() -> bool:
    return _cross_tenant.get()


def cross_tenant_reset() -> object:
    return _cross_tenant.set(False)


def cross_tenant_restore(token: object) -> None:
    _cross_tenant.reset(token)
