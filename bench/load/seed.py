"""The load benchmark's tenant: demo data (seed_demo), a CSM who signs in, an API key, and
what the load generator needs to address it (printed as JSON on the last line).

    python -m bench.load.seed --accounts N --days D   (DATABASE_URL of a migrated database)
"""

import argparse
import json
import re
import sys
import time
from datetime import timedelta

SLUG = "bench-load"
CSM_PASSWORD = "bench-load-csm-password"  # noqa: S105 - a scratch database's user
CSM_EMAIL = "csm{n}@load.bench.example"
OWNER = "owner@load.bench.example"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, required=True)
    parser.add_argument("--days", type=int, required=True)
    parser.add_argument("--csms", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed(args) -> dict:
    import django

    django.setup()
    from django.db import transaction

    from csplatform.demo.seed.service import demo_seed
    from health.services.nightly import health_after_metrics
    from metrics.services.recompute import metrics_backfill
    from tenants.models import Role
    from tenants.services.api_keys import api_key_create
    from tenants.services.tenants import (
        membership_add,
        tenant_create,
        tenant_settings_update,
        user_get_or_create,
    )
    from tenants.tenancy.context import tenant_scope

    started = time.monotonic()
    with transaction.atomic():
        tenant, _ = tenant_create(slug=SLUG, name="Load bench", owner_email=OWNER)
        with tenant_scope(tenant):
            tenant_settings_update(
                tenant=tenant,
                activation_event="integration_connected",
                first_value_event="report_exported",
            )
            csms = [CSM_EMAIL.format(n=n) for n in range(args.csms)]
            for email in csms:
                user, _ = user_get_or_create(email=email, password=CSM_PASSWORD)
                membership_add(tenant=tenant, user=user, role=Role.CSM)
            _, raw_key = api_key_create(tenant=tenant, name="Load bench")
            result = demo_seed(
                tenant=tenant, accounts=args.accounts, days=args.days, seed=args.seed
            )
    log(f"  demo data: {time.monotonic() - started:.1f} s")
    with tenant_scope(tenant):  # after commit: the backfill uses connections of its own
        started = time.monotonic()
        last = tenant.today() - timedelta(days=1)
        metrics_backfill(tenant=tenant, since=result.period_start, until=last)
        health_after_metrics(tenant=tenant)
        log(f"  metrics and health scores: {time.monotonic() - started:.1f} s")
        return {
            "slug": SLUG,
            "api_key": raw_key,
            "csms": csms,
            "password": CSM_PASSWORD,
            **targets(tenant),
        }


def targets(tenant) -> dict:
    """Accounts, contacts, portal links with the steps their customer ticks, help center
    search words and event names: what the traffic picks from."""
    from accounts.models import Account, Contact
    from csplatform.demo.seed.catalog import FEATURES
    from knowledgebase.models import ArticleTranslation
    from onboarding.models import CompletedBy, PlanStep, PortalLink
    from onboarding.services.portal_links import link_token

    accounts = list(Account.objects.order_by("pk").values_list("pk", "external_id"))
    contacts = list(
        Contact.objects.order_by("pk").values_list("external_id", "account__external_id")[:2000]
    )
    portal = []
    for link in PortalLink.objects.filter(revoked_at=None).order_by("pk"):
        steps = list(
            PlanStep.objects.filter(
                plan__account_id=link.account_id, completed_by=CompletedBy.CUSTOMER
            ).values_list("pk", flat=True)
        )
        if steps:
            portal.append({"token": link_token(tenant.pk, link.pk), "steps": steps})
    words = set()
    published = ArticleTranslation.objects.filter(article__status="published")
    for language, title in published.values_list("language", "title"):
        words.update((language, word.lower()) for word in re.findall(r"\w{5,}", title))
    return {
        "accounts": [{"pk": pk, "external_id": xid} for pk, xid in accounts],
        "contacts": [{"external_id": c, "account": a} for c, a in contacts],
        "portal": portal,
        "search": sorted(words),
        "events": sorted({event for event, *_ in FEATURES}),
    }


if __name__ == "__main__":
    print(json.dumps(seed(parse_args(sys.argv[1:]))))
