"""manage.py health_scores --tenant SLUG [--date D | --since D [--until D]]: score every
account of a tenant for one local day (default: yesterday) or a range of days (a history
backfill), replacing those days' scores. Refused while the tenant's metrics or scores are
being recomputed."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from health.services.score_history import health_scores_history
from metrics.engine.run import MetricsBusy, tenant_lock
from tenants.cli import ApplicationCommand, command_error, date_option
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


class Command(ApplicationCommand):
    help = (
        "Compute a tenant's health scores for one local day (default: yesterday) or, with "
        "--since, for every day from then on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="The tenant's slug.")
        parser.add_argument("--date", help="The local day to score (YYYY-MM-DD).")
        parser.add_argument("--since", help="Score every day from this one (YYYY-MM-DD).")
        parser.add_argument(
            "--until", help="The last day to score with --since (default: yesterday)."
        )

    def handle(self, *args, tenant, date, since, until, **options):
        slug = tenant
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug {slug!r}.")
        if date and (since or until):
            raise CommandError("Give either --date or --since/--until, not both.")
        if until and not since:
            raise CommandError("--until needs --since.")
        yesterday = tenant.today() - timedelta(days=1)
        first = date_option("--date", date) or date_option("--since", since) or yesterday
        last = date_option("--until", until) or (first if date else yesterday)
        if max(first, last) > tenant.today():
            raise CommandError(f"Days to score must be no later than today in {tenant.time_zone}.")
        if first > last:
            raise CommandError(f"--since {first} is after the last day to score, {last}.")

        def progress(done: int, total: int) -> None:
            if total > 1:
                self.stdout.write(f"  {done}/{total} days scored")

        try:
            # The nightly scoring and metrics runs hold the same lock: never two writers.
            with tenant_scope(tenant), tenant_lock(tenant):
                count = health_scores_history(
                    tenant=tenant, first=first, last=last, progress=progress
                )
        except ValidationError as error:
            raise command_error(error) from None
        except MetricsBusy as error:
            raise CommandError(f"{error} Try again when it has finished.") from None
        days = f"{first}" if first == last else f"{first} to {last}"
        self.stdout.write(f"Wrote {count} scores of {slug} for {days}.")
