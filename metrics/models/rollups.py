"""Per-day rollups of usage events: what the nightly figures read instead of raw events.

One row per account and local day (and one per day for contacts whose events name no known
account), rebuilt whole from that day's events, so a night's cost grows with the day's data,
not with the length of history. Events are kept by name, not by feature: the feature catalog
can change without rebuilding a single rollup.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from metrics.models.usage import firehose_tenant
from tenants.tenancy.models import TenantModel


class AccountDay(TenantModel):
    tenant = firehose_tenant()
    day = models.DateField(verbose_name=_("day"))
    account_id = models.BigIntegerField(
        null=True, verbose_name=_("account ID")
    )  # null: contacts of no known account
    events = models.PositiveIntegerField(verbose_name=_("events"))  # the account's events that day
    event_counts = models.JSONField(
        default=dict, verbose_name=_("event counts")
    )  # event name -> events that day
    # Distinct contacts active that day (DAU/WAU/MAU) and the length of their sessions.
    contacts = ArrayField(models.BigIntegerField(), default=list, verbose_name=_("contacts"))
    session_seconds = models.PositiveBigIntegerField(verbose_name=_("session seconds"))

    class Meta:
        verbose_name = _("account day")
        verbose_name_plural = _("account days")
        indexes = [
            models.Index(fields=["tenant", "day"]),
            # One account's days (churn engagement trends, an account's usage history).
            models.Index(fields=["tenant", "account_id", "day"], name="accountday_account"),
        ]


class AccountEventFirst(TenantModel):
    """The first local day each account sent each event name (activation, first value)."""

    tenant = firehose_tenant()
    account_id = models.BigIntegerField(verbose_name=_("account ID"))
    event = models.CharField(max_length=200, verbose_name=_("event"))
    first_day = models.DateField(verbose_name=_("first day"))

    class Meta:
        verbose_name = _("first event of an account")
        verbose_name_plural = _("first events of accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "account_id", "event"], name="accounteventfirst_unique"
            )
        ]
        indexes = [models.Index(fields=["tenant", "event"])]
