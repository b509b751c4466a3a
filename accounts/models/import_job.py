"""ImportJob: one CSV file a member uploaded, its validation result and whether it was applied.

The file's text is kept on the row so that the validation and apply tasks, which may run on
another machine, read exactly what was uploaded. Pages load jobs with `content` deferred.
"""

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel


class ImportJob(TenantModel):
    class Kind(models.TextChoices):
        ACCOUNTS = "accounts", _("Accounts")
        CONTACTS = "contacts", _("Contacts")
        SUBSCRIPTIONS = "subscriptions", _("Subscriptions")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking")
        VALIDATED = "validated", _("Ready to apply")
        INVALID = "invalid", _("Has errors")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    RUNNING = frozenset({Status.UPLOADED, Status.VALIDATING, Status.APPLYING})

    kind = models.CharField(max_length=20, choices=Kind.choices, verbose_name=_("kind"))
    original_filename = models.CharField(max_length=255, verbose_name=_("original filename"))
    content = models.TextField(
        help_text=_("The uploaded file, decoded from UTF-8."), verbose_name=_("content")
    )
    content_sha256 = models.CharField(
        max_length=64,
        blank=True,
        help_text=_(
            "SHA-256 of the file as it was checked (hex): the apply trusts that check "
            "only for the same file."
        ),
        verbose_name=_("content SHA-256"),
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.UPLOADED, verbose_name=_("status")
    )
    row_count = models.PositiveIntegerField(default=0, verbose_name=_("row count"))
    create_count = models.PositiveIntegerField(
        default=0,
        help_text=_("Rows that create a record (expected when validated, done when applied)."),
        verbose_name=_("create count"),
    )
    update_count = models.PositiveIntegerField(default=0, verbose_name=_("update count"))
    columns = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The header, in file order."),
        verbose_name=_("columns"),
    )
    preview = models.JSONField(
        default=list,
        blank=True,
        help_text=_("The first rows: [{line, action, cells}]."),
        verbose_name=_("preview"),
    )
    errors = models.JSONField(
        default=list,
        blank=True,
        help_text=_("[{line, field, message}], the first ones only."),
        verbose_name=_("errors"),
    )
    error_count = models.PositiveIntegerField(default=0, verbose_name=_("error count"))
    message = models.TextField(
        blank=True, help_text=_("Why the job failed."), verbose_name=_("message")
    )
    created_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    # The language the uploader's pages were in: the checks' messages are written in it.
    language = models.CharField(max_length=16, blank=True, default="", verbose_name=_("language"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    validated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("validated at"))
    applied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("applied at"))

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import {self.original_filename}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    def content_digest(self) -> str:
        return hashlib.sha256(self.content.encode()).hexdigest()

    @property
    def can_apply(self) -> bool:
        return self.status == self.Status.VALIDATED and self.error_count == 0
