"""Models that exist only in the test database (synced, no migrations)."""

from django.db import models

from accounts.tenancy.models import TenantModel


class Memo(TenantModel):
    """A tenant-owned row pointing at another tenant-owned row (a membership)."""

    membership = models.ForeignKey("accounts.Membership", on_delete=models.CASCADE)
    text = models.CharField(max_length=100)
