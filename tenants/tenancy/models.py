"""TenantModel: the abstract base of every tenant-owned model.

Its default manager scopes every query to the active tenant and refuses to compile SQL when
no tenant is active (fail-closed). The scope is an expression resolved when the SQL is
compiled, so querysets built at import time (serializer or form fields) stay safe and pick
up the tenant of the request that evaluates them.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models
from django.utils.translation import gettext_lazy as _

from tenants.tenancy.context import get_current_tenant, require_current_tenant


class CurrentTenantId(models.Expression):
    """SQL parameter holding the active tenant's id, read at compile time."""

    output_field = models.BigIntegerField()

    def as_sql(self, compiler, connection):
        return "%s", [require_current_tenant().pk]

    def __repr__(self):
        return "CurrentTenantId()"


# What a queryset is limited to: the tenant active when its SQL is compiled, one named tenant,
# or nothing (unscoped(), which crosses tenants on purpose).
CURRENT = "current"


class TenantQuerySet(models.QuerySet):
    """Knows its tenant scope, and writes in bulk with the same tenant rules as `save()`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant_scope = None

    def _clone(self):
        clone = super()._clone()
        clone.tenant_scope = self.tenant_scope
        return clone

    def _scoped(self, scope):
        self.tenant_scope = scope
        return self

    def _scope_tenant_id(self) -> int | None:
        if self.tenant_scope == CURRENT:
            return require_current_tenant().pk
        return None if self.tenant_scope is None else self.tenant_scope.pk

    def bulk_create(self, objs, *args, **kwargs):
        """Rows without a tenant get the scope's (the active one); a row of another tenant
        than the scope's, or pointing at another tenant's row, is refused, as in `save()`."""
        objs = list(objs)
        scope_id = self._scope_tenant_id()
        for obj in objs:
            if obj.tenant_id is None:
                obj.tenant_id = scope_id if scope_id is not None else require_current_tenant().pk
            elif scope_id is not None and obj.tenant_id != scope_id:
                raise ValidationError({"tenant": "A row of another tenant cannot be created here."})
        _check_relations(self.model, objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        """Django's bulk_update, with the tenant rules of `update()` (a foreign key set to
        another tenant's row is refused), in one UPDATE ... FROM unnest(...) of the rows'
        values: Django's own builds a CASE per field and row, whose compilation costs far
        more than the statement when thousands of rows change (a nightly run's playbooks).
        Values that are expressions, and batch sizes, are left to Django's."""
        objs = list(objs)
        names = list(fields)
        model_fields = [self.model._meta.get_field(name) for name in names]
        if {"tenant", "tenant_id"} & ({field.name for field in model_fields} | set(names)):
            raise ValidationError({"tenant": "A row's tenant cannot be changed."})
        _check_relations(self.model, objs, [f for f in model_fields if f.is_relation])
        # One array per column: not for array columns (unnest would flatten them), composite
        # keys, rows without a key or named twice, nor values that are expressions.
        pks = [obj.pk for obj in objs]
        plain = (
            all(
                field.concrete
                and not field.many_to_many
                and not field.primary_key
                and not isinstance(field, ArrayField)
                for field in model_fields
            )
            and not isinstance(self.model._meta.pk, models.CompositePrimaryKey)
            and None not in pks
            and len(set(pks)) == len(pks)
            and not any(
                hasattr(getattr(obj, field.attname), "resolve_expression")
                for obj in objs
                for field in model_fields
            )
        )
        if not objs or not names or batch_size is not None or not plain:
            return super().bulk_update(objs, names, batch_size=batch_size)
        return _update_from_arrays(self, objs, model_fields)

    def update(self, **values):
        """A row's tenant never changes, and no row may point at another tenant's row."""
        if {"tenant", "tenant_id"} & set(values):
            raise ValidationError({"tenant": "A row's tenant cannot be changed."})
        for name, value in values.items():
            target = _related_tenant_id(self.model, name, value)
            if target is not None and self.exclude(tenant_id=target).exists():
                raise ValidationError({name: "Select a valid choice; that one does not exist."})
        return super().update(**values)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager: every query is limited to the active tenant."""

    def get_queryset(self):
        return super().get_queryset().filter(tenant_id=CurrentTenantId())._scoped(CURRENT)

    def for_tenant(self, tenant):
        """Rows of `tenant`, whatever tenant is active (services given a tenant explicitly)."""
        return super().get_queryset().filter(tenant=tenant)._scoped(tenant)

    def unscoped(self):
        """All tenants' rows. Only for migrations, superuser admin and cross-tenant jobs."""
        return super().get_queryset()._scoped(None)


def is_tenant_scoped(queryset) -> bool:
    """Whether `queryset` is limited to one tenant by the tenant manager (not unscoped())."""
    return isinstance(queryset, TenantQuerySet) and queryset.tenant_scope is not None


class TenantModel(models.Model):
    """Abstract base: a `tenant` foreign key, scoped managers and cross-tenant FK checks."""

    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        verbose_name=_("tenant"),
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
        for field in _tenant_relations(type(self)):
            related = field.related_model
            value_id = getattr(self, field.attname)
            if value_id is None:
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


def _tenant_relations(model, fields=None):
    return [
        field
        for field in (model._meta.concrete_fields if fields is None else fields)
        if field.is_relation and field.name != "tenant" and _is_tenant_owned(field.related_model)
    ]


def _update_from_arrays(queryset, objs, model_fields) -> int:
    """UPDATE the rows of `objs` (limited to `queryset`'s, as Django's bulk_update) with their
    values of `model_fields`, passed as one array per column."""
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    pk = queryset.model._meta.pk
    columns = [pk, *model_fields]
    arrays = [
        [column.get_db_prep_save(getattr(obj, column.attname), connection) for obj in objs]
        for column in columns
    ]
    types = [column.rel_db_type(connection) if column.is_relation else None for column in columns]
    types = [
        kind or column.db_type(connection) for kind, column in zip(types, columns, strict=True)
    ]
    names = ", ".join(quote(column.column) for column in columns)
    unnest = ", ".join(f"%s::{kind}[]" for kind in types)
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in model_fields)
    # The queryset's own filters (the tenant scope among them) as a subquery of its ids.
    scoped, scoped_params = (
        queryset.filter(pk__in=arrays[0]).order_by().values("pk").query.sql_with_params()
    )
    table = quote(queryset.model._meta.db_table)
    key = quote(pk.column)
    sql = (
        f"UPDATE {table} SET {sets} FROM unnest({unnest}) AS v({names}) "  # noqa: S608
        f"WHERE {table}.{key} = v.{key} AND {table}.{key} IN ({scoped})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*arrays, *scoped_params])
        return cursor.rowcount


def _check_relations(model, objs, fields=None) -> None:
    """One query per foreign key (of `fields`, else all): every row it names belongs to the
    pointing row's tenant."""
    for field in _tenant_relations(model, fields):
        wanted = {
            (getattr(obj, field.attname), obj.tenant_id)
            for obj in objs
            if getattr(obj, field.attname) is not None
        }
        if not wanted:
            continue
        ids = {value for value, _ in wanted}
        found = set(
            field.related_model._base_manager.filter(pk__in=ids).values_list("pk", "tenant_id")
        )
        if wanted - found:
            raise ValidationError({field.name: "Select a valid choice; that one does not exist."})


def _related_tenant_id(model, name: str, value) -> int | None:
    """The tenant of the row an update's value points at, when `name` is a foreign key to a
    tenant-owned model and the value names a row (expressions are left to the database)."""
    try:
        field = model._meta.get_field(name)  # by name or attname (account or account_id)
    except FieldDoesNotExist:
        return None
    if not field.is_relation or not _is_tenant_owned(field.related_model):
        return None
    if value is None or hasattr(value, "resolve_expression"):
        return None
    if isinstance(value, models.Model):
        return value.tenant_id
    row = field.related_model._base_manager.filter(pk=value).values_list("tenant_id", flat=True)
    tenant_id = row.first()
    if tenant_id is None:
        raise ValidationError({name: "Select a valid choice; that one does not exist."})
    return tenant_id
