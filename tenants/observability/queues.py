"""Celery queue depth, read from Redis at scrape time (a collector, not a stored value).

Kombu's Redis transport keeps each queue as a Redis list named after it, plus one list per
priority step above 0 (`<queue>\\x06\\x16<step>`); the depth is the sum of their lengths:
messages waiting for a worker, not those a worker has taken and not yet acknowledged.
"""

import logging

import redis
from django.conf import settings
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)

# Kombu's defaults (kombu.transport.redis): the separator and the priority steps.
PRIORITY_SEP = "\x06\x16"
PRIORITY_STEPS = (0, 3, 6, 9)


def queue_lists(name: str) -> list[str]:
    """The Redis lists kombu keeps for queue `name`: the name itself, then one per priority
    step above 0."""
    return [name if step == 0 else f"{name}{PRIORITY_SEP}{step}" for step in PRIORITY_STEPS]


def queue_names() -> list[str]:
    """The queues tasks are sent to: the default one, the webhook deliveries', the nightly
    queues (CELERY_NIGHTLY_QUEUES) and any named in CELERY_TASK_QUEUES."""
    names = [settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_WEBHOOK_QUEUE]
    extra = list(getattr(settings, "CELERY_NIGHTLY_QUEUES", None) or ())
    for queue in [*extra, *(getattr(settings, "CELERY_TASK_QUEUES", None) or ())]:
        name = getattr(queue, "name", queue)
        if name not in names:
            names.append(name)
    return names


def queue_depths() -> dict[str, int]:
    """{queue: messages waiting}, in one round trip to Redis."""
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        names = queue_names()
        pipe = client.pipeline(transaction=False)
        for name in names:
            for key in queue_lists(name):
                pipe.llen(key)
        lengths = pipe.execute()
    finally:
        client.close()
    per = len(PRIORITY_STEPS)
    return {name: sum(lengths[i * per : (i + 1) * per]) for i, name in enumerate(names)}


class QueueDepthCollector:
    """Yields csplatform_celery_queue_depth{queue} and csplatform_redis_up."""

    def collect(self):
        up = GaugeMetricFamily("csplatform_redis_up", "1 if Redis answered the scrape.")
        depth = GaugeMetricFamily(
            "csplatform_celery_queue_depth",
            "Celery messages waiting in the queue (Redis list lengths).",
            labels=["queue"],
        )
        try:
            depths = queue_depths()
        except redis.RedisError as exc:
            # The scrape still answers with everything else; the gap shows Redis is down.
            logger.warning("queue depth unavailable: %s", exc.__class__.__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for name, value in depths.items():
            depth.add_metric([name], value)
        yield up
        yield depth
