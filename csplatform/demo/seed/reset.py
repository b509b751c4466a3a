"""Delete one tenant's customer data before it is seeded again (`seed_demo --reset`).

The large tables go first as single set-based DELETEs; accounts and contacts last through the
ORM, so that rows of other apps pointing at them are cascaded or nulled as their models say.
Tenant configuration (members, API keys, churn reasons, the feature catalog, scorecards,
playbooks, email templates and the help center's articles) is kept; what the help center's
readers did (views, feedback, searches) goes with the customer data.
"""

from auditlog.context import disable_auditlog

from accounts.models import (
    Account,
    AccountNote,
    Contact,
    CustomerEmail,
    NpsResponse,
    Subscription,
)
from health.models import HealthScore, PlaybookRun, Task
from knowledgebase.models import ArticleFeedback, ArticleViewDay, SearchQuery
from metrics.models import AcquisitionSpend, ChurnRecord, EventReceipt, UsageEvent
from tenants.models import Tenant

# Children before parents. Receipts go too: they only guard against re-sent copies of the
# events deleted here, and would collide with the message ids of the new run.
CUSTOMER_DATA = (
    UsageEvent,
    EventReceipt,
    NpsResponse,
    ChurnRecord,
    HealthScore,
    PlaybookRun,
    Task,
    CustomerEmail,
    AccountNote,
    Subscription,
    Contact,
    Account,
    AcquisitionSpend,
    ArticleViewDay,
    ArticleFeedback,
    SearchQuery,
)


def customer_data_delete(*, tenant: Tenant) -> int:
    """Delete the tenant's customer data; returns the number of rows deleted."""
    deleted = 0
    # Demo data replaced wholesale: one audit entry per demo row would only bury real ones.
    with disable_auditlog():
        for model in CUSTOMER_DATA:
            count, _ = model.objects.for_tenant(tenant).delete()
            deleted += count
    return deleted
