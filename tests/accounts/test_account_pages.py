"""Account list and account page: filters, MRR, latest NPS per contact, notes, isolation."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AccountNote
from accounts.services.accounts import account_upsert, contact_upsert, subscription_upsert
from accounts.services.nps import nps_response_record
from tenants.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def initech(tenant, member):
    owner = Membership.objects.for_tenant(tenant).get(user=member)
    account, _ = account_upsert(
        tenant=tenant, external_id="acc-1", name="Initech", segment="SMB", owner=owner
    )
    today = timezone.localdate()
    subscription_upsert(
        tenant=tenant, external_id="s1", account=account, mrr=100,
        start_date=today - datetime.timedelta(days=10),
    )  # fmt: skip
    subscription_upsert(
        tenant=tenant, external_id="s0", account=account, mrr=999,
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=10),
    )  # fmt: skip
    contact, _ = contact_upsert(tenant=tenant, external_id="u1", account=account, name="Peter")
    now = timezone.now()
    nps_response_record(
        tenant=tenant, contact=contact, score=4, answered_at=now - datetime.timedelta(days=30)
    )
    nps_response_record(tenant=tenant, contact=contact, score=10, answered_at=now, comment="Great")
    return account


def test_empty_state_explains_how_data_arrives(owner_client):
    content = owner_client.get("/accounts/").content.decode()
    assert "No customer accounts yet" in content and "/api/v1/accounts/" in content


@pytest.mark.outsider("accounts")
def test_list_shows_current_mrr_and_filters(tenant, owner_client, outsider_client, initech):
    account_upsert(tenant=tenant, external_id="acc-2", name="Umbrella", segment="Enterprise")
    page = owner_client.get("/accounts/")
    content = page.content.decode()
    assert "Initech" in content and "Umbrella" in content
    assert [a.current_mrr for a in page.context["page"].object_list if a.name == "Initech"] == [100]
    filtered = owner_client.get("/accounts/?segment=Enterprise").context["page"].object_list
    assert [a.name for a in filtered] == ["Umbrella"]
    searched = owner_client.get("/accounts/?q=init").context["page"].object_list
    assert [a.name for a in searched] == ["Initech"]
    assert "Initech" not in outsider_client.get("/accounts/").content.decode()


def test_htmx_request_gets_only_the_results_partial(owner_client, initech):
    response = owner_client.get("/accounts/?q=ini", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.strip().startswith('<div id="results">') and "<html" not in content


def test_list_query_count_is_constant(tenant, owner_client, initech, django_assert_num_queries):
    owner_client.get("/accounts/")
    with django_assert_num_queries(9):
        owner_client.get("/accounts/")
    for n in range(10):
        account_upsert(tenant=tenant, external_id=f"x{n}", name=f"X{n}", segment="SMB")
    with django_assert_num_queries(9):
        owner_client.get("/accounts/")


@pytest.mark.outsider("account")
def test_account_page_shows_latest_nps_and_outsider_404(owner_client, outsider_client, initech):
    response = owner_client.get(f"/accounts/{initech.pk}/")
    assert response.status_code == 200
    contacts = list(response.context["contacts"])
    assert contacts[0].latest_nps_score == 10 and contacts[0].latest_nps_comment == "Great"
    assert outsider_client.get(f"/accounts/{initech.pk}/").status_code == 404
    assert outsider_client.post(f"/accounts/{initech.pk}/", {"body": "x"}).status_code == 404


def test_add_note_and_viewer_cannot(tenant, member_client, viewer_client, initech):
    assert member_client.post(f"/accounts/{initech.pk}/", {"body": "QBR booked"}).status_code == 302
    note = AccountNote.objects.for_tenant(tenant).get()
    assert note.body == "QBR booked" and note.author.user.email == "csm@acme.test"
    assert viewer_client.post(f"/accounts/{initech.pk}/", {"body": "x"}).status_code == 403
    empty = member_client.post(f"/accounts/{initech.pk}/", {"body": ""})
    assert empty.status_code == 400 and "body" in empty.context["form"].errors
    assert AccountNote.objects.for_tenant(tenant).count() == 1


def test_old_addresses_redirect_to_the_new_ones(owner_client, client, initech):
    listing = owner_client.get("/customers/?segment=SMB")
    assert listing.status_code == 302 and listing["Location"] == "/accounts/?segment=SMB"
    detail = owner_client.get(f"/customers/{initech.pk}/")
    assert detail["Location"] == f"/accounts/{initech.pk}/"
    login = client.get("/accounts/login/?next=/metrics/")
    assert login.status_code == 302 and login["Location"] == "/login/?next=/metrics/"
    reset = client.get("/accounts/reset/MQ/set-password/")  # a link in an email already sent
    assert reset["Location"] == "/reset/MQ/set-password/"
    admin = owner_client.get("/admin/accounts/tenantapikey/?revoked__exact=0")
    assert admin["Location"] == "/admin/tenants/tenantapikey/?revoked__exact=0"


def test_a_note_leads_back_to_the_account_page(member_client, initech):
    response = member_client.post(f"/accounts/{initech.pk}/", {"body": "Renewal call"})
    assert response.status_code == 302 and response["Location"] == f"/accounts/{initech.pk}/"


def test_a_term_ending_today_is_not_active_on_the_list_nor_on_the_page(tenant, owner_client):
    """One definition of "active today", in the tenant's time zone, on both pages."""
    tenant.time_zone = "Pacific/Kiritimati"  # UTC+14: its today is often UTC's tomorrow
    tenant.save(update_fields=["time_zone"])
    today = tenant.today()
    account, _ = account_upsert(tenant=tenant, external_id="ends", name="Ends Today")
    subscription_upsert(
        tenant=tenant, external_id="e1", account=account, mrr=70,
        start_date=today - datetime.timedelta(days=30), end_date=today,
    )  # fmt: skip
    subscription_upsert(
        tenant=tenant, external_id="e2", account=account, mrr=5,
        start_date=today, end_date=None,
    )  # fmt: skip
    listed = owner_client.get("/accounts/?q=Ends").context["page"].object_list[0]
    assert listed.current_mrr == 5  # the term ending today no longer counts; today's does
    page = owner_client.get(f"/accounts/{account.pk}/")
    states = {term.external_id: term.state for term in page.context["subscriptions"]}
    assert states == {"e1": "ended", "e2": "active"}
    html = page.content.decode()
    assert f"Today ({today:%Y-%m-%d})" in html and "Ended" in html and "Active" in html


def test_a_form_posted_to_an_old_address_is_posted_again_to_the_new_one(owner_client):
    response = owner_client.post("/accounts/logout/")
    assert response.status_code == 307 and response["Location"] == "/logout/"
