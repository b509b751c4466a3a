"""Per-day rollups of usage events: what the nightly figures read instead of raw events.

Each is rebuilt whole for a (tenant, local day) from that day's events, so a night's cost
grows with the day's data, not with the length of history. Events are kept by name, not by
feature: the feature catalog can change without rebuilding a single rollup.
"""

from django.db import models

from accounts.tenancy.models import TenantModel
from metrics.models.usage import firehose_tenant


class ContactDay(TenantModel):
    """One contact's activity on one local day (the basis of DAU/WAU/MAU and time in app)."""

    tenant = firehose_tenant()
    day = models.DateField()
    contact_id = models.BigIntegerField()
    # The account of the contact's latest event that day (null while unattributed).
    account_id = models.BigIntegerField(null=True)
    events = models.PositiveIntegerField()
    session_seconds = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "day", "contact_id"], name="contactday_unique"
            )
        ]


class AccountEventDay(TenantModel):
    """How often an account sent one event name on one local day (features, adoption)."""

    tenant = firehose_tenant()
    day = models.DateField()
    account_id = models.BigIntegerField()
    event = models.CharField(max_length=200)
    events = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "day", "account_id", "event"], name="accounteventday_unique"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "account_id", "day"]),
            # First day of an activation or first-value event per account.
            models.Index(fields=["tenant", "event", "account_id", "day"]),
        ]
