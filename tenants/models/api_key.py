"""TenantAPIKey: a hashed API key that acts inside one tenant (djangorestframework-api-key)."""

from django.conf import settings
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from tenants.tenancy.models import TenantManager, TenantModel


class TenantAPIKeyManager(TenantManager, BaseAPIKeyManager):
    pass


class TenantAPIKey(TenantModel, AbstractAPIKey):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantAPIKeyManager()

    class Meta(AbstractAPIKey.Meta):
        abstract = False
        verbose_name = "API key"
        verbose_name_plural = "API keys"
