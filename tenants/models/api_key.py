"""TenantAPIKey: a hashed API key that acts inside one tenant (djangorestframework-api-key)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from tenants.tenancy.models import TenantManager, TenantModel


class TenantAPIKeyManager(TenantManager, BaseAPIKeyManager):
    pass


class TenantAPIKey(TenantModel, AbstractAPIKey):
    # The library's prefix is unique across all keys; here within the tenant only (every unique
    # key holds tenant_id, so the table can be distributed by tenant). A request's key is found
    # by its prefix across tenants through this plain index, and verified against each key with
    # that prefix (tenants/api/authentication.py): eight random characters may meet again.
    prefix = models.CharField(max_length=8, editable=False, db_index=True, verbose_name=_("prefix"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))

    objects = TenantAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        abstract = False
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.UniqueConstraint(fields=["tenant", "prefix"], name="api_key_prefix"),
        ]
