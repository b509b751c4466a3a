"""The Celery application: Redis broker, JSON only, at-least-once delivery, static beat schedule.

Tasks must be idempotent (a retried or redelivered task changes nothing the second time),
because acks_late + task_reject_on_worker_lost redeliver work whose worker died, and the
task outbox (tenants/tenancy/outbox.py) sends a task again if it crashed half-way through
sending it, or if the task has not run to completion an hour after it was sent.
"""

import logging
import logging.config
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging, worker_ready

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
    # Sending a task makes one attempt to connect, of at most 2 s: a request that queues a
    # task after commit, with Redis down, answers at once and leaves the task to the outbox
    # relay (tenants/tenancy/outbox.py), rather than wait through kombu's default retries
    # (2 s apart, for 4 s) or a blackholed host's minutes. Sends that pass a retry policy
    # (beat, tasks queueing tasks) still retry by it.
    broker_connection_timeout=2,
    broker_transport_options={
        # A task not acknowledged within this window is handed to another worker; it must
        # exceed the hard time limit or long tasks would run twice.
        "visibility_timeout": 2 * 60 * 60,
        "socket_connect_timeout": 2,
        "max_retries": 0,
    },
    timezone="UTC",
    beat_schedule={
        # Nightly jobs. Each fans out one task per tenant; per-tenant work checks the
        # tenant's own local midnight.
        "tenants-purge-expired-invitations": {
            "task": "accounts.tasks.purge_expired_invitations_all",  # its name before the move
            "schedule": crontab(minute=15, hour=3),
        },
        # Tasks that could not be sent when they were queued (the broker was down); the
        # message expires rather than piling up while no worker runs.
        "tenants-relay-outbox": {
            "task": "tenants.tasks.relay_outbox",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        # Webhook deliveries that are due and whose queued attempt was lost.
        "tenants-webhooks-sweep": {
            "task": "tenants.tasks.webhooks_sweep",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        # The events table's partitions of the coming months, and expired receipts deleted.
        "metrics-events-storage": {
            "task": "metrics.tasks.events_storage_upkeep",
            "schedule": crontab(minute=35),
            "options": {"expires": 50 * 60},
        },
        # Hourly, so that each tenant's run starts soon after its own local midnight.
        "metrics-nightly": {
            "task": "metrics.tasks.nightly_all",
            "schedule": crontab(minute=5),
        },
        # Health scores follow the metrics: each tenant's new and rebuilt days, soon after.
        "health-scores": {
            "task": "health.tasks.scores_all",
            "schedule": crontab(minute="*/15"),
            "options": {"expires": 14 * 60},
        },
        # Daily, after most tenants' nightly metrics: each scorecard's backtest against churn.
        "health-backtests": {
            "task": "health.tasks.backtests_all",
            "schedule": crontab(minute=30, hour=4),
        },
        # Hourly, so that each tenant's steps run soon after its own local midnight.
        "health-playbook-steps": {
            "task": "health.tasks.playbook_steps_due_all",
            "schedule": crontab(minute=20),
        },
        # Hourly: an onboarding plan for each account whose first term started.
        "onboarding-plans-start": {
            "task": "onboarding.tasks.plans_start_all",
            "schedule": crontab(minute=50),
        },
        # Automatic onboarding steps whose event or trait is there, should the task queued
        # by ingestion or by the account's change have been lost.
        "metrics-onboarding-steps-sweep": {
            "task": "metrics.tasks.onboarding_steps_sweep_all",
            "schedule": 120.0,
            "options": {"expires": 110},
        },
        # Hourly: reminders of the onboarding steps due soon or overdue (each step once).
        "onboarding-step-reminders": {
            "task": "onboarding.tasks.step_reminders_all",
            "schedule": crontab(minute=55),
        },
        # Scheduled help center articles published when their time comes (within a minute).
        "knowledgebase-publish-due": {
            "task": "knowledgebase.tasks.articles_publish_due_all",
            "schedule": 60.0,
            "options": {"expires": 55},
        },
        # Hourly: survey sends due by each tenant's local today, and the reminders due.
        "accounts-surveys": {
            "task": "accounts.tasks.surveys_all",
            "schedule": crontab(minute=40),
        },
    },
)


app.autodiscover_tasks()


@setup_logging.connect
def _django_logging(loglevel=None, **kwargs):
    """Workers and beat log through Django's LOGGING, as the web does: JSON lines carrying
    the task's id and its tenant's (tenants/observability/logs.py), not Celery's own format.
    Connecting this signal is what keeps Celery from configuring logging itself."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


@worker_ready.connect
def _relay_outbox_on_start(sender, **kwargs):
    """A worker that starts (say, with Redis back after an outage) has the outbox relayed at
    once rather than at the next minute. Queued as a message: the worker's main process
    does no database work of its own."""
    sender.app.send_task("tenants.tasks.relay_outbox", expires=60)
