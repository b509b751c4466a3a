"""manage.py recompute_metrics --tenant SLUG [--date D | --since D] [--until D]"""

from datetime import timedelta

from django.core.management.base import CommandError

from metrics.engine.calendar import local_today
from metrics.engine.run import MetricsBusy
from metrics.services.recompute import metrics_backfill, metrics_nightly
from tenants.cli import ApplicationCommand, Progress, date_option
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


class Command(ApplicationCommand):
    help = (
        "Recompute a tenant's metrics: rollups, daily and monthly figures, churn records. "
        "Without --date or --since it does what the nightly run does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="The tenant's slug.")
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--date", help="Recompute this one local day (YYYY-MM-DD).")
        when.add_argument("--since", help="Recompute from this local day (YYYY-MM-DD) ...")
        parser.add_argument("--until", help="... up to this day (default: yesterday).")

    def handle(self, *args, tenant, date, since, until, **options):
        slug = tenant
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug {slug!r}.")
        one_day, since, until = (
            date_option("--date", date),
            date_option("--since", since),
            date_option("--until", until),
        )
        if until is not None and since is None:
            raise CommandError("--until needs --since.")
        yesterday = local_today(tenant.time_zone) - timedelta(days=1)
        if one_day is not None:
            since = until = one_day
        for option, value in (("--date", one_day), ("--since", since), ("--until", until)):
            if value is not None and value > yesterday:
                raise CommandError(
                    f"{option} must be no later than {yesterday} (yesterday in "
                    f"{tenant.time_zone}), got {value}."
                )
        if since is not None and until is not None and since > until:
            raise CommandError(f"--since ({since}) is after --until ({until}).")
        bar = Progress(self.stderr, label=f"Recomputing {slug}", unit="steps")
        try:
            with tenant_scope(tenant):
                if since is None:
                    result = metrics_nightly(tenant=tenant)
                else:
                    result = metrics_backfill(
                        tenant=tenant, since=since, until=until, progress=bar.update
                    )
        except MetricsBusy as error:
            raise CommandError(f"{error} Try again when it has finished.") from None
        if result is None:
            self.stdout.write(f"Metrics of {slug} are up to date through {yesterday}.")
            return
        self.stdout.write(
            f"Recomputed {slug}: rollups of {result.rollup_days} days, figures of "
            f"{result.figure_days} days and {result.months} months ({result.figures:,} "
            f"figures), {result.churn_records} churn records, in {result.seconds:.1f} s."
        )
