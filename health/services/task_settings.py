"""A tenant's settings for tasks: who gets the tasks of accounts without an owner."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from health.models import HealthSettings
from health.services.tasks import health_settings_for
from tenants.models import Membership, Tenant
from tenants.models.membership import WRITE_ROLES
from tenants.tenancy.context import tenant_scope


def task_fallback_assignee_set(*, tenant: Tenant, assignee: Membership | None) -> HealthSettings:
    """Tasks of accounts without an owner go to `assignee` (None: they stay unassigned).
    Only a member who can act on accounts (not a viewer) can be chosen."""
    if assignee is not None and (
        assignee.tenant_id != tenant.pk or assignee.role not in WRITE_ROLES
    ):
        raise ValidationError(
            {"task_fallback_assignee": _("Choose a member of your team who is not a viewer.")}
        )
    settings = health_settings_for(tenant)
    with tenant_scope(tenant):
        settings.task_fallback_assignee = assignee
        settings.save(update_fields=["task_fallback_assignee"])
    return settings
