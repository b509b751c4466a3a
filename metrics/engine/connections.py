"""Running several pieces of database work at once, each on a connection of its own.

Django gives every thread its own connection: each piece runs in a thread, inside its own
transaction, and closes its connection when done. The pieces cannot see uncommitted work of
the caller, so the caller must not be inside a transaction (`can_run_apart`).
"""

import contextvars
import logging
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from django.db import DatabaseError, connection, transaction

from tenants.db.session import database_owner

CANCEL_AGAIN_AFTER = 0.2  # seconds

logger = logging.getLogger(__name__)


def can_run_apart() -> bool:
    """Whether work on other connections sees everything this connection has written."""
    return not connection.in_atomic_block


class Abandoned(Exception):
    """A piece that ended after the caller had given up: its transaction is rolled back."""


def run_apart(calls: list[Callable[[], None]]) -> None:
    """Run each call on its own connection and in its own transaction, all at once, and wait
    for them. On the first failure, or if the caller is interrupted while waiting (a task's
    time limit, Ctrl-C), the pieces still at work are stopped and none of them commits, so that
    no piece goes on writing after the caller has given up (and released its locks); then it
    raises the first failure."""
    if not can_run_apart():
        raise RuntimeError("run_apart needs a caller outside a transaction.")
    running: set[int] = set()  # server process ids of the pieces still at work
    stop = threading.Event()

    def one(call: Callable[[], None]) -> None:
        try:
            with transaction.atomic():
                pid = connection.connection.get_backend_pid()
                running.add(pid)
                try:
                    call()
                    # A cancel that came between two statements was ignored by the server.
                    if stop.is_set():
                        raise Abandoned
                finally:
                    running.discard(pid)
        finally:
            connection.close()

    pool = ThreadPoolExecutor(max_workers=len(calls))
    futures = []
    try:
        # A copy of the caller's context each: the active tenant travels with the work.
        # Appended one by one: if starting a thread fails, the pieces started are still stopped.
        for call in calls:
            futures.append(pool.submit(contextvars.copy_context().run, one, call))
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [future for future in futures if future in done and future.exception()]
        if failed:
            _stop(stop, running, futures)
            failed[0].result()
    except BaseException:
        _stop(stop, running, futures)
        raise
    finally:
        pool.shutdown(wait=True)


def _stop(stop: threading.Event, running: set[int], futures: list) -> None:
    """Stop the pieces still at work and wait for them to end. PostgreSQL acts on a cancel only
    during a statement, so it is sent again until every piece has ended; a piece that ends
    without a statement being cancelled rolls back on seeing `stop`."""
    stop.set()
    while True:
        _cancel(running)
        _, pending = wait(futures, timeout=CANCEL_AGAIN_AFTER)
        if not pending:
            return


def _cancel(running: set[int]) -> None:
    """Cancel the statements of the given server processes (their transactions roll back).

    As the login role: the application role may not signal the login role's sessions. Best
    effort: if the caller's connection has gone (it was idle through the run), the error is
    logged and the next round reconnects, so the pieces' own failure is the one raised."""
    try:
        with database_owner(), connection.cursor() as cursor:
            for pid in list(running):
                cursor.execute("SELECT pg_cancel_backend(%s)", [pid])
    except DatabaseError:
        logger.warning("Could not cancel the pieces still at work; trying again.", exc_info=True)
        connection.close()
