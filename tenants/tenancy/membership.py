"""Which tenant a signed-in user is acting in: session choice, validated against memberships."""

from tenants.tenancy.context import cross_tenant

SESSION_KEY = "tenant_id"


def resolve_membership(user, session):
    """Return (active membership or None, all memberships) for `user`."""
    from tenants.models import Membership

    # Crossing tenants is the point here: list every tenant this user belongs to.
    with cross_tenant():
        memberships = list(
            Membership.objects.unscoped()
            .filter(user=user)
            .select_related("tenant")
            .order_by("tenant__name", "id")
        )
    if not memberships:
        return None, memberships
    chosen = session.get(SESSION_KEY)
    for membership in memberships:
        if membership.tenant_id == chosen:
            return membership, memberships
    return memberships[0], memberships


def switch_tenant(request, slug: str):
    """Make the tenant named by `slug` active for this session, if the user belongs to it."""
    for membership in request.memberships:
        if membership.tenant.slug == slug:
            request.session[SESSION_KEY] = membership.tenant_id
            return membership
    return None
