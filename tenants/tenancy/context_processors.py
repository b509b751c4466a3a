"""Template context: the active tenant, the user's role in it, and their other tenants."""


def tenancy(request):
    return {
        "current_tenant": getattr(request, "tenant", None),
        "current_membership": getattr(request, "membership", None),
        "user_memberships": getattr(request, "memberships", []),
    }
