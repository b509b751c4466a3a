"""The Celery application: Redis broker, JSON only, at-least-once delivery, static beat schedule.

Tasks must be idempotent (a retried or redelivered task changes nothing the second time),
because acks_late + task_reject_on_worker_lost redeliver work whose worker died.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csplatform.settings")


# Every task runs as the application role (row-level security), tenant set by the task.
app = Celery("csplatform", task_cls="tenants.tenancy.tasks:ApplicationTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=30 * 60,
    task_soft_time_limit=25 * 60,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    # A task not acknowledged within this window is handed to another worker; it must exceed
    # the hard time limit or long tasks would run twice.
    broker_transport_options={"visibility_timeout": 2 * 60 * 60},
    timezone="UTC",
    beat_schedule={
        # Nightly jobs. Each fans out one task per tenant; per-tenant work checks the
        # tenant's own local midnight.
        "tenants-purge-expired-invitations": {
            "task": "accounts.tasks.purge_expired_invitations_all",  # its name before the move
            "schedule": crontab(minute=15, hour=3),
        },
        # Hourly, so that each tenant's run starts soon after its own local midnight.
        "metrics-nightly": {
            "task": "metrics.tasks.nightly_all",
            "schedule": crontab(minute=5),
        },
    },
)


app.autodiscover_tasks()
