"""The public help center's cache: each tenant's cached pages carry the tenant's generation
number in their keys, and any change that readers can see (a save, a publish, a category
edit) moves the generation on after its transaction commits, so no stale page is served."""

import logging
import time

from django.core.cache import cache
from django.db import transaction

from tenants.models import Tenant

TIMEOUT = 60 * 60
log = logging.getLogger(__name__)


def _key(tenant_id: int) -> str:
    return f"kb:generation:{tenant_id}"


def _fresh() -> int:
    # A generation that no earlier one can equal, even if Redis lost the key meanwhile: an
    # evicted counter that restarted at 1 would serve pages cached under an old 1 again.
    return time.time_ns()


def generation(tenant: Tenant) -> int:
    try:
        return cache.get_or_set(_key(tenant.pk), _fresh, timeout=None) or 0
    except Exception:  # noqa: BLE001 - the cache is an optimisation; without Redis, no caching
        return 0


def help_center_changed(tenant: Tenant) -> None:
    """Invalidate the tenant's cached help center pages once the current transaction
    commits (at once outside one)."""

    def bump():
        try:
            cache.set(_key(tenant.pk), _fresh(), timeout=None)
        except Exception:  # noqa: BLE001 - pages then live until TIMEOUT at most
            log.warning("help center cache of tenant %s not invalidated", tenant.pk)

    transaction.on_commit(bump)


def cached(tenant: Tenant, name: str, build, timeout: int = TIMEOUT):
    """`build()`, kept in the cache under `name` for the tenant's current generation."""
    number = generation(tenant)
    if number == 0:
        return build()
    key = f"kb:{tenant.pk}:{number}:{name}"
    try:
        value = cache.get(key)
    except Exception:  # noqa: BLE001
        return build()
    if value is None:
        value = build()
        if value is None:  # nothing there (an unknown slug): not worth a key
            return value
        try:
            cache.set(key, value, timeout)
        except Exception:  # noqa: BLE001
            log.warning("help center cache unavailable")
    return value
