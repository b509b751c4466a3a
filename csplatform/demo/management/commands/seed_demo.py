"""manage.py seed_demo SLUG --accounts N --days D --seed S [--end-date YYYY-MM-DD] [--reset]"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from csplatform.demo.seed.service import CHUNK_ACCOUNTS, demo_seed
from tenants.cli import ApplicationCommand, Progress, command_error, date_option
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope


class Command(ApplicationCommand):
    help = (
        "Fill an existing tenant with a realistic, deterministic demo history: accounts, "
        "contacts, subscription terms, usage events, NPS answers, churn and spend. "
        "The same --seed always gives the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The tenant to fill (it must exist).")
        parser.add_argument("--accounts", type=int, default=200, help="Accounts (default 200).")
        parser.add_argument("--days", type=int, default=365, help="Days of history (365).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--end-date",
            help="Last day of the history (default: yesterday in the tenant's time zone).",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK_ACCOUNTS,
            help=f"Accounts generated and written per COPY round (default {CHUNK_ACCOUNTS}); "
            "memory grows with it, speed hardly does.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the tenant's customer data first (needed if it already has accounts).",
        )

    def handle(self, *args, slug, accounts, days, seed, end_date, chunk_size, reset, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug {slug!r}; create it with create_tenant first.")
        bar = Progress(self.stderr, label=f"Seeding {slug}", unit="accounts")
        try:
            with tenant_scope(tenant):
                result = demo_seed(
                    tenant=tenant,
                    accounts=accounts,
                    days=days,
                    seed=seed,
                    end_date=date_option("--end-date", end_date),
                    reset=reset,
                    chunk_size=chunk_size,
                    progress=lambda done, total, events: bar.update(
                        done, total, f"{events:,} events"
                    ),
                )
        except ValidationError as error:
            raise command_error(error) from None
        if result.deleted:
            self.stdout.write(
                f"Deleted {result.deleted:,} rows of earlier customer data "
                f"in {result.delete_seconds:.1f} s."
            )
        rows = result.rows
        self.stdout.write(
            f"Seeded {slug} with history from {result.period_start} to {result.period_end} "
            f"(seed {seed}): {rows['accounts.Account']:,} accounts, "
            f"{rows['accounts.Contact']:,} contacts, {rows['accounts.Subscription']:,} terms, "
            f"{rows['metrics.UsageEvent']:,} events, {rows['accounts.NpsResponse']:,} NPS answers, "
            f"{rows['metrics.ChurnRecord']:,} churned; {result.total_rows:,} rows written at "
            f"{result.rows_per_second:,.0f} rows/s ({result.seconds:.1f} s in all)."
        )
