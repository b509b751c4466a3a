"""Personal links to the customer portal: one contact's way into the account's onboarding
checklist, without a login. The link carries a signed token that names the tenant and the
link; only the token's SHA-256 is stored (unique per tenant), as for survey links."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.tenancy.models import TenantModel


class PortalLink(TenantModel):
    contact = models.ForeignKey(
        "accounts.Contact",
        on_delete=models.CASCADE,
        related_name="portal_links",
        verbose_name=_("contact"),
    )
    # The account the link shows, fixed when it is made: a contact who moves to another
    # account does not carry the old account's checklist along.
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="portal_links",
        verbose_name=pgettext_lazy("label", "account"),
    )
    token_sha256 = models.CharField(max_length=64, verbose_name=_("token SHA-256"))
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("portal link")
        verbose_name_plural = _("portal links")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "token_sha256"], name="portal_link_token")
        ]
        indexes = [models.Index(fields=["tenant", "contact", "expires_at"])]

    def __str__(self) -> str:
        return f"portal link {self.pk}"
