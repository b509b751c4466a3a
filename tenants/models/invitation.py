"""Invitation: an emailed offer to join a tenant with a role, accepted through a secret link."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models.membership import Role
from tenants.tenancy.models import TenantModel


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(TenantModel):
    email = models.EmailField(verbose_name=_("email"))
    role = models.CharField(
        max_length=16, choices=Role.choices, default=Role.CSM, verbose_name=_("role")
    )
    # The hash of the link's token, set when the email is sent (the token itself is never
    # stored); empty until then, and emptied when the invitation is renewed, so that an
    # earlier link stops working. Unique within the tenant only (every unique key holds
    # tenant_id, so the table can be distributed by tenant); the link is looked up by its
    # hash across tenants, through a plain index: 256 random bits never meet twice.
    token_hash = models.CharField(
        max_length=64, null=True, editable=False, db_index=True, verbose_name=_("token hash")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("accepted at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "tenant",
                models.functions.Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
            models.UniqueConstraint(fields=["tenant", "token_hash"], name="invitation_token"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
