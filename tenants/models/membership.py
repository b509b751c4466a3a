"""Membership: a user's role in a tenant. A user may belong to several tenants."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.tenancy.models import TenantModel


class Role(models.TextChoices):
    OWNER = "owner", pgettext_lazy("role", "Owner")
    ADMIN = "admin", pgettext_lazy("role", "Admin")
    CSM = "csm", pgettext_lazy("role", "Customer success manager")
    VIEWER = "viewer", pgettext_lazy("role", "Viewer")


# Roles allowed to change tenant data, and to manage the tenant itself (members, API keys).
WRITE_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.CSM})
MANAGE_ROLES = frozenset({Role.OWNER, Role.ADMIN})


class Membership(TenantModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(
        max_length=16, choices=Role.choices, default=Role.CSM, verbose_name=_("role")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user"),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGE_ROLES
