"""Account hierarchy: an account may belong to a parent account of the same tenant, and the
parents never form a cycle."""

from django.utils.translation import gettext as _

from accounts.models import Account
from tenants.models import Tenant


def account_parent_problem(*, tenant: Tenant, account_pk: int | None, parent) -> str | None:
    """Why `parent` cannot be the parent of the account `account_pk` (None: a new account),
    or None when it can. Walks up from `parent`, one query a level; an unsaved parent (a row
    earlier in the same CSV file) is followed through the parent it was given."""
    if parent is None:
        return None
    if parent.tenant_id is not None and parent.tenant_id != tenant.pk:
        return _("No account with that external id in this tenant.")
    seen = set()
    node = parent
    while node is not None:
        if account_pk is not None and node.pk == account_pk:
            return _("An account cannot be its own parent or the parent of an account above it.")
        if node.pk is None:
            node = getattr(node, "_csv_parent", None)  # an account not created yet
            continue
        if node.pk in seen:  # a cycle already stored cannot be made worse; stop walking
            return None
        seen.add(node.pk)
        if node.parent_id is None:
            return None
        node = Account.objects.for_tenant(tenant).only("pk", "parent_id").get(pk=node.parent_id)
    return None
