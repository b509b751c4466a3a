"""A book of accounts for the portfolio's tests, written in bulk: each account with two
health scores a week apart, an active term, a contact's NPS answer, an onboarding plan with
two required steps and a day of usage."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.models import Account, Contact, NpsResponse, Subscription
from health.models import HealthScore, ScorecardVersion
from health.services.defaults import scorecards_ensure_defaults
from metrics.models import AccountDay
from onboarding.models import Plan, PlanStep
from tenants.tenancy.context import tenant_scope

BANDS = ["good", "average", "poor"]


def book(tenant, count, *, owner=None, start=0, segment="SMB", stage="adoption"):
    """`count` accounts named Acct-NNNN from `start`; returns them."""
    card = scorecards_ensure_defaults(tenant=tenant)
    today = tenant.today()
    zone = ZoneInfo(tenant.time_zone)
    with tenant_scope(tenant):
        version = ScorecardVersion.objects.get(scorecard=card, number=card.version)
        accounts = Account.objects.bulk_create(
            Account(
                tenant=tenant, external_id=f"a{n}", name=f"Acct-{n:04d}", segment=segment,
                lifecycle_stage=stage, owner=owner,
            )
            for n in range(start, start + count)
        )  # fmt: skip
        scores, terms, contacts, plans, days = [], [], [], [], []
        for i, account in enumerate(accounts):
            value = (start + i) % 100
            for back, delta in ((1, 0), (8, 5)):
                scores.append(
                    HealthScore(
                        tenant=tenant, account=account, day=today - timedelta(days=back),
                        scorecard_version=version, score=min(100, value + delta),
                        band=BANDS[(start + i) % 3],
                    )
                )  # fmt: skip
            terms.append(
                Subscription(
                    tenant=tenant, account=account, external_id=f"s{account.pk}",
                    mrr=10 + (start + i), currency=tenant.currency,
                    start_date=today - timedelta(days=100),
                    end_date=today + timedelta(days=10 + (start + i) % 300),
                )
            )  # fmt: skip
            contacts.append(Contact(tenant=tenant, external_id=f"c{account.pk}", account=account))
            plans.append(Plan(tenant=tenant, account=account, started_on=today))
            days.append(
                AccountDay(
                    tenant=tenant, day=today - timedelta(days=2), account_id=account.pk,
                    events=3, session_seconds=60,
                )
            )  # fmt: skip
        HealthScore.objects.bulk_create(scores)
        Subscription.objects.bulk_create(terms)
        AccountDay.objects.bulk_create(days)
        Contact.objects.bulk_create(contacts)
        NpsResponse.objects.bulk_create(
            NpsResponse(
                tenant=tenant, contact=contact, account_id=contact.account_id, score=9,
                answered_at=datetime.combine(today - timedelta(days=3), time(12), zone),
            )
            for contact in contacts
        )  # fmt: skip
        Plan.objects.bulk_create(plans)
        PlanStep.objects.bulk_create(
            PlanStep(
                tenant=tenant, plan=plan, key=key, due_on=today, completed_by="csm",
                status=status,
            )
            for plan in plans
            for key, status in (("kickoff", "done"), ("launch", "open"))
        )  # fmt: skip
    return accounts
