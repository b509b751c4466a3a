"""AuditEntry: one change to an audited row (django-auditlog's log entry), kept per tenant.

django-auditlog writes these (AUDITLOG_LOGENTRY_MODEL); the tenant is taken from the changed
row itself, so an entry never depends on which tenant happened to be active.
"""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.models import TenantManager, TenantModel


def _tenant_id_of(instance) -> int | None:
    from tenants.models.tenant import Tenant

    if isinstance(instance, Tenant):
        return instance.pk
    return getattr(instance, "tenant_id", None)


class AuditEntryManager(TenantManager, LogEntryManager):
    def log_create(self, instance, force_log: bool = False, **kwargs):
        tenant_id = _tenant_id_of(instance)
        if tenant_id is None:
            return None  # only tenant-owned rows are audited
        kwargs.setdefault("tenant_id", tenant_id)
        from tenants.audit.registry import audit_describe

        description = audit_describe(instance)
        if description is not None:
            kwargs.setdefault("object_repr", description)
        return super().log_create(instance, force_log=force_log, **kwargs)


class AuditEntry(TenantModel, AbstractLogEntry):
    # No foreign-key constraint: the entry recording a tenant's (or a cascade's) deletion is
    # written after the tenant row is gone, and the history outlives the rows it describes.
    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.DO_NOTHING,
        related_name="+",
        editable=False,
        db_constraint=False,
        verbose_name=_("tenant"),
    )
    # Requests authenticated by an API key have no user: the key is the actor.
    api_key = models.ForeignKey(
        "tenants.TenantAPIKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("API key"),
    )

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        abstract = False
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["tenant", "-timestamp"], name="auditentry_tenant_time")]

    @property
    def record_label(self) -> str:
        from tenants.audit.registry import audit_label

        return audit_label(self.content_type.model_class())

    @property
    def actor_display(self) -> str:
        if self.api_key_id is not None:
            return f"API key {self.api_key.name}"
        return self.actor_email or ""
