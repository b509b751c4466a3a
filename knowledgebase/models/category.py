"""Categories and their sections: the help center's two levels, each ordered by position.
A category has no parent; a section's parent is a category. Names and descriptions are
kept per language ({language: text}); a missing language falls back."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel


class Category(TenantModel):
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("category"),
        help_text=_("Leave empty for a top-level category; choose one to make this a section."),
    )
    slug = models.SlugField(_("slug"), max_length=80, allow_unicode=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # {language: text}
    name = models.JSONField(_("name"), default=dict)
    description = models.JSONField(_("description"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="kb_category_slug"),
        ]

    def __str__(self) -> str:
        return self.label("en")

    def label(self, language: str, fallback: str = "en") -> str:
        names = self.name or {}
        return names.get(language) or names.get(fallback) or next(iter(names.values()), self.slug)

    def text(self, language: str, fallback: str = "en") -> str:
        texts = self.description or {}
        return texts.get(language) or texts.get(fallback) or ""
