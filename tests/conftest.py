"""Shared fixtures: a tenant with an owner, a CSM member and a viewer; an outsider in another
tenant; logged-in clients and API clients for each."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from csplatform.celery import app as celery_app
from tenants.db.session import owner_by_default
from tenants.models import Role
from tenants.services.api_keys import api_key_create
from tests.factories import MembershipFactory, TenantFactory, UserFactory

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

# The tests' own code (building rows of several tenants, reading them back to assert) acts as
# the login role that owns the tables. Everything the tests call through an entry point of
# the application (a request, a task, a command) runs as the application role under
# row-level security, exactly as in production (tenants/db/session.py).
owner_by_default(True)


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run in-process unless a test starts a real worker (test_celery_worker.py)."""
    celery_app.loader.import_default_modules()  # configure now, or our value is overwritten
    celery_app.conf.task_always_eager = True
    yield


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request's Accept-Language stays active in
    the thread after the test client returns, as a server thread's does until its next
    request."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# Nothing listens on port 1: sending to this broker truly fails, as with Redis down.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


@contextmanager
def broker(url: str, *, eager: bool):
    """Celery sends to `url` (eagerly run tasks never touch a broker) until the block ends."""
    conf = celery_app.conf
    saved = conf.broker_write_url, conf.task_always_eager
    _drop_broker_connections()
    conf.broker_write_url, conf.task_always_eager = url, eager  # what sending connects to
    try:
        yield
    finally:
        _drop_broker_connections()
        conf.broker_write_url, conf.task_always_eager = saved


def _drop_broker_connections():
    # The app takes its pools (kombu's, shared per URL) once; a new URL needs them taken anew.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """The broker cannot be reached; `with broker_back():` inside the test brings it back."""
    with broker(UNREACHABLE_BROKER, eager=False):
        yield


@contextmanager
def broker_back(*, eager: bool = True):
    """The real broker (REDIS_URL) again; tasks run in-process unless a worker runs them."""
    from django.conf import settings

    with broker(settings.CELERY_BROKER_URL, eager=eager):
        yield


def _purge_test_queue() -> int:
    """Empty this test run's queue on the broker; how many messages it held."""
    with celery_app.connection_for_write() as conn:
        return conn.default_channel.queue_purge(settings.CELERY_TASK_DEFAULT_QUEUE) or 0


@pytest.fixture
def tenant(db):
    return TenantFactory(name="Acme", slug="acme")


@pytest.fixture
def other_tenant(db):
    return TenantFactory(name="Globex", slug="globex")


def _member(tenant, role, **user_kwargs):
    user = UserFactory(**user_kwargs)
    if role in (Role.OWNER, Role.ADMIN):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    MembershipFactory(tenant=tenant, user=user, role=role)
    return user


@pytest.fixture
def owner(tenant):
    return _member(tenant, Role.OWNER, email="owner@acme.test")


@pytest.fixture
def member(tenant):
    return _member(tenant, Role.CSM, email="csm@acme.test")


@pytest.fixture
def viewer(tenant):
    return _member(tenant, Role.VIEWER, email="viewer@acme.test")


@pytest.fixture
def outsider(other_tenant):
    """Owner of another tenant: must see nothing of `tenant`."""
    return _member(other_tenant, Role.OWNER, email="owner@globex.test")


def _login(client, user):
    # Each role gets a client of its own, so two logged-in roles can act in one test.
    client.force_login(user, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def owner_client(owner):
    return _login(Client(), owner)


@pytest.fixture
def member_client(member):
    return _login(Client(), member)


@pytest.fixture
def viewer_client(viewer):
    return _login(Client(), viewer)


@pytest.fixture
def outsider_client(outsider):
    return _login(Client(), outsider)


@pytest.fixture
def api_key(tenant):
    """(TenantAPIKey, raw key) of `tenant`."""
    return api_key_create(tenant=tenant, name="Test integration")


@pytest.fixture
def api(api_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key[1]}")
    return client


@pytest.fixture
def outsider_api(other_tenant):
    _, raw = api_key_create(tenant=other_tenant, name="Outsider integration")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def session_api(user):
    client = APIClient()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


ROOT = Path(__file__).resolve().parents[1]


def _database_url() -> str:
    s = connection.settings_dict
    host = quote(s["HOST"] or "", safe="")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{s['USER']}@{host}{port}/{s['NAME']}"


def worker_start(mail_dir, settings, *, queue: str | None = None, env: dict | None = None):
    """A worker process (solo pool) consuming `queue` (default: this test process's queue),
    on the test database, with mail written to files in `mail_dir`; tasks it queues go to
    this test process's queues too. Stop it with `worker_stop`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csplatform.settings_test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CSPLATFORM_TEST_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        **(env or {}),
    }
    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "csplatform", "worker", "-Q", queue,
         "--pool", "solo", "-l", "warning", "--without-heartbeat", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def worker_stop(process: subprocess.Popen) -> None:
    """Stop a worker (if it still runs) and print what it wrote."""
    process.terminate()
    output, _ = process.communicate(timeout=30)
    print(output)


@pytest.fixture
def worker(tmp_path, settings):
    """A worker consuming only this test process's queue, with mail written to files."""
    process = worker_start(tmp_path, settings)
    celery_app.conf.task_always_eager = False
    try:
        yield process
    finally:
        celery_app.conf.task_always_eager = True
        worker_stop(process)


# The few tests that take minutes each (whole migration histories, servers started apart):
# run first, so that the other worker's many short tests fill the time beside them instead of
# both workers waiting on them at the end.
LONG_FIRST = (
    "tests/platform/test_wrong_tenant.py",
    "tests/platform/test_upgrade_migrations.py",
    "tests/bench/test_load.py",
    "tests/bench/test_ingest.py",
    "tests/docs/test_readme.py",
    "tests/ops/test_backup_restore.py",
    "tests/ops/test_restarts.py",
    "tests/ops/test_worker_killed.py",
    "tests/ops/test_slow_webhook.py",
    "tests/ops/test_two_of_each.py",
    "tests/browser/test_languages.py",
)


def pytest_collection_modifyitems(config, items):
    def long_first(item):
        path = item.nodeid.split("::")[0]
        return 0 if path in LONG_FIRST else 1

    items.sort(key=long_first)  # stable: each file keeps its own order
