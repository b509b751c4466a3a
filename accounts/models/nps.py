"""NPS answers: what a contact said when asked how likely they are to recommend the product."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.tenancy.models import TenantModel


class NpsResponse(TenantModel):
    external_id = models.CharField(
        max_length=255, null=True, blank=True, verbose_name=_("external ID")
    )
    contact = models.ForeignKey(
        "accounts.Contact",
        on_delete=models.CASCADE,
        related_name="nps_responses",
        verbose_name=_("contact"),
    )
    account = models.ForeignKey(
        "accounts.Account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=pgettext_lazy("label", "account"),
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(10)], verbose_name=_("score")
    )
    comment = models.TextField(blank=True, verbose_name=_("comment"))
    answered_at = models.DateTimeField(verbose_name=_("answered at"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("NPS response")
        verbose_name_plural = _("NPS responses")
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="nps_unique_xid",
            ),
            models.CheckConstraint(condition=models.Q(score__lte=10), name="nps_score_0_10"),
        ]
        indexes = [
            models.Index(fields=["tenant", "contact", "answered_at"]),
            models.Index(fields=["tenant", "answered_at"]),
            # One account's answers (the portfolio's NPS column, sortable over every account).
            models.Index(fields=["tenant", "account", "answered_at"], name="nps_account"),
        ]

    @property
    def category(self) -> str:
        if self.score >= 9:
            return "promoter"
        return "passive" if self.score >= 7 else "detractor"
