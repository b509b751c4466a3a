"""ImportJob: one CSV file a member uploaded, its validation result and whether it was applied.

The file's text is kept on the row so that the validation and apply tasks, which may run on
another machine, read exactly what was uploaded. Pages load jobs with `content` deferred.
"""

import hashlib

from django.db import models

from tenants.tenancy.models import TenantModel


class ImportJob(TenantModel):
    class Kind(models.TextChoices):
        ACCOUNTS = "accounts", "Accounts"
        CONTACTS = "contacts", "Contacts"
        SUBSCRIPTIONS = "subscriptions", "Subscriptions"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded"
        VALIDATING = "validating", "Checking"
        VALIDATED = "validated", "Ready to apply"
        INVALID = "invalid", "Has errors"
        APPLYING = "applying", "Applying"
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    RUNNING = frozenset({Status.UPLOADED, Status.VALIDATING, Status.APPLYING})

    kind = models.CharField(max_length=20, choices=Kind.choices)
    original_filename = models.CharField(max_length=255)
    content = models.TextField(help_text="The uploaded file, decoded from UTF-8.")
    content_sha256 = models.CharField(
        max_length=64,
        blank=True,
        help_text="SHA-256 of the file as it was checked (hex): the apply trusts that check "
        "only for the same file.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    row_count = models.PositiveIntegerField(default=0)
    create_count = models.PositiveIntegerField(
        default=0,
        help_text="Rows that create a record (expected when validated, done when applied).",
    )
    update_count = models.PositiveIntegerField(default=0)
    columns = models.JSONField(default=list, blank=True, help_text="The header, in file order.")
    preview = models.JSONField(
        default=list, blank=True, help_text="The first rows: [{line, action, cells}]."
    )
    errors = models.JSONField(
        default=list, blank=True, help_text="[{line, field, message}], the first ones only."
    )
    error_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="Why the job failed.")
    created_by = models.ForeignKey(
        "tenants.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
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
