"""Queue sharding of the nightly work: each tenant's nightly tasks go to one of
`CELERY_NIGHTLY_QUEUES`, picked by a stable hash of the tenant's id.

Workers on several machines then split the tenants between them by the queues they consume
(`celery worker -Q ...`), and one tenant's nightly work always lands on the same queue, in
every web and worker process, whichever process sends it (the fan-out, the outbox relay, a
retry). With the setting empty (the default) nothing is routed: every task goes to the
default queue, as on a single machine. Docs: docs/scaling.md, "Queue sharding".
"""

import zlib

from django.conf import settings

# Set on a task by `tenant_task(nightly_queue=True)`: its first argument is the tenant's id.
ATTRIBUTE = "nightly_queue"


def nightly_queue_for(tenant_id: int, queues: list[str]) -> str:
    """The queue of `queues` that serves `tenant_id`. CRC-32 of its decimal id: the same
    in every process and Python version (unlike hash() of a string), and spread evenly
    even when the ids are not (a modulo of the id would follow any pattern in them)."""
    return queues[zlib.crc32(str(int(tenant_id)).encode()) % len(queues)]


def route_task(name, args, kwargs, options, task=None, **rest):
    """Celery router (`task_routes`): the tenant's nightly queue for the tasks marked with
    `nightly_queue`; None (the default queue, or an explicit `queue=`) for everything else."""
    queues = list(getattr(settings, "CELERY_NIGHTLY_QUEUES", None) or [])
    if not queues or not args:
        return None
    if task is None:  # sent by name (send_task): look it up in this process's registry
        from celery import current_app

        task = current_app.tasks.get(name)
    if not getattr(task, ATTRIBUTE, False):
        return None
    return {"queue": nightly_queue_for(args[0], queues)}
