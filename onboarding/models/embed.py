"""A tenant's settings of the in-app checklist: the public key that names the tenant in an
embed token, the secret the tenant's backend signs tokens with, and the origins (the
tenant's product) allowed to frame the checklist."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel


class EmbedSettings(TenantModel):
    key = models.CharField(_("public key"), max_length=40)
    secret = models.CharField(_("secret"), max_length=100)
    # ["https://app.example.com", ...]: the pages allowed to show the checklist in a frame.
    allowed_origins = models.JSONField(_("allowed origins"), default=list, blank=True)
    rotated_at = models.DateTimeField(_("secret made"), auto_now_add=True)

    class Meta:
        verbose_name = _("in-app checklist settings")
        verbose_name_plural = _("in-app checklist settings")
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="embedsettings_one_per_tenant"),
        ]
        indexes = [
            # An embed token names its tenant by this key, looked up across tenants. Not a
            # unique key: those all hold tenant_id (so the table can be distributed by
            # tenant), and one row per tenant already makes (tenant, key) unique; 96 random
            # bits never meet twice, and a token signed for one tenant fails any other's secret.
            models.Index(fields=["key"], name="embedsettings_key"),
        ]

    def __str__(self) -> str:
        return f"embed settings {self.tenant_id}"
