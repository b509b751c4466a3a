"""A tenant's help center settings: which languages it publishes in, the fallback language
shown when an article has no translation in the visitor's, and its title."""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from knowledgebase.models.languages import Language
from tenants.tenancy.models import TenantModel


def default_languages() -> list[str]:
    return [Language.EN.value]


class HelpCenter(TenantModel):
    title = models.CharField(_("title"), max_length=120, blank=True)
    languages = ArrayField(
        models.CharField(max_length=8, choices=Language.choices),
        verbose_name=_("languages"),
        default=default_languages,
    )
    fallback_language = models.CharField(
        _("fallback language"), max_length=8, choices=Language.choices, default=Language.EN
    )
    # Hosts allowed to embed the help widget in a frame (the tenant's product), one per line.
    widget_origins = models.TextField(_("widget origins"), blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("help center")
        verbose_name_plural = _("help centers")
        constraints = [models.UniqueConstraint(fields=["tenant"], name="helpcenter_tenant")]

    def __str__(self) -> str:
        return self.title or str(_("Help center"))

    def clean(self):
        unknown = [code for code in self.languages if code not in Language.values]
        if unknown:
            raise ValidationError(
                {"languages": _("Unknown language: %(code)s") % {"code": ", ".join(unknown)}}
            )
        if not self.languages:
            raise ValidationError({"languages": _("Choose at least one language.")})
        if self.fallback_language not in self.languages:
            raise ValidationError(
                {"fallback_language": _("The fallback language must be one of the languages.")}
            )
