"""Saved views of the portfolio: a member's named filters, sort and search, kept as the
query string of the portfolio's address, so opening one is opening a bookmark."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel

NAME_MAX = 80
QUERY_MAX = 1000


class SavedView(TenantModel):
    membership = models.ForeignKey(
        "tenants.Membership",
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("membership"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    # The portfolio's query string without "?" or the page number (a view is a selection,
    # not a place in it).
    query = models.CharField(max_length=QUERY_MAX, blank=True, verbose_name=_("query"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "membership", "name"], name="savedview_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name
