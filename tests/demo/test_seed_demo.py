"""seed_demo: a consistent, deterministic history in every table, written all or nothing."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Min, Sum
from django.db.models.functions import TruncDate

from accounts.models import Account, AccountNote, Contact, NpsResponse, Subscription
from csplatform.demo.seed import copy as demo_copy
from csplatform.demo.seed.population import rng_for
from csplatform.demo.seed.terms import terms_simulate
from metrics.models import AcquisitionSpend, ChurnRecord, EventReceipt, Feature, UsageEvent
from tenants.models import Role, Tenant
from tests.factories import MembershipFactory, TenantFactory

pytestmark = pytest.mark.django_db

ZONE = "America/New_York"  # the 120 days below cross a daylight-saving change
SMALL = ["--accounts", "30", "--days", "120", "--end-date", "2026-03-31"]
CUSTOMER_MODELS = [
    Account,
    Contact,
    Subscription,
    AccountNote,
    UsageEvent,
    EventReceipt,
    NpsResponse,
    ChurnRecord,
    AcquisitionSpend,
    Feature,
]


def _tenant(slug, *roles):
    tenant = TenantFactory(slug=slug, name=slug.title(), time_zone=ZONE, currency="EUR")
    for role in (Role.OWNER, *roles):
        MembershipFactory(tenant=tenant, role=role)
    return tenant


def _seed(slug, *args, seed=7):
    out, err = StringIO(), StringIO()
    call_command("seed_demo", slug, *SMALL, "--seed", str(seed), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def acme():
    return _tenant("acme", Role.CSM, Role.CSM, Role.VIEWER)


@pytest.fixture
def seeded(acme):
    _seed("acme")
    return acme


def _fingerprint(tenant):
    """Everything that must repeat for a seed (ids aside, which the database hands out)."""
    zone = ZoneInfo(tenant.time_zone)
    events = UsageEvent.objects.for_tenant(tenant)
    return {
        "counts": {m.__name__: m.objects.for_tenant(tenant).count() for m in CUSTOMER_MODELS},
        "accounts": list(
            Account.objects.for_tenant(tenant)
            .order_by("external_id")
            .values_list(
                "external_id",
                "name",
                "domain",
                "segment",
                "lifecycle_stage",
                "traits",
                "parent__external_id",
            )
        ),
        "contacts": list(
            Contact.objects.for_tenant(tenant)
            .order_by("external_id")
            .values_list("external_id", "account__external_id", "email", "name")
        ),
        "terms": list(
            Subscription.objects.for_tenant(tenant)
            .order_by("external_id")
            .values_list("external_id", "plan", "mrr", "start_date", "end_date", "status")
        ),
        "mrr": Subscription.objects.for_tenant(tenant).aggregate(s=Sum("mrr"))["s"],
        "nps": NpsResponse.objects.for_tenant(tenant).aggregate(s=Sum("score"))["s"],
        "spend": AcquisitionSpend.objects.for_tenant(tenant).aggregate(s=Sum("amount"))["s"],
        "events_per_day": sorted(
            events.annotate(day=TruncDate("timestamp", tzinfo=zone))
            .values_list("day")
            .annotate(n=Count("id"))
        ),
        "events": sorted(
            events.values_list("message_id", "event", "timestamp", "contact_external_id")
        ),
        "churn": sorted(
            ChurnRecord.objects.for_tenant(tenant).values_list(
                "account__external_id", "churned_on", "reason__key", "last_mrr", "engagement_trend"
            )
        ),
    }


def test_rows_in_every_table_belong_to_the_tenant(seeded):
    other = _tenant("globex")
    for model in CUSTOMER_MODELS:
        assert model.objects.for_tenant(seeded).exists(), model.__name__
        assert not model.objects.for_tenant(other).exists(), model.__name__
        assert set(model.objects.unscoped().values_list("tenant_id", flat=True)) == {seeded.pk}
    assert Account.objects.for_tenant(seeded).count() == 30
    assert Feature.objects.for_tenant(seeded).filter(is_core=True).count() == 8
    assert Feature.objects.for_tenant(seeded).values("feature").distinct().count() == 10


def test_events_contacts_and_receipts_are_consistent(seeded):
    zone = ZoneInfo(ZONE)
    contacts = {c.pk: c for c in Contact.objects.for_tenant(seeded).select_related("account").all()}
    first_start = dict(
        Subscription.objects.for_tenant(seeded)
        .values_list("account_id")
        .annotate(first=Min("start_date"))
    )
    churned_on = dict(
        ChurnRecord.objects.for_tenant(seeded).values_list("account_id", "churned_on")
    )
    receipts = dict(
        EventReceipt.objects.for_tenant(seeded).values_list("message_id", "received_at")
    )
    events = list(UsageEvent.objects.for_tenant(seeded).order_by("contact_id", "timestamp"))
    assert len(receipts) == len(events) == len({e.message_id for e in events})
    hours = Counter()
    for event in events:
        contact = contacts[event.contact_id]
        assert contact.account_id == event.account_id
        assert event.account_external_id == contact.account.external_id
        assert event.contact_external_id == contact.external_id
        assert receipts[event.message_id] == event.received_at >= event.timestamp
        local = event.timestamp.astimezone(zone)
        assert local.date() >= first_start[event.account_id]
        assert event.account_id not in churned_on or local.date() < churned_on[event.account_id]
        hours[local.hour] += 1
    assert min(hours) >= 8 and max(hours) <= 18  # working hours, whatever the DST offset
    assert sum(n for hour, n in hours.items() if 9 <= hour < 17) > 0.9 * len(events)


def test_events_form_sessions(seeded):
    """Most consecutive events of a contact on a day are under 30 minutes apart."""
    events = UsageEvent.objects.for_tenant(seeded).order_by("contact_id", "timestamp")
    gaps, previous = [], None
    for contact_id, timestamp in events.values_list("contact_id", "timestamp"):
        if previous and previous[0] == contact_id and previous[1].date() == timestamp.date():
            gaps.append(timestamp - previous[1])
        previous = (contact_id, timestamp)
    short = sum(gap < timedelta(minutes=30) for gap in gaps)
    assert short > 0.75 * len(gaps)


def test_subscription_terms_follow_the_renewal_rules(seeded):
    terms = defaultdict(list)
    for term in Subscription.objects.for_tenant(seeded).order_by("start_date", "id"):
        assert term.end_date > term.start_date and term.mrr >= 0
        assert term.currency == "EUR"
        terms[term.account_id].append(term)
    assert len(terms) == 30
    churns = {c.account_id: c for c in ChurnRecord.objects.for_tenant(seeded)}
    assert churns, "the sample must contain churn"
    for account in Account.objects.for_tenant(seeded):
        history = terms[account.pk]
        for before, after in zip(history, history[1:], strict=False):
            # Each later term is a renewal: at most 30 days late, possibly early.
            assert before.start_date < after.start_date <= before.end_date + timedelta(days=30)
        churn = churns.get(account.pk)
        assert (account.lifecycle_stage == "churned") == (churn is not None)
        if churn is not None:
            assert churn.reason is not None and churn.note
            assert churn.churned_on == history[-1].end_date
            assert history[-1].status == Subscription.Status.CANCELLED
            assert churn.last_mrr == history[-1].mrr and len(churn.engagement_trend) == 3


def test_nps_follows_usage_and_some_contacts_answer_twice(seeded):
    answers = list(NpsResponse.objects.for_tenant(seeded).select_related("contact"))
    assert all(a.account_id == a.contact.account_id and 0 <= a.score <= 10 for a in answers)
    assert max(Counter(a.contact_id for a in answers).values()) >= 2
    events = Counter(UsageEvent.objects.for_tenant(seeded).values_list("account_id", flat=True))
    scores = defaultdict(list)
    for answer in answers:
        scores[answer.account_id].append(answer.score)
    ranked = sorted(scores, key=lambda pk: events[pk])
    half = len(ranked) // 2

    def mean(pks):
        return sum(sum(scores[pk]) / len(scores[pk]) for pk in pks) / len(pks)

    assert mean(ranked[half:]) > mean(ranked[:half])


def test_accounts_are_owned_by_csms_admins_or_owners(seeded):
    owners = Account.objects.for_tenant(seeded).values_list("owner__role", flat=True)
    assert set(owners) <= {Role.CSM, Role.OWNER} and Role.CSM in set(owners)
    alone = _tenant("solo")  # nobody but the owner: the owner gets every account
    _seed("solo")
    assert set(Account.objects.for_tenant(alone).values_list("owner__role", flat=True)) == {
        Role.OWNER
    }
    assert _fingerprint(alone) == _fingerprint(seeded)  # the team does not change the history


def test_some_enterprise_accounts_are_groups_with_subsidiaries_of_the_same_csm(seeded):
    children = Account.objects.for_tenant(seeded).filter(parent__isnull=False)
    assert children.exists()
    for child in children.select_related("parent"):
        assert child.parent.segment == "Enterprise" and child.segment != "SMB"
        assert child.owner_id == child.parent.owner_id
        assert child.parent.parent_id is None  # one level: groups are no one's subsidiary


def test_same_seed_same_history_and_another_seed_another(seeded):
    _tenant("twin", Role.CSM, Role.CSM)
    _seed("twin")
    twin = Tenant.objects.get(slug="twin")
    assert _fingerprint(twin) == _fingerprint(seeded)
    _tenant("other", Role.CSM)
    _seed("other", seed=8)
    other = _fingerprint(Tenant.objects.get(slug="other"))
    mine = _fingerprint(seeded)
    assert other["mrr"] != mine["mrr"] and other["events_per_day"] != mine["events_per_day"]
    assert other["accounts"] != mine["accounts"]


def test_output_reports_counts_and_progress(acme):
    out, err = _seed("acme")
    assert "Seeded acme with history from 2025-12-02 to 2026-03-31 (seed 7): 30 accounts" in out
    assert "30/30 accounts" in err


def test_unknown_tenant():
    with pytest.raises(CommandError, match="No tenant with slug 'nope'"):
        _seed("nope")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--accounts", "0"], r"accounts: Give at least 1 account \(got 0\)"),
        (["--days", "0"], r"days: Give between 1 and 3660 days of history \(got 0\)"),
        (["--days", "5000"], "days: Give between 1 and 3660 days"),
        (["--seed", "-1"], "seed: The seed must be zero or a positive integer"),
        (["--end-date", "31/03/2026"], "--end-date must be a date like 2026-03-31"),
    ],
)
def test_bad_arguments_write_nothing(acme, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("seed_demo", "acme", *SMALL, *args, stdout=StringIO(), stderr=StringIO())
    assert not Account.objects.for_tenant(acme).exists()


def test_second_run_is_refused_without_reset(seeded):
    before = _fingerprint(seeded)
    with pytest.raises(CommandError, match="already has 30 accounts; pass --reset"):
        _seed("acme", seed=9)
    assert _fingerprint(seeded) == before


def test_reset_replaces_the_customer_data_of_that_tenant_only(seeded):
    neighbour = _tenant("globex")
    _seed("globex", seed=3)
    before, neighbour_before = _fingerprint(seeded), _fingerprint(neighbour)
    out, _ = _seed("acme", "--reset", "--accounts", "12", seed=9)
    assert "Deleted" in out
    assert Account.objects.for_tenant(seeded).count() == 12
    assert _fingerprint(seeded)["terms"] != before["terms"][:12]
    _seed("acme", "--reset")
    assert _fingerprint(seeded) == before
    assert _fingerprint(neighbour) == neighbour_before


def test_a_failure_leaves_nothing_behind(acme, monkeypatch):
    real = demo_copy.copy_rows

    def failing(cursor, model, fields, lines):
        if model is NpsResponse:
            raise RuntimeError("disk full")
        return real(cursor, model, fields, lines)

    monkeypatch.setattr("csplatform.demo.seed.service.copy_rows", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        _seed("acme")
    for model in CUSTOMER_MODELS:
        assert not model.objects.for_tenant(acme).exists(), model.__name__


def test_amounts_use_the_tenant_currency(seeded):
    assert set(Subscription.objects.for_tenant(seeded).values_list("currency", flat=True)) == {
        "EUR"
    }
    assert AcquisitionSpend.objects.for_tenant(seeded).aggregate(s=Sum("amount"))["s"] > Decimal(0)


def test_terms_cover_every_kind_of_renewal():
    """Over many accounts: on-time, late and early renewals, upsells, downgrades, annual
    conversions, and churn, each term starting within the 30-day grace window."""
    kinds = Counter()
    for ordinal in range(1, 401):
        history = terms_simulate(
            rng_for(5, 1, ordinal),
            first_start=date(2024, 1, 1) + timedelta(days=ordinal % 365),
            tier_index=ordinal % 3,
            health=(ordinal % 10) / 10 + 0.05,
            period_end=date(2026, 3, 31),
            scale=1,
        )
        kinds["churn"] += history.churn_date is not None
        for before, after in zip(history.terms, history.terms[1:], strict=False):
            shift = (after.start - before.end).days
            assert -30 < shift <= 30
            kinds["late" if shift > 0 else "early" if shift < 0 else "on time"] += 1
            kinds["upsell" if after.mrr_cents > before.mrr_cents else "other"] += 1
            kinds["downgrade"] += after.mrr_cents < before.mrr_cents
            kinds["to annual"] += "Monthly" in before.plan and "Annual" in after.plan
    for kind in ("churn", "late", "early", "on time", "upsell", "downgrade", "to annual"):
        assert kinds[kind] > 0, kind


def test_demo_has_running_playbooks_and_a_log_of_emails_never_sent(seeded):
    from django.core import mail

    from accounts.models import CustomerEmail
    from health.models import Playbook, PlaybookRun

    assert Playbook.objects.for_tenant(seeded).filter(key="at-risk-outreach").exists()
    runs = PlaybookRun.objects.for_tenant(seeded)
    assert runs.filter(status="running").count() >= 2
    emails = CustomerEmail.objects.for_tenant(seeded)
    assert emails.filter(status="sent", sent_at__isnull=False).exists()
    assert not emails.filter(status="queued").exists()
    assert mail.outbox == []  # logged as sent, never handed to a mail backend
