"""PostgreSQL backend that runs every statement as the role and tenant the code acts for.

Before each statement (and each COPY), the connection is brought in line with
`tenants.db.session.desired()`: the application role with the active tenant's id in
`csplatform.tenant_id`, or the owner. The state is set with one `set_config` statement, and
only when it differs from what the session last had, so a request or task pays for it once.

What the session last had is forgotten whenever it may have been undone: `set_config` in a
transaction or savepoint that rolls back is rolled back with it, and a new connection
starts with nothing. A persistent connection is handed back with no tenant and no
cross-tenant flag (`release`) at the end of every request and task.
"""

from contextlib import contextmanager

from django.db.backends.postgresql import base as postgresql
from django.db.backends.utils import CursorWrapper as DjangoCursorWrapper

from tenants.db import session
from tenants.db.rls import CROSS_TENANT_SETTING, TENANT_SETTING

_SYNC_SQL = (
    "SELECT set_config('role', %s, false),"
    f" set_config('{TENANT_SETTING}', %s, false),"
    f" set_config('{CROSS_TENANT_SETTING}', %s, false)"
)
_AT_REST = ("", "off")  # no tenant, not crossing tenants


class _InLine:
    """Cursor methods that send SQL bring the session in line first."""

    def _execute(self, sql, params, *ignored_wrapper_args):
        self.db.validate_no_broken_transaction()
        self.db.session_sync()
        return super()._execute(sql, params, *ignored_wrapper_args)

    def _executemany(self, sql, param_list, *ignored_wrapper_args):
        self.db.validate_no_broken_transaction()
        self.db.session_sync()
        return super()._executemany(sql, param_list, *ignored_wrapper_args)

    def callproc(self, procname, params=None, kparams=None):
        self.db.session_sync()
        return super().callproc(procname, params, kparams)

    def copy_expert(self, *args, **kwargs):
        self.db.session_sync()
        with self.db.wrap_database_errors:
            return self.cursor.copy_expert(*args, **kwargs)

    def copy_from(self, *args, **kwargs):
        self.db.session_sync()
        with self.db.wrap_database_errors:
            return self.cursor.copy_from(*args, **kwargs)

    def copy_to(self, *args, **kwargs):
        self.db.session_sync()
        with self.db.wrap_database_errors:
            return self.cursor.copy_to(*args, **kwargs)


class CursorWrapper(_InLine, DjangoCursorWrapper):
    pass


class CursorDebugWrapper(_InLine, postgresql.CursorDebugWrapper):
    def copy_expert(self, sql, file, *args):
        with self.debug_sql(sql):
            return super().copy_expert(sql, file, *args)

    def copy_to(self, file, table, *args, **kwargs):
        with self.debug_sql(sql=f"COPY {table} TO STDOUT"):
            return super().copy_to(file, table, *args, **kwargs)


class DatabaseWrapper(postgresql.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_state = None  # (role, tenant id, cross) last set; None: unknown
        self._rolling_back = False

    def make_cursor(self, cursor):
        return CursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return CursorDebugWrapper(cursor, self)

    def get_new_connection(self, conn_params):
        self.session_state = None
        return super().get_new_connection(conn_params)

    def session_sync(self) -> None:
        """Set the role, tenant and cross-tenant flag the code acts with, if they differ."""
        wanted = session.desired()
        if wanted != self.session_state and not self._rolling_back:
            self._session_set(wanted)

    def session_release(self) -> None:
        """Leave no tenant and no cross-tenant flag on the session (end of a request or
        task); nothing is sent when the session has none, or no connection is open."""
        state = self.session_state
        if (
            self.connection is None
            or state is None
            or state[1:] == _AT_REST
            or self.in_atomic_block
            or self.needs_rollback
        ):
            return
        self._session_set((state[0], *_AT_REST))

    def _session_set(self, wanted: tuple[str, str, str]) -> None:
        # The raw cursor: this statement is the backend's own, not the caller's query.
        self.session_state = None
        with self.wrap_database_errors, self.connection.cursor() as cursor:
            cursor.execute(_SYNC_SQL, wanted)
        self.session_state = wanted

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self.session_state = None

    def _savepoint_rollback(self, sid):
        # ROLLBACK TO SAVEPOINT runs in a failed transaction, where nothing else may run.
        self._rolling_back = True
        try:
            return super()._savepoint_rollback(sid)
        finally:
            self._rolling_back = False
            self.session_state = None

    def _commit(self):
        try:
            return super()._commit()
        except BaseException:
            self.session_state = None  # a failed COMMIT rolls the transaction back
            raise

    @contextmanager
    def _nodb_cursor(self):
        # Creating and dropping databases (tests) is the owner's work.
        with session.database_owner(), super()._nodb_cursor() as cursor:
            yield cursor
