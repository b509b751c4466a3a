"""Scratch databases for benchmarks: created on the server of DATABASE_URL, migrated, dropped;
and the Celery queues of a run, deleted after it.

Benchmarks run the project's code in subprocesses with production settings (DEBUG off) on a
database and queues of their own, so nothing they do touches a real tenant.
"""

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import redis
from psycopg2 import sql

from tenants.observability.queues import queue_lists

ROOT = Path(__file__).resolve().parent.parent


def scratch_url(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connection(base_url: str):
    connection = psycopg2.connect(scratch_url(base_url, "postgres"))
    connection.autocommit = True
    return connection


def create_database(base_url: str, name: str) -> None:
    connection = admin_connection(base_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def drop_database(base_url: str, name: str) -> None:
    connection = admin_connection(base_url)
    try:
        with connection.cursor() as cursor:
            # FORCE: a server worker may still hold a connection while it shuts down.
            statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            cursor.execute(statement.format(sql.Identifier(name)))
    finally:
        connection.close()


def server_environment(database_url: str) -> dict:
    """Production settings (DEBUG off), plain HTTP on the loopback, no throttling in the way."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "csplatform.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "API_THROTTLE_RATE": "1000000/minute",
        "CACHE_KEY_PREFIX": f"bench-{os.getpid()}",
        "LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "600",
        "PYTHONWARNINGS": "ignore:No directory at",  # no collectstatic for a benchmark
    }


def migrate(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )


@contextmanager
def scratch_database(base_url: str, label: str, *, keep: bool = False) -> Iterator[tuple]:
    """A migrated scratch database named for `label` and this process on the server of
    `base_url`: yields (its URL, the environment of the subprocesses that use it), and
    drops it afterwards unless `keep`."""
    name = f"csplatform_bench_{label}_{os.getpid()}"
    database_url = scratch_url(base_url, name)
    env = server_environment(database_url)
    create_database(base_url, name)
    try:
        print(f"Migrating scratch database {name} ...", file=sys.stderr, flush=True)
        migrate(env)
        yield database_url, env
    finally:
        if keep:
            print(f"Kept scratch database {name}.", file=sys.stderr, flush=True)
        else:
            drop_database(base_url, name)


def own_queues(label: str) -> dict:
    """Settings giving a run Celery queues of its own (default and webhooks): what its servers
    queue is for its scratch database's tenants, so no worker of another database may take
    it. `own_queues_delete` deletes them."""
    queue = f"bench-{label}-{os.getpid()}"
    return {"CELERY_TASK_DEFAULT_QUEUE": queue, "CELERY_WEBHOOK_QUEUE": f"{queue}-webhooks"}


def own_queues_delete(env: dict) -> None:
    for queue in (env["CELERY_TASK_DEFAULT_QUEUE"], env["CELERY_WEBHOOK_QUEUE"]):
        queue_delete(env["REDIS_URL"], queue)


def queue_delete(redis_url: str, queue: str) -> None:
    """A run's own Celery queue and its binding, with whatever is left in it. A Redis that
    does not answer within seconds leaves them, said on stderr, rather than hold up the
    run's other clean-up or hide how the run ended."""
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=5, socket_timeout=5)
    try:
        # Exactly the run's keys: a pattern would also match another run's queue whose name
        # starts alike.
        client.delete(*queue_lists(queue), f"_kombu.binding.{queue}")
    except redis.RedisError as error:
        print(f"queue {queue} not deleted from Redis: {error}", file=sys.stderr, flush=True)
    finally:
        client.close()
