"""Account hierarchy: an account may belong to a parent account of the same tenant, and the
parents never form a cycle."""

from django.utils.translation import gettext as _

from accounts.models import Account
from tenants.models import Tenant


def account_parent_problem(
    *, tenant: Tenant, account_pk: int | None, parent, pending: dict | None = None
) -> str | None:
    """Why `parent` cannot be the parent of the account `account_pk` (None: a new account),
    or None when it can.

    Walks up from `parent` reading each step's parent from the database (one query a level),
    never from the objects given, which may be stale copies (a CSV file names the same parent
    on many lines while earlier lines change it). An unsaved parent, a row created earlier in
    the same CSV file, is followed through the parent it was given; `pending` maps the ids of
    accounts whose parent earlier lines of the file change to that new parent."""
    pending = pending or {}
    if parent is None:
        return None
    if parent.tenant_id is not None and parent.tenant_id != tenant.pk:
        return _("No account with that external id in this tenant.")
    node_id = _saved_id(parent)
    seen = set()
    while node_id is not None:
        if node_id == account_pk:
            return cycle_message()
        if node_id in seen:  # a cycle stored already (never by us); stop walking
            return None
        seen.add(node_id)
        if node_id in pending:
            node_id = _saved_id(pending[node_id])
            continue
        node_id = (
            Account.objects.for_tenant(tenant)
            .filter(pk=node_id)
            .values_list("parent_id", flat=True)
            .first()
        )
    return None


def cycle_message() -> str:
    return _("An account cannot be its own parent or the parent of an account above it.")


def _saved_id(account) -> int | None:
    """The id of `account`, or of the first saved account above it when it is one a CSV file
    creates (unsaved, followed through the parent it was given)."""
    while account is not None and account.pk is None:
        account = getattr(account, "_csv_parent", None)
    return None if account is None else account.pk
