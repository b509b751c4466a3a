"""manage.py health_scores --tenant SLUG [--date D]: score every account of a tenant for one
local day (default: yesterday), replacing that day's scores."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from health.services.scores import health_scores_compute
from tenants.cli import ApplicationCommand, command_error, date_option
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


class Command(ApplicationCommand):
    help = "Compute a tenant's health scores for one local day (default: yesterday)."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="The tenant's slug.")
        parser.add_argument("--date", help="The local day to score (YYYY-MM-DD).")

    def handle(self, *args, tenant, date, **options):
        slug = tenant
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug {slug!r}.")
        day = date_option("--date", date) or tenant.today() - timedelta(days=1)
        if day > tenant.today():
            raise CommandError(f"--date must be no later than today in {tenant.time_zone}.")
        try:
            with tenant_scope(tenant):
                count = health_scores_compute(tenant=tenant, day=day)
        except ValidationError as error:
            raise command_error(error) from None
        self.stdout.write(f"Scored {count} accounts of {slug} for {day}.")
