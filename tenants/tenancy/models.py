"""TenantModel: the abstract base of every tenant-owned model.

Its default manager scopes every query to the active tenant and refuses to compile SQL when
no tenant is active (fail-closed). The scope is an expression resolved when the SQL is
compiled, so querysets built at import time (serializer or form fields) stay safe and pick
up the tenant of the request that evaluates them.
"""

from django.core.exceptions import ValidationError
from django.db import models

from tenants.tenancy.context import get_current_tenant, require_current_tenant


class CurrentTenantId(models.Expression):
    """SQL parameter holding the active tenant's id, read at compile time."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection):
        return "%s", [require_current_tenant().pk]

    def __repr__(self):
        return "CurrentTenantId()"


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager: every query is limited to the active tenant."""

    def get_queryset(self):
        return super().get_queryset().filter(tenant_id=CurrentTenantId())

    def for_tenant(self, tenant):
        """Rows of `tenant`, whatever tenant is active (services given a tenant explicitly)."""
        return super().get_queryset().filter(tenant=tenant)

    def unscoped(self):
        """All tenants' rows. Only for migrations, superuser admin and cross-tenant jobs."""
        return super().get_queryset()


class TenantModel(models.Model):
    """Abstract base: a `tenant` foreign key, scoped managers and cross-tenant FK checks."""

    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="+", editable=False
    )

    objects = TenantManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.tenant_id is None:
            self.tenant = require_current_tenant()
        self.validate_tenant_relations()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        if self.tenant_id is None and get_current_tenant() is not None:
            self.tenant = get_current_tenant()
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        self.validate_tenant_relations()

    def validate_tenant_relations(self):
        """No foreign key may point at another tenant's row (checked for every subclass)."""
        errors = {}
        for field in self._meta.concrete_fields:
            if not field.is_relation or field.name == "tenant":
                continue
            related = field.related_model
            value_id = getattr(self, field.attname)
            if value_id is None or not _is_tenant_owned(related):
                continue
            cached = field.get_cached_value(self, default=None)
            if cached is not None and cached.pk == value_id:
                same = cached.tenant_id == self.tenant_id
            else:
                same = related._base_manager.filter(pk=value_id, tenant_id=self.tenant_id).exists()
            if not same:
                errors[field.name] = "Select a valid choice; that one does not exist."
        if errors:
            raise ValidationError(errors)


def _is_tenant_owned(model) -> bool:
    return isinstance(model, type) and issubclass(model, TenantModel)
