"""The churn page: reasons with lost MRR, tenure buckets and the engagement before churn equal
sums worked out by hand; the period picker; recording a reason (escaped note, audit, bad
input as form errors); outsiders see nothing; constant queries."""

from datetime import timedelta
from decimal import Decimal

import pytest

from accounts.models import Account, Subscription
from accounts.services.accounts import account_upsert, subscription_upsert
from metrics.models import AccountDay, ChurnReason, ChurnRecord
from metrics.services.churn_reasons import churn_reasons_ensure_defaults
from tenants.models import AuditEntry
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db
D = Decimal


def _record(tenant, name, days_ago, *, reason=None, mrr="0", tenure=None, trend=(0, 0, 0)):
    with tenant_scope(tenant):
        account, _ = account_upsert(tenant=tenant, external_id=name, name=name)
        reasons = {r.key: r for r in ChurnReason.objects.all()}
        return ChurnRecord.objects.create(
            account=account,
            churned_on=tenant.today() - timedelta(days=days_ago),
            reason=reasons.get(reason),
            note=f"{name} note",
            tenure_months=tenure,
            last_mrr=D(mrr),
            engagement_trend=list(trend),
        )


@pytest.fixture
def churned(tenant):
    churn_reasons_ensure_defaults(tenant=tenant)
    return {
        "alpha": _record(tenant, "Alpha", 10, reason="budget", mrr="100", tenure=2),
        "bravo": _record(tenant, "Bravo", 40, reason="budget", mrr="50", tenure=12),
        "charlie": _record(tenant, "Charlie", 70, reason="competitor", mrr="200", tenure=30),
        "delta": _record(tenant, "Delta", 100, mrr="30", tenure=5),
        "echo": _record(tenant, "Echo", 400, reason="budget", mrr="999", tenure=1),
    }


@pytest.mark.outsider("churn")
def test_reasons_and_tenure_equal_a_hand_count(owner_client, outsider_client, churned):
    response = owner_client.get("/churn/?months=6")
    assert response.status_code == 200
    reasons = [(r.label, r.count, r.lost_mrr) for r in response.context["reasons"]]
    # Echo churned 400 days ago: outside the last 6 months. No reason comes last.
    assert reasons == [
        ("Budget", 2, D("150")),
        ("Competitor", 1, D("200")),
        ("Reason not recorded", 1, D("30")),
    ]
    tenure = [(row.label, row.count) for row in response.context["tenure"]]
    assert tenure == [
        ("Under 3 months", 1),
        ("3–6 months", 1),
        ("6–12 months", 0),
        ("12–24 months", 1),
        ("24 months or more", 1),
    ]
    page = response.content.decode()
    assert "Record reason" in page and "Echo" not in page
    assert "Alpha" not in outsider_client.get("/churn/").content.decode()


def test_period_picker_narrows_and_bad_periods_are_form_errors(owner_client, churned):
    three = owner_client.get("/churn/?months=3")
    names = {r.account.name for r in three.context["records"]}
    assert names == {"Alpha", "Bravo", "Charlie"}
    twelve = owner_client.get("/churn/?months=12")
    assert {r.account.name for r in twelve.context["records"]} == names | {"Delta"}
    for garbage in ["7", "abc", "-1", "99999999999999999999", "\x00"]:
        response = owner_client.get("/churn/", {"months": garbage})
        assert response.status_code == 200
        assert response.context["period_form"].errors
        assert response.context["months"] == 6


def test_engagement_compares_churned_and_retained_over_the_same_days(tenant, owner_client):
    churn_reasons_ensure_defaults(tenant=tenant)
    today = tenant.today()
    record = _record(tenant, "Gone", 10, reason="budget", trend=(10, 5, 1))
    with tenant_scope(tenant):
        for name in ["Stays", "Quiet"]:
            account, _ = account_upsert(tenant=tenant, external_id=name, name=name)
            subscription_upsert(
                tenant=tenant,
                external_id=f"t-{name}",
                account=account,
                mrr=D("10"),
                start_date=today - timedelta(days=400),
                end_date=None,
            )
        stays = Account.objects.get(name="Stays")
        start = record.churned_on - timedelta(days=90)
        # 4 active days in the first window, 2 in the second, none in the last; one day
        # after churn (not compared) and one with no events (not active).
        days = [start + timedelta(days=n) for n in (0, 1, 2, 29, 30, 59)]
        rows = [(day, 3) for day in days] + [(record.churned_on, 5), (start + timedelta(3), 0)]
        AccountDay.objects.bulk_create(
            AccountDay(
                tenant=tenant, day=day, account_id=stays.pk, events=events, session_seconds=0
            )
            for day, events in rows
        )
    engagement = owner_client.get("/churn/").context["engagement"]
    assert (engagement.churned_accounts, engagement.retained_accounts) == (1, 2)
    assert [(w.churned, w.retained) for w in engagement.windows] == [(10, 2.0), (5, 1.0), (1, 0.0)]


@pytest.mark.outsider("churn-record")
def test_csm_records_a_reason_and_the_note_is_escaped(
    tenant, member_client, outsider_client, churned
):
    record = churned["delta"]
    competitor = ChurnReason.objects.for_tenant(tenant).get(key="competitor")
    assert outsider_client.get(f"/churn/{record.pk}/").status_code == 404
    posted = outsider_client.post(f"/churn/{record.pk}/", {"reason": competitor.pk, "note": "x"})
    assert posted.status_code == 404
    response = member_client.post(
        f"/churn/{record.pk}/", {"reason": competitor.pk, "note": " <script>alert(1)</script> "}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.reason, record.note) == (competitor, "<script>alert(1)</script>")
    page = member_client.get("/churn/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    entry = (
        AuditEntry.objects.for_tenant(tenant).filter(object_pk=str(record.pk)).latest("timestamp")
    )
    assert "reason" in entry.changes_dict and entry.actor.email == "csm@acme.test"


def test_unknown_or_foreign_reasons_are_form_errors(
    tenant, other_tenant, member_client, viewer_client, churned
):
    record = churned["delta"]
    churn_reasons_ensure_defaults(tenant=other_tenant)
    foreign = ChurnReason.objects.for_tenant(other_tenant).get(key="budget")
    for reason in ["", "abc", "999999", str(foreign.pk), "\x00"]:
        response = member_client.post(f"/churn/{record.pk}/", {"reason": reason, "note": ""})
        assert response.status_code == 400, reason
        assert response.context["form"].errors["reason"]
    too_long = member_client.post(
        f"/churn/{record.pk}/",
        {"reason": ChurnReason.objects.for_tenant(tenant).first().pk, "note": "x" * 2001},
    )
    assert too_long.status_code == 400 and too_long.context["form"].errors["note"]
    record.refresh_from_db()
    assert record.reason is None
    budget = ChurnReason.objects.for_tenant(tenant).get(key="budget")
    denied = viewer_client.post(f"/churn/{record.pk}/", {"reason": budget.pk})
    assert denied.status_code == 403
    assert "Record reason" not in viewer_client.get("/churn/").content.decode()


def test_churn_page_query_count_is_constant(tenant, owner_client, django_assert_num_queries):
    churn_reasons_ensure_defaults(tenant=tenant)

    def churn(count, offset):
        with tenant_scope(tenant):
            reasons = list(ChurnReason.objects.all())
            accounts = Account.objects.bulk_create(
                Account(tenant=tenant, external_id=f"c{offset + n}", name=f"C{offset + n}")
                for n in range(count)
            )
            Subscription.objects.bulk_create(
                Subscription(
                    tenant=tenant,
                    external_id=f"s{offset + n}",
                    account=a,
                    mrr=D("5"),
                    currency="USD",
                    start_date=tenant.today() - timedelta(days=500),
                )
                for n, a in enumerate(accounts)
            )
            # Every other account stays: the retained accounts of the engagement comparison.
            ChurnRecord.objects.bulk_create(
                ChurnRecord(
                    tenant=tenant,
                    account=a,
                    churned_on=tenant.today() - timedelta(days=n % 150),
                    reason=reasons[n % len(reasons)] if n % 3 else None,
                    last_mrr=D("9"),
                    tenure_months=n % 30,
                    engagement_trend=[n % 5, n % 4, n % 3],
                )
                for n, a in enumerate(accounts)
                if n % 2
            )

    churn(10, 0)
    with django_assert_num_queries(6):
        assert owner_client.get("/churn/").status_code == 200
    churn(1000, 10)
    with django_assert_num_queries(6):
        assert owner_client.get("/churn/").status_code == 200
