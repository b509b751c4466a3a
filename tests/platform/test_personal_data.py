"""Personal data on request: one contact's data as JSON, and its erasure (API and pages)."""

import datetime
import json

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.models import Contact, NpsResponse
from accounts.services.accounts import account_upsert, contact_upsert
from accounts.services.nps import nps_response_record
from metrics.models import DirtyDay, EventReceipt, UsageEvent
from tenants.models import AuditEntry
from tests.conftest import session_api

UTC = datetime.UTC
DAY1 = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 2 March in Asia/Shanghai
DAY2 = datetime.datetime(2026, 3, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def person(tenant):
    tenant.time_zone = "Asia/Shanghai"
    tenant.save(update_fields=["time_zone"])
    account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    contact, _ = contact_upsert(
        tenant=tenant, external_id="p-1", email="ana@initech.test", name="Ana Pop", account=account
    )
    nps_response_record(tenant=tenant, contact=contact, score=9, comment="Great", answered_at=DAY2)
    for number, (moment, xid) in enumerate([(DAY1, "p-1"), (DAY2, "p-1")]):
        UsageEvent.objects.for_tenant(tenant).create(
            tenant=tenant, message_id=f"m{number}", event="Report Built", timestamp=moment,
            received_at=moment, contact=contact if number else None, contact_external_id=xid,
        )  # fmt: skip
        EventReceipt.objects.for_tenant(tenant).create(
            tenant=tenant, message_id=f"m{number}", received_at=moment
        )
    # Someone else's event stays.
    UsageEvent.objects.for_tenant(tenant).create(
        tenant=tenant, message_id="other", event="Login", timestamp=DAY1, received_at=DAY1,
        contact_external_id="p-2",
    )  # fmt: skip
    return contact


@pytest.mark.outsider("contact-privacy-personal-data")
def test_api_exports_the_contact_with_answers_and_events(person, owner, outsider):
    response = session_api(owner).get("/api/v1/contacts/p-1/personal-data/")
    assert response.status_code == 200
    data = response.json()
    assert data["contact"]["email"] == "ana@initech.test"
    assert data["account"] == {"external_id": "acc-1", "name": "Initech"}
    assert [a["score"] for a in data["nps_answers"]] == [9]
    assert [e["message_id"] for e in data["usage_events"]] == ["m0", "m1"]
    outsider_response = session_api(outsider).get("/api/v1/contacts/p-1/personal-data/")
    assert outsider_response.status_code == 404
    assert "ana@initech.test" not in outsider_response.content.decode()


def test_export_reads_three_tables_in_constant_queries(person, owner, django_assert_num_queries):
    client = session_api(owner)
    client.get("/api/v1/contacts/p-1/personal-data/")
    with django_assert_num_queries(7) as first:
        client.get("/api/v1/contacts/p-1/personal-data/")
    nps_response_record(tenant=person.tenant, contact=person, score=3, answered_at=DAY1)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get("/api/v1/contacts/p-1/personal-data/")
    assert len(response.json()["nps_answers"]) == 2


@pytest.mark.outsider("contact-privacy-erase")
def test_api_erases_and_keeps_one_audit_entry(tenant, person, owner, outsider):
    assert session_api(outsider).post("/api/v1/contacts/p-1/erase/").status_code == 404
    assert Contact.objects.for_tenant(tenant).filter(pk=person.pk).exists()
    response = session_api(owner).post("/api/v1/contacts/p-1/erase/")
    assert response.status_code == 200
    assert response.json() == {
        "erased": True,
        "nps_answers": 1,
        "usage_events": 2,
        "customer_emails": 0,
    }
    assert not Contact.objects.for_tenant(tenant).filter(pk=person.pk).exists()
    assert not NpsResponse.objects.for_tenant(tenant).exists()
    assert list(UsageEvent.objects.for_tenant(tenant).values_list("message_id", flat=True)) == [
        "other"
    ]
    # Receipts stay, so a replayed message is not stored again.
    assert EventReceipt.objects.for_tenant(tenant).filter(message_id="m0").exists()
    entry = AuditEntry.objects.for_tenant(tenant).get(
        content_type=ContentType.objects.get_for_model(Contact)
    )
    assert entry.actor == owner
    assert entry.object_repr == f"Contact #{person.pk}"
    assert entry.additional_data == {
        "erased_on_request": True, "nps_answers": 1, "usage_events": 2, "customer_emails": 0
    }  # fmt: skip
    assert "ana" not in json.dumps(entry.changes).lower() + entry.object_repr.lower()
    assert "p-1" not in entry.object_repr


def test_erasure_marks_the_days_to_compute_again(tenant, person, owner):
    DirtyDay.objects.for_tenant(tenant).delete()
    session_api(owner).post("/api/v1/contacts/p-1/erase/")
    marks = set(DirtyDay.objects.for_tenant(tenant).values_list("kind", "day"))
    # Local days in the tenant's zone: 23:30 UTC on 1 March is 2 March in Shanghai.
    assert {("events", datetime.date(2026, 3, 2)), ("events", datetime.date(2026, 3, 5))} <= marks
    assert ("figures", datetime.date(2026, 3, 2)) in marks


def test_only_owners_and_admins_signed_in(person, member, api):
    assert session_api(member).get("/api/v1/contacts/p-1/personal-data/").status_code == 403
    assert session_api(member).post("/api/v1/contacts/p-1/erase/").status_code == 403
    assert api.get("/api/v1/contacts/p-1/personal-data/").status_code == 403
    assert api.post("/api/v1/contacts/p-1/erase/").status_code == 403
    assert Contact.objects.for_tenant(person.tenant).filter(pk=person.pk).exists()


@pytest.mark.outsider("contact-personal-data")
def test_page_download_is_json(person, owner_client, outsider_client, member_client):
    response = owner_client.get(f"/contacts/{person.pk}/personal-data.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert response.json()["contact"]["name"] == "Ana Pop"
    assert outsider_client.get(f"/contacts/{person.pk}/personal-data.json").status_code == 404
    assert member_client.get(f"/contacts/{person.pk}/personal-data.json").status_code == 403


@pytest.mark.outsider("contact-erase")
def test_page_erases_only_after_the_confirmation(tenant, person, owner_client, outsider_client):
    url = f"/contacts/{person.pk}/erase/"
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"confirm": "on"}).status_code == 404
    page = owner_client.get(url)
    assert page.status_code == 200
    assert "onsubmit" not in page.content.decode() and "onclick" not in page.content.decode()
    refused = owner_client.post(url)
    assert refused.status_code == 400
    assert refused.context["form"].errors["confirm"]
    assert Contact.objects.for_tenant(tenant).filter(pk=person.pk).exists()
    done = owner_client.post(url, {"confirm": "on"})
    assert done.status_code == 302 and done["Location"] == f"/accounts/{person.account_id}/"
    assert not Contact.objects.for_tenant(tenant).filter(pk=person.pk).exists()


def test_account_page_offers_it_to_managers_only(person, owner_client, member_client):
    url = f"/accounts/{person.account_id}/"
    assert f"/contacts/{person.pk}/erase/" in owner_client.get(url).content.decode()
    assert f"/contacts/{person.pk}/erase/" not in member_client.get(url).content.decode()


def test_the_next_metrics_run_forgets_the_erased_contact(tenant):
    from accounts.services.personal_data import contact_erase
    from metrics.models import AccountDay
    from tenants.tenancy.context import tenant_scope
    from tests.metrics.history import History

    day = datetime.date(2026, 1, 3)
    history = History(tenant)
    history.term("acme", datetime.date(2025, 12, 1), None, 100)
    ana = history.contact("p-1", "acme")
    bob = history.contact("p-2", "acme")
    history.events(
        [
            (history.at(day), "Login", "acme", "p-1"),
            (history.at(day, "13:00"), "Login", "acme", "p-2"),
        ]
    )
    history.answer(ana, 2, history.at(day))
    history.answer(bob, 10, history.at(day))
    history.nightly(datetime.date(2026, 1, 20))

    def contacts_on_day():
        with tenant_scope(tenant):
            return AccountDay.objects.get(day=day).contacts

    assert sorted(contacts_on_day()) == sorted([ana.pk, bob.pk])
    assert history.value("nps", day) == 0  # one promoter, one detractor
    contact_erase(tenant=tenant, contact=ana)
    history.nightly(datetime.date(2026, 1, 20))
    assert contacts_on_day() == [bob.pk]
    assert history.value("nps", day) == 100


def test_the_log_of_emails_to_a_contact_is_exported_and_erased(tenant, person, owner):
    from accounts.models import CustomerEmail
    from accounts.services.customer_email import customer_email_queue

    customer_email_queue(
        tenant=tenant, account=person.account, contact=person, template_key="hello",
        idempotency_key="k",
    )  # fmt: skip
    client = session_api(owner)
    data = client.get("/api/v1/contacts/p-1/personal-data/").json()
    assert [(e["to"], e["template_key"]) for e in data["customer_emails"]] == [
        ("ana@initech.test", "hello")
    ]
    assert data["contact"]["email_unsubscribed_at"] is None
    assert client.post("/api/v1/contacts/p-1/erase/").json()["customer_emails"] == 1
    assert not CustomerEmail.objects.for_tenant(tenant).exists()
