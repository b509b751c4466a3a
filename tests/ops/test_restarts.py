"""Redis and PostgreSQL restarted under real processes: gunicorn and a Celery worker on a
PostgreSQL and a Redis of the test's own (tests/support/servers.py), stopped and started
again while events flow.

Redis restarted (without persistence, so that everything it held is gone): every event
acknowledged is stored once, and what Redis carried after the acknowledgement (the onboarding
hand-over of an event, the webhook it causes) is made again from PostgreSQL by the periodic
tasks, which the test sends as beat would.

PostgreSQL restarted: while it is down, requests are refused with 503 and a JSON error (never
acknowledged, never a 500) and `/healthz` names the database; once it is back, the same
gunicorn and worker serve and work without a restart, and `/healthz` says what was down."""

import json
import signal
import threading
import time
import uuid

import psycopg2
import pytest
from celery import Celery

from metrics.models import UsageEvent
from onboarding.models import PlanStep
from tests.conftest import _database_url
from tests.support import servers
from tests.tenants.webhook_receiver import receiver

# The test database is set up for the copy (the cluster fixture); the tests themselves
# never write to it, so a plain transaction, rolled back, is all they need (no flush).
pytestmark = pytest.mark.django_db

BATCH = "/api/v1/events/batch/"
ACCOUNTS = 30

# The tenant's onboarding plans (one event step each, on every account) and a webhook
# endpoint for their completion, made by the services in a management shell.
SEED = """
from accounts.models import Account
from onboarding.services.plans import plan_start
from onboarding.services.templates import template_save
from tenants.services.webhooks import webhook_endpoint_create
from tenants.tenancy.context import tenant_scope

steps = [{"key": "activate", "title": {"en": "Activate"}, "completed_by": "event",
          "event_name": "activated", "event_count": 1}]
with tenant_scope(tenant):
    template = template_save(tenant=tenant, name="Main", is_default=True, steps=steps)
    for i in range(COUNT):
        account = Account.objects.create(external_id=f"acc-{i}", name=f"acc-{i}")
        plan_start(tenant=tenant, account=account, template=template)
    webhook_endpoint_create(tenant=tenant, url=URL, event_types=["onboarding.step_completed"])
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, django_db_setup, django_db_blocker):
    """A PostgreSQL and a Redis of this module's own; the database copied from the migrated
    test database (a dump and restore takes seconds, migrating anew a minute)."""
    directory = tmp_path_factory.mktemp("restarts")
    postgres = servers.PostgresServer()
    postgres.start()
    redis = servers.RedisServer(directory / "redis")
    redis.start()
    try:
        with django_db_blocker.unblock():
            postgres.copy_database(_database_url(), "app", directory / "app.dump")
        env = servers.app_environment(
            postgres.url("app"),
            redis.url(),
            WEBHOOK_ALLOW_HTTP="1",
            WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        )
        yield postgres, redis, env
    finally:
        redis.stop()
        postgres.remove()


@pytest.fixture
def app(cluster, tmp_path):
    """gunicorn (two workers) and a Celery worker on the module's servers."""
    postgres, redis, env = cluster
    worker = servers.celery_worker(env, tmp_path / "worker.log")
    web, port = servers.gunicorn(env, tmp_path / "gunicorn.log")
    try:
        yield postgres, redis, env, port, worker
    finally:
        web.stop(signal.SIGINT)
        worker.stop(signal.SIGQUIT)
        print(web.output(), worker.output())


def _seed(env, slug: str, hook_url: str) -> str:
    return servers.tenant_with_key(env, slug, f"COUNT, URL = {ACCOUNTS}, {hook_url!r}\n{SEED}")


def _beat(redis_url: str, *names: str) -> None:
    """Send periodic tasks to the worker's queue, as beat does every minute or two."""
    # Not the process's current app: the tests that follow send through the project's.
    app = Celery(broker=redis_url, set_as_current=False)
    with app.connection_for_write() as connection:
        for name in names:
            app.send_task(name, queue="faults", connection=connection)


def _query(postgres, statement: str, params=()) -> list[tuple]:
    connection = psycopg2.connect(postgres.url("app"))
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()
    finally:
        connection.close()


def _stored(postgres, slug: str) -> dict[str, int]:
    rows = _query(
        postgres,
        f"SELECT e.message_id, count(*) FROM {UsageEvent._meta.db_table} e "  # noqa: S608
        "JOIN tenants_tenant t ON t.id = e.tenant_id WHERE t.slug = %s GROUP BY 1",
        (slug,),
    )
    return dict(rows)


def _steps_done(postgres, slug: str) -> int:
    [(done,)] = _query(
        postgres,
        f"SELECT count(*) FROM {PlanStep._meta.db_table} s "  # noqa: S608
        "JOIN tenants_tenant t ON t.id = s.tenant_id WHERE t.slug = %s AND s.status = 'done'",
        (slug,),
    )
    return done


def _completions(hook) -> set[str]:
    """The accounts whose step completion reached the receiver (at least once each)."""
    found = set()
    for request in list(hook.requests):
        payload = json.loads(request.body)
        if payload["type"] == "onboarding.step_completed":
            found.add(payload["data"]["account_external_id"])
    return found


def _until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"{what} within {seconds} s")


def _batch(number: int) -> list[dict]:
    """Four page views and the activation of one account (each account in turn)."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    events = [
        {"message_id": f"b{number}-{uuid.uuid4().hex}", "event": "page_viewed", "timestamp": now,
         "account_external_id": f"acc-{(number + i) % ACCOUNTS}"}
        for i in range(4)
    ]  # fmt: skip
    events.append({"message_id": f"b{number}-activated", "event": "activated", "timestamp": now,
                   "account_external_id": f"acc-{number % ACCOUNTS}"})  # fmt: skip
    return events


class Sender(threading.Thread):
    """Sends batches one after the other until stopped (and at least `least` of them);
    records each answer and, for the 200s, the message ids acknowledged."""

    def __init__(self, port: int, key: str, least: int):
        super().__init__(daemon=True)
        self.port, self.key, self.least = port, key, least
        self.stopping = threading.Event()
        self.phase = "before"  # set by the test: before, down, after
        self.answers: list[tuple[str, int, dict]] = []
        self.acknowledged: set[str] = set()

    def run(self):
        number = 0
        while not self.stopping.is_set() or number < self.least:
            events = _batch(number)
            status, body = servers.post_json(self.port, BATCH, {"events": events}, self.key)
            self.answers.append((self.phase, status, body))
            if status == 200:
                self.acknowledged.update(
                    result["message_id"] for result in body["results"]
                    if result["status"] in ("accepted", "duplicate")
                )  # fmt: skip
            number += 1


def test_a_redis_restart_loses_nothing_acknowledged_and_the_follow_up_work_is_made(app):
    postgres, redis, env, port, worker = app
    with receiver(200) as hook:
        key = _seed(env, "redisco", hook.url)
        sender = Sender(port, key, least=ACCOUNTS)
        sender.start()
        _until(lambda: len(sender.answers) >= 5, 30, "five batches answered before")
        redis.stop()  # everything queued in it is lost
        sender.phase = "down"
        _until(
            lambda: sum(phase == "down" for phase, _, _ in sender.answers) >= 5,
            30,
            "five batches answered with Redis down",
        )
        redis.start()
        sender.phase = "after"
        _until(
            lambda: sum(phase == "after" for phase, _, _ in sender.answers) >= 5,
            30,
            "five batches answered after",
        )
        sender.stopping.set()
        sender.join(timeout=60)

        statuses = {status for _, status, _ in sender.answers}
        assert statuses <= {200, 503}, sender.answers
        for _, status, body in sender.answers:
            if status == 503:  # refused, never acknowledged: the JSON error says why
                assert body["error"]["status"] == 503 and body["error"]["message"], body
        # With Redis down the events are still taken: nothing they need lives only in Redis.
        assert {status for phase, status, _ in sender.answers if phase == "down"} == {200}
        stored = _stored(postgres, "redisco")
        assert sender.acknowledged <= stored.keys()
        assert set(stored.values()) == {1}

        # The hand-overs queued before the restart and lost with it, or never queued while
        # Redis was down, are made by the sweep; the webhooks they cause by the outbox relay
        # and the webhook sweep.
        assert worker.alive(), worker.output()
        _beat(redis.url(), "metrics.tasks.onboarding_steps_sweep_all")
        _until(lambda: _steps_done(postgres, "redisco") == ACCOUNTS, 45, "every step done")
        expected = {f"acc-{i}" for i in range(ACCOUNTS)}

        def delivered():
            if _completions(hook) == expected:
                return True
            _beat(redis.url(), "tenants.tasks.relay_outbox", "tenants.tasks.webhooks_sweep")
            time.sleep(1)
            return False

        _until(delivered, 45, "every step's webhook delivered")


def test_a_postgres_restart_is_answered_503_then_served_without_a_restart(app):
    postgres, redis, env, port, worker = app
    with receiver(200) as hook:
        key = _seed(env, "pgco", hook.url)
        status, health = servers.get(port, "/healthz")
        assert status == 200 and health["checks"] == {"database": "ok", "redis": "ok"}

        postgres.stop("fast")
        status, body = servers.post_json(port, BATCH, {"events": _batch(0)}, key)
        assert status == 503, body
        assert body["error"]["code"] == "database_unavailable", body
        assert "database" in body["error"]["message"]
        status, health = servers.get(port, "/healthz")
        assert status == 503
        assert health["checks"]["database"].startswith("error: ")
        assert health["checks"]["redis"] == "ok"
        assert "database" in health["last_failures"]

        postgres.start()
        # The same processes, no restart: every request is served again, the refused batch
        # sent again is stored once.
        for number in range(6):  # more than the gunicorn workers, so each one is asked
            status, body = servers.post_json(port, BATCH, {"events": _batch(number)}, key)
            assert status == 200, body
        assert set(_stored(postgres, "pgco").values()) == {1}
        assert len(_stored(postgres, "pgco")) == 6 * 5
        status, health = servers.get(port, "/healthz")
        assert status == 200, health
        assert health["checks"] == {"database": "ok", "redis": "ok"}
        outage = health["last_failures"]["database"]
        assert outage["error"] == "OperationalError" and outage["seconds_ago"] >= 0
        assert outage["at"].endswith("Z")

        # The worker, idle through the outage with its connection gone, runs the hand-overs
        # of those batches and the webhooks they cause.
        assert worker.alive(), worker.output()
        _until(lambda: _steps_done(postgres, "pgco") == 6, 45, "the six steps done")
        _until(lambda: len(_completions(hook)) == 6, 45, "the six webhooks delivered")
