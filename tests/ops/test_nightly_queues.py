"""Queue sharding of the nightly work (CELERY_NIGHTLY_QUEUES): the fan-out sends one task per
tenant, each tenant's to the queue a stable hash of its id picks, and a real worker consuming
one of two queues runs that queue's tenants only; unset, everything stays on the default
queue."""

import os
import time
from collections import Counter

import pytest

from csplatform.celery import app as celery_app
from health.tasks import scores_nightly
from metrics.models import MetricsState
from metrics.tasks import nightly, nightly_all, onboarding_steps_sweep
from tenants.tenancy.routing import nightly_queue_for
from tests.conftest import _database_url, broker_back
from tests.factories import TenantFactory
from tests.ops.processes import celery_worker, queued_args, queues_delete, tasks_succeeded


def _queue(name: str, tenant_id: int, task=nightly) -> str:
    """The queue Celery's router gives `name` for a tenant, as `delay()` would send it."""
    return celery_app.amqp.router.route({}, name, (tenant_id,), {}, task_type=task)["queue"].name


def test_the_queue_of_a_tenant_is_stable_and_tenants_spread_evenly():
    queues = ["n0", "n1", "n2", "n3"]
    # Fixed values: every process and every release must pick the same queue for a tenant.
    assert [nightly_queue_for(tenant_id, queues[:2]) for tenant_id in range(1, 9)] == [
        "n1", "n1", "n1", "n0", "n0", "n0", "n0", "n1",
    ]  # fmt: skip
    assert nightly_queue_for(12345, queues) == nightly_queue_for("12345", queues)
    spread = Counter(nightly_queue_for(tenant_id, queues) for tenant_id in range(1, 4001))
    assert set(spread) == set(queues)
    assert all(900 <= count <= 1100 for count in spread.values()), spread
    assert {nightly_queue_for(tenant_id, ["only"]) for tenant_id in range(1, 100)} == {"only"}


def test_unset_every_task_goes_to_the_default_queue(settings):
    settings.CELERY_NIGHTLY_QUEUES = []
    default = settings.CELERY_TASK_DEFAULT_QUEUE
    assert _queue(nightly.name, 7) == default
    assert _queue(scores_nightly.name, 7, scores_nightly) == default


def test_set_the_nightly_tasks_go_to_their_tenants_queue_and_others_stay(settings):
    settings.CELERY_NIGHTLY_QUEUES = ["n0", "n1", "n2"]
    for tenant_id in (1, 2, 3, 40, 41):
        expected = nightly_queue_for(tenant_id, ["n0", "n1", "n2"])
        assert _queue(nightly.name, tenant_id) == expected
        # Sent by name (the outbox relay, another process): the same queue.
        assert _queue(nightly.name, tenant_id, None) == expected
        assert _queue(scores_nightly.name, tenant_id, scores_nightly) == expected
    default = settings.CELERY_TASK_DEFAULT_QUEUE
    assert _queue(onboarding_steps_sweep.name, 1, onboarding_steps_sweep) == default
    assert _queue(nightly_all.name, 1, nightly_all) == default
    # A queue named by the sender wins over the router.
    route = celery_app.amqp.router.route({"queue": "x"}, nightly.name, (1,), {}, nightly)
    assert route["queue"].name == "x"


@pytest.mark.django_db(transaction=True)
def test_a_worker_consuming_one_of_two_queues_runs_only_its_tenants(tmp_path, settings):
    base = settings.CELERY_TASK_DEFAULT_QUEUE
    queues = [f"{base}-nightly-0", f"{base}-nightly-1"]
    tenants = {queue: [] for queue in queues}
    while min(len(ids) for ids in tenants.values()) < 2:  # ids are the database's: 2 each
        tenant = TenantFactory()
        tenants[nightly_queue_for(tenant.pk, queues)].append(tenant.pk)
    mine, other = queues
    env = {
        **_worker_env(settings),
        "CELERY_NIGHTLY_QUEUES": ",".join(queues),
        "CSPLATFORM_TEST_QUEUE": base,
    }
    log = tmp_path / "worker.log"
    queues_delete(settings.REDIS_URL, queues)
    try:
        with celery_worker(env, name="nightly0", queues=[mine], log=log):
            settings.CELERY_NIGHTLY_QUEUES = queues  # here too: the fan-out runs here, as beat's
            with broker_back(eager=False):
                assert nightly_all() == len(tenants[mine]) + len(tenants[other])
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and _computed() != set(tenants[mine]):
                time.sleep(0.3)
            ran = [name for name, _ in tasks_succeeded(log)]
        assert _computed() == set(tenants[mine]), log.read_text()
        assert ran.count(nightly.name) == len(tenants[mine])
        # The other queue's tenants wait in it for a worker that consumes it, one task each.
        waiting = sorted(args[0] for args in queued_args(settings.REDIS_URL, other))
        assert waiting == sorted(tenants[other])
        assert queued_args(settings.REDIS_URL, mine) == []
    finally:
        queues_delete(settings.REDIS_URL, queues)


def _computed() -> set[int]:
    states = MetricsState.objects.unscoped().filter(computed_through__isnull=False)
    return set(states.values_list("tenant_id", flat=True))


def _worker_env(settings) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "csplatform.settings_test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
    }
