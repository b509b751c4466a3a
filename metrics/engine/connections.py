"""Running several pieces of database work at once, each on a connection of its own.

Django gives every thread its own connection: each piece runs in a thread, inside its own
transaction, and closes its connection when done. The pieces cannot see uncommitted work of
the caller, so the caller must not be inside a transaction (`can_run_apart`).
"""

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, transaction


def can_run_apart() -> bool:
    """Whether work on other connections sees everything this connection has written."""
    return not connection.in_atomic_block


def run_apart(calls: list[Callable[[], None]]) -> None:
    """Run each call on its own connection and in its own transaction, all at once; wait for
    all of them, then raise the first failure, if any (the others stay committed)."""

    def one(call: Callable[[], None]) -> None:
        try:
            with transaction.atomic():
                call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        # A copy of the caller's context each: the active tenant travels with the work.
        futures = [pool.submit(contextvars.copy_context().run, one, call) for call in calls]
    for future in futures:
        future.result()
