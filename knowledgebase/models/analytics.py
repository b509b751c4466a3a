"""What the help center learns from its readers, anonymously: article views per day,
"was this helpful?" answers with an optional reason, and every search with its result count
(no address, user or contact is stored)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from knowledgebase.models.article import Article
from knowledgebase.models.languages import Language
from tenants.tenancy.models import TenantModel


class FeedbackReason(models.TextChoices):
    UNCLEAR = "unclear", _("Hard to understand")
    INCOMPLETE = "incomplete", _("Missing information")
    WRONG = "wrong", _("Incorrect or out of date")
    OTHER = "other", _("Something else")


class ArticleViewDay(TenantModel):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="view_days", verbose_name=_("article")
    )
    language = models.CharField(max_length=8, choices=Language.choices, verbose_name=_("language"))
    day = models.DateField(verbose_name=_("day"))
    views = models.PositiveIntegerField(default=0, verbose_name=_("views"))

    class Meta:
        verbose_name = _("article views of a day")
        verbose_name_plural = _("article views by day")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "article", "language", "day"], name="kb_view_day"
            )
        ]


class ArticleFeedback(TenantModel):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article")
    )
    language = models.CharField(max_length=8, choices=Language.choices, verbose_name=_("language"))
    helpful = models.BooleanField(_("helpful"))
    reason = models.CharField(
        _("reason"), max_length=12, choices=FeedbackReason.choices, blank=True
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [models.Index(fields=["tenant", "article", "helpful"])]


class SearchQuery(TenantModel):
    language = models.CharField(max_length=8, choices=Language.choices, verbose_name=_("language"))
    # Normalised: trimmed, lower-cased, inner spaces collapsed, at most 200 characters.
    query = models.CharField(max_length=200, verbose_name=_("query"))
    results = models.PositiveIntegerField(verbose_name=_("results"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")
        indexes = [models.Index(fields=["tenant", "created_at"])]
