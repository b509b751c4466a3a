"""OutboxTask: a Celery task recorded in the same transaction as the rows it works on.

A task queued straight to the broker after commit is lost when the broker is down, and the
rows it was meant to finish stay half-done for good. Written here instead, the task commits
or rolls back with its rows; it is handed to the broker right after commit, and the relay
(`tenants.tenancy.outbox`) sends whatever the broker could not take then. An entry is done
when its task has run (`done_at`), not when the broker took it: a message lost in the broker
(Redis restarted without its data) is sent again.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel


class OutboxTask(TenantModel):
    task_name = models.CharField(max_length=200, verbose_name=_("task name"))
    # Positional arguments of the task, the tenant's id first (as `@tenant_task` expects).
    # Identifiers only: a secret written here would sit in the database and the broker.
    args = models.JSONField(default=list, verbose_name=_("arguments"))
    kwargs = models.JSONField(default=dict, verbose_name=_("keyword arguments"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    last_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last attempt at"))
    # When the broker last took the task; `sends` counts the times it did (the relay sends
    # again a task that never completed, a few times at most).
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    sends = models.PositiveIntegerField(default=0, verbose_name=_("times sent"))
    # When the task ran to completion, marked by the task itself (`@tenant_task`).
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("done at"))

    class Meta:
        verbose_name = _("outbox task")
        verbose_name_plural = _("outbox tasks")
        ordering = ["id"]
        indexes = [
            # The relay's look-up: the oldest tasks not sent yet, of every tenant.
            models.Index(
                fields=["id"], condition=models.Q(sent_at__isnull=True), name="outbox_pending"
            ),
            # Sent tasks not done yet, by when they were sent: the relay sends again those
            # sent too long ago. Few rows: a task is done seconds after it is sent.
            models.Index(
                fields=["sent_at"],
                condition=models.Q(done_at__isnull=True, sent_at__isnull=False),
                name="outbox_unfinished",
            ),
            # Done entries are deleted after a while.
            models.Index(fields=["done_at"], name="outbox_done_at"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
