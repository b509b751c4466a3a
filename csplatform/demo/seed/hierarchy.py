"""Account families for the demo: some enterprise accounts are groups whose subsidiaries are
customers of their own, owned by the same CSM."""

from accounts.models import Account
from csplatform.demo.seed.population import rng_for
from tenants.models import Tenant

HIERARCHY_STREAM = 9  # the spawn key of this purpose's random stream
GROUP_SHARE = 0.3  # of the enterprise accounts
SUBSIDIARIES = (1, 4)  # per group, at least and below


def hierarchies_build(*, tenant: Tenant, seed: int) -> int:
    """Give some enterprise accounts subsidiaries among the mid-market and enterprise
    accounts that are not groups themselves; return how many accounts got a parent."""
    rng = rng_for(seed, HIERARCHY_STREAM)
    accounts = Account.objects.for_tenant(tenant)
    enterprise = list(accounts.filter(segment="Enterprise").order_by("pk"))
    if len(enterprise) < 2:
        return 0
    groups = [a for a in enterprise if rng.random() < GROUP_SHARE] or enterprise[:1]
    group_ids = {group.pk for group in groups}
    pool = [
        account
        for account in accounts.filter(segment__in=["Enterprise", "Mid-market"]).order_by("pk")
        if account.pk not in group_ids
    ]
    order = rng.permutation(len(pool))
    children, taken = [], 0
    for group in groups:
        count = int(rng.integers(*SUBSIDIARIES))
        for index in order[taken : taken + count]:
            child = pool[int(index)]
            child.parent, child.owner_id = group, group.owner_id
            children.append(child)
        taken += count
    accounts.bulk_update(children, ["parent", "owner"])
    return len(children)
