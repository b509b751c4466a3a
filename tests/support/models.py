"""Models that exist only in the test database (synced, no migrations)."""

from django.db import models

from tenants.tenancy.models import TenantModel


class Memo(TenantModel):
    """A tenant-owned row pointing at another tenant-owned row (a membership)."""

    membership = models.ForeignKey("tenants.Membership", on_delete=models.CASCADE)
    text = models.CharField(max_length=100)
