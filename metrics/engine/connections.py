"""Running several pieces of database work at once, each on a connection of its own.

Django gives every thread its own connection: each piece runs in a thread, inside its own
transaction, and closes its connection when done. The pieces cannot see uncommitted work of
the caller, so the caller must not be inside a transaction (`can_run_apart`).
"""

import contextvars
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from django.db import connection, transaction

from tenants.db.session import database_owner


def can_run_apart() -> bool:
    """Whether work on other connections sees everything this connection has written."""
    return not connection.in_atomic_block


def run_apart(calls: list[Callable[[], None]]) -> None:
    """Run each call on its own connection and in its own transaction, all at once, and wait
    for them. On the first failure, or if the caller is interrupted while waiting (a task's
    time limit, Ctrl-C), the statements still running are cancelled, so that no piece goes
    on writing after the caller has given up (and released its locks); then it raises the
    first failure."""
    running: set[int] = set()  # server process ids of the pieces still at work

    def one(call: Callable[[], None]) -> None:
        try:
            with transaction.atomic():
                pid = connection.connection.get_backend_pid()
                running.add(pid)
                try:
                    call()
                finally:
                    running.discard(pid)
        finally:
            connection.close()

    pool = ThreadPoolExecutor(max_workers=len(calls))
    try:
        # A copy of the caller's context each: the active tenant travels with the work.
        futures = [pool.submit(contextvars.copy_context().run, one, call) for call in calls]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [future for future in futures if future in done and future.exception()]
        if failed:
            _cancel(running)
            wait(futures)
            failed[0].result()
    except BaseException:
        _cancel(running)
        raise
    finally:
        pool.shutdown(wait=True)


def _cancel(running: set[int]) -> None:
    """Cancel the statements of the given server processes (their transactions roll back).

    As the login role: the application role may not signal the login role's sessions."""
    with database_owner(), connection.cursor() as cursor:
        for pid in list(running):
            cursor.execute("SELECT pg_cancel_backend(%s)", [pid])
