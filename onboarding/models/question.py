"""Questions a customer asks the CSM from the portal ("Ask your CSM"), and the CSM's answer.
The question is plain text, kept as typed and shown escaped; the CSM's task inbox gets a
task for each one (health.services.portal_questions), and the answer is shown in the
portal and sent to the contact by email."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.tenancy.models import TenantModel

QUESTION_MAX = 2000
ANSWER_MAX = 5000


class PortalQuestion(TenantModel):
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        related_name="portal_questions",
        verbose_name=pgettext_lazy("label", "account"),
    )
    plan = models.ForeignKey(
        "onboarding.Plan",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("plan"),
    )
    contact = models.ForeignKey(
        "accounts.Contact",
        null=True,
        on_delete=models.SET_NULL,
        related_name="portal_questions",
        verbose_name=_("contact"),
    )
    text = models.TextField(_("question"), max_length=QUESTION_MAX)
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)
    answer = models.TextField(_("answer"), max_length=ANSWER_MAX, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    # The email that carried the answer; its placeholders are read from this question.
    answer_email = models.ForeignKey(
        "accounts.CustomerEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answer email"),
    )

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("portal question")
        verbose_name_plural = _("portal questions")
        indexes = [models.Index(fields=["tenant", "account", "asked_at"])]

    def __str__(self) -> str:
        return self.text[:60]
