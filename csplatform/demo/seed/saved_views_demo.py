"""Demo saved views of the portfolio: each member who can write gets two, so the portfolio's
saved views show what they are for (and every tenant-owned table has demo rows)."""

from collections import Counter

from accounts.services.saved_views import saved_view_save
from tenants.models import Membership, Tenant
from tenants.models.membership import WRITE_ROLES

DEMO_VIEWS = [
    ("At risk", "band=poor&sort=-mrr"),
    ("Renewing in 90 days", "renewal=90&sort=renewal"),
]


def saved_views_demo(*, tenant: Tenant) -> Counter:
    """Save the demo views for the tenant's writers (saving again changes nothing)."""
    rows = Counter()
    members = Membership.objects.for_tenant(tenant).filter(role__in=WRITE_ROLES).order_by("pk")
    for membership in members:
        for name, query in DEMO_VIEWS:
            saved_view_save(tenant=tenant, membership=membership, name=name, query=query)
            rows["accounts.SavedView"] += 1
    return rows
