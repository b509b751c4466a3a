"""Saving, renaming and deleting a member's saved views of the portfolio. Saving under a
name the member already uses replaces that view's filters (saving again is updating)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import SavedView
from tenants.models import Membership, Tenant


@transaction.atomic
def saved_view_save(*, tenant: Tenant, membership: Membership, name: str, query: str) -> SavedView:
    view, _created = SavedView.objects.for_tenant(tenant).update_or_create(
        tenant=tenant, membership=membership, name=name, defaults={"query": query}
    )
    return view


@transaction.atomic
def saved_view_rename(*, tenant: Tenant, view: SavedView, name: str) -> SavedView:
    views = SavedView.objects.for_tenant(tenant).filter(membership_id=view.membership_id)
    if views.filter(name=name).exclude(pk=view.pk).exists():
        raise ValidationError({"name": _("You already have a view with this name.")})
    view.name = name
    view.save(update_fields=["name", "updated_at"])
    return view


@transaction.atomic
def saved_view_delete(*, tenant: Tenant, view: SavedView) -> None:
    SavedView.objects.for_tenant(tenant).filter(pk=view.pk).delete()
