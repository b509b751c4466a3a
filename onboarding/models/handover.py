"""The sales-to-CS handover of one account: what the customer wants to reach, who matters on
their side, what sales promised, when they mean to go live and what could go wrong. One per
account, filled in when the account is signed and kept up to date by its CSM."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.tenancy.models import TenantModel


class Handover(TenantModel):
    # One per account through the constraint below rather than a one-to-one field, whose
    # unique key could not hold tenant_id (as every unique key of a tenant's table does).
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("label", "account"),
    )
    goals = models.TextField(_("goals"), blank=True)
    # [{"name": ..., "role": ..., "email": ...}]
    stakeholders = models.JSONField(_("stakeholders"), default=list, blank=True)
    promised_features = models.TextField(_("promised features"), blank=True)
    go_live_on = models.DateField(_("go-live date"), null=True, blank=True)
    risks = models.TextField(_("risks"), blank=True)
    # Who handed the account over, and when (the first save); later saves keep them.
    completed_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("completed by"),
    )
    completed_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    updated_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "account"], name="handover_one_per_account")
        ]

    def __str__(self) -> str:
        return f"handover {self.pk}"
