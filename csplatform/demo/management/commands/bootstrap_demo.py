"""manage.py bootstrap_demo: the demo tenant `make run` shows (created the first time only)."""

from django.db import transaction

from csplatform.demo.login import DEMO_OWNER, DEMO_PASSWORD, DEMO_SLUG
from csplatform.demo.seed.service import demo_seed
from csplatform.demo.seed.tasks import demo_tasks_open
from health.services.backtests import backtests_refresh
from health.services.nightly import health_after_metrics
from metrics.services.recompute import metrics_backfill
from tenants.cli import ApplicationCommand
from tenants.models import Membership, Role, Tenant
from tenants.services.api_keys import api_key_create
from tenants.services.tenants import (
    membership_add,
    tenant_create,
    tenant_settings_update,
    user_get_or_create,
)
from tenants.tenancy.context import tenant_scope

# A small run of seed_demo: enough history for every page and KPI, seeded in seconds.
DEMO_ACCOUNTS, DEMO_DAYS, DEMO_SEED = 150, 400, 7


class Command(ApplicationCommand):
    help = "Create the demo tenant, its team, an API key and demo data, unless it exists."

    def handle(self, *args, **options):
        if Tenant.objects.filter(slug=DEMO_SLUG).exists():
            self.stdout.write(f"Demo tenant {DEMO_SLUG!r} exists; left as it is.")
            return
        with transaction.atomic():
            tenant, _ = tenant_create(
                slug=DEMO_SLUG,
                name="Demo SaaS Inc.",
                owner_email=DEMO_OWNER,
                owner_password=DEMO_PASSWORD,
                time_zone="Europe/Bucharest",
                currency="USD",
            )
            with tenant_scope(tenant):
                # The demo product's activation and first value events (demo_seed's catalog).
                tenant_settings_update(
                    tenant=tenant,
                    activation_event="integration_connected",
                    first_value_event="report_exported",
                )
                for email, role in [
                    ("csm@demo.example", Role.CSM),
                    ("viewer@demo.example", Role.VIEWER),
                ]:
                    user, _ = user_get_or_create(email=email, password=DEMO_PASSWORD)
                    membership_add(tenant=tenant, user=user, role=role)
                _, raw_key = api_key_create(tenant=tenant, name="Demo integration")
                result = demo_seed(
                    tenant=tenant, accounts=DEMO_ACCOUNTS, days=DEMO_DAYS, seed=DEMO_SEED
                )
                # A few tasks by hand, so the owner's inbox is not empty on first sign-in.
                owner = Membership.objects.get(user__email=DEMO_OWNER)
                demo_tasks_open(tenant=tenant, assignee=owner, today=tenant.today())
        with tenant_scope(tenant):  # after commit: the backfill runs on connections of its own
            run = metrics_backfill(tenant=tenant, since=result.period_start)
            # A year of daily scores, as the nightly scoring's first run writes them; then
            # the alert rules on the last scored day open the demo's first tasks and start
            # playbooks.
            after = health_after_metrics(tenant=tenant)
            scored = after.scores
            # The backtest reads the stored scores of the last 12 month starts.
            (backtest, *_) = backtests_refresh(tenant=tenant)
        events = result.rows["metrics.UsageEvent"]
        self.stdout.write(
            f"Created demo tenant {DEMO_SLUG!r} with owner {DEMO_OWNER} and "
            f"{DEMO_ACCOUNTS} customer accounts ({events:,} usage events); KPIs computed "
            f"for {run.figure_days} days and {run.months} months; {scored.rows:,} health scores "
            f"({scored.first} to {scored.last}); "
            f"backtest AUC {backtest.auc if backtest.auc is not None else 'n/a'}; "
            f"{after.opened} tasks opened by the alert rules, {after.playbooks_started} "
            "playbooks started."
        )
        self.stdout.write(f"Demo API key (shown once): {raw_key}")
