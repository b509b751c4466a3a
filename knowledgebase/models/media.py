"""Images uploaded for articles, stored under the tenant's own folder and served by the help
center. The upload service checks the size and that the bytes are an image of an allowed
type before anything is stored."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantModel


def image_path(instance, filename: str) -> str:
    """Where an image is stored: under its tenant's folder (`instance` is an image or a
    tenant)."""
    tenant_id = instance.pk if instance._meta.model_name == "tenant" else instance.tenant_id
    return f"kb/{tenant_id}/{filename}"


class ArticleImage(TenantModel):
    file = models.FileField(_("file"), upload_to=image_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=40, verbose_name=_("content type"))
    size = models.PositiveIntegerField(verbose_name=_("size"))
    width = models.PositiveIntegerField(verbose_name=_("width"))
    height = models.PositiveIntegerField(verbose_name=_("height"))
    uploaded_by = models.ForeignKey(
        "tenants.Membership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.name
