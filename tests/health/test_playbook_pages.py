"""Playbook pages and API: the list, one playbook, the account's playbooks panel with its
start form, outsiders turned away everywhere, bad input answered 400, constant queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Contact, CustomerEmail, EmailStatus
from health.models import Playbook, PlaybookRun, RunStatus
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.playbooks import playbook_start
from tenants.templatetags.l10n_extras import local_date_weekday
from tenants.tenancy.context import tenant_scope
from tests.conftest import session_api
from tests.health.helpers import account

pytestmark = pytest.mark.django_db


def _default(tenant, key):
    playbooks_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):
        return Playbook.objects.get(key=key)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _runs(tenant, n, start=0):
    playbook = _default(tenant, "first-90-days")
    for i in range(start, start + n):
        a = account(tenant, f"acc{i}")
        with tenant_scope(tenant):
            Contact.objects.create(external_id=f"c{i}", account=a, email=f"c{i}@x.test")
        playbook_start(tenant=tenant, playbook=playbook, account=a, day=tenant.today())
    return playbook


@pytest.mark.outsider("playbooks", "playbook")
def test_playbook_pages(tenant, owner_client, member_client, outsider_client):
    playbook = _runs(tenant, 1)
    listing = owner_client.get("/playbooks/").content.decode()
    assert "At-risk outreach" in listing and "First 90 days check-ins" in listing
    assert "/admin/health/playbook/" in listing  # owners edit steps in the admin site
    assert "/admin/health/playbook/" not in member_client.get("/playbooks/").content.decode()
    detail = member_client.get(f"/playbooks/{playbook.pk}/").content.decode()
    # An email step by its subject, its placeholders in words, not by its template's key.
    assert "acc0" in detail and "Email “Checking in on ‹account name›”" in detail
    assert "progress-checkin" not in detail
    assert outsider_client.get(f"/playbooks/{playbook.pk}/").status_code == 404
    theirs = outsider_client.get("/playbooks/").content.decode()
    assert "First 90 days" in theirs  # their own defaults
    assert f'href="/playbooks/{playbook.pk}/"' not in theirs


def test_playbook_pages_answer_in_constant_queries(tenant, owner_client):
    playbook = _runs(tenant, 1)
    few = (
        _queries(owner_client, "/playbooks/"),
        _queries(owner_client, f"/playbooks/{playbook.pk}/"),
    )
    _runs(tenant, 6, start=1)
    many = (
        _queries(owner_client, "/playbooks/"),
        _queries(owner_client, f"/playbooks/{playbook.pk}/"),
    )
    assert few == many


@pytest.mark.outsider("account-playbooks")
def test_account_panel_start_form_and_log(
    tenant, member_client, viewer_client, outsider_client, django_capture_on_commit_callbacks
):
    playbook = _default(tenant, "success-stories")
    a = account(tenant, "a1")
    with tenant_scope(tenant):
        Contact.objects.create(external_id="c1", account=a, email="c1@x.test", name="Carla")
    url = f"/accounts/{a.pk}/playbooks/"
    panel = member_client.get(url, headers={"HX-Request": "true"})
    assert "HX-Request" in panel["Vary"]  # the panel or the page at the same address
    page = panel.content.decode()
    assert "No playbook is running" in page and "Start playbook" in page
    assert '<option value="" selected>Choose a playbook</option>' in page
    assert "<html" not in page  # the partial only
    assert "Start playbook" not in viewer_client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        started = member_client.post(url, {"playbook": playbook.pk})
    assert started.status_code == 302 and started["Location"].endswith(
        f"/accounts/{a.pk}/#account-playbooks"
    )
    page = member_client.get(url).content.decode()
    assert "Offer a training session" in page  # the next step, with its date
    assert local_date_weekday(tenant.today() + timedelta(14)) in page
    assert "How teams like yours succeed with us" in page and "Carla" in page  # the log

    assert viewer_client.post(url, {"playbook": playbook.pk}).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(url, {"playbook": playbook.pk}).status_code == 404
    with tenant_scope(tenant):
        assert PlaybookRun.objects.count() == 1
        assert CustomerEmail.objects.get().status == EmailStatus.SENT


def test_account_panel_refuses_bad_input(tenant, other_tenant, member_client):
    foreign = _default(other_tenant, "success-stories")
    off = _default(tenant, "promoter-asks")
    with tenant_scope(tenant):
        Playbook.objects.filter(pk=off.pk).update(enabled=False)
    a = account(tenant, "a1")
    url = f"/accounts/{a.pk}/playbooks/"
    for value in (foreign.pk, off.pk, "x", "", 10**30, "1\x00"):
        response = member_client.post(url, {"playbook": value})
        assert response.status_code == 400
        assert "has-error" in response.content.decode()
    with tenant_scope(tenant):
        assert not PlaybookRun.objects.exists()


def test_account_panel_answers_in_constant_queries(tenant, member_client):
    playbook = _default(tenant, "first-90-days")
    other = _default(tenant, "promoter-asks")
    a = account(tenant, "a1")
    with tenant_scope(tenant):
        Contact.objects.create(external_id="c0", account=a, email="c0@x.test")
    playbook_start(tenant=tenant, playbook=playbook, account=a, day=tenant.today())
    url = f"/accounts/{a.pk}/playbooks/"
    few = _queries(member_client, url)
    with tenant_scope(tenant):
        for n in range(1, 5):
            Contact.objects.create(external_id=f"c{n}", account=a, email=f"c{n}@x.test")
    playbook_start(tenant=tenant, playbook=other, account=a, day=tenant.today())
    assert _queries(member_client, url) == few


def test_account_page_loads_the_panel(tenant, member_client):
    a = account(tenant, "a1")
    page = member_client.get(f"/accounts/{a.pk}/").content.decode()
    assert f'hx-get="/accounts/{a.pk}/playbooks/"' in page


@pytest.mark.outsider("playbook-list", "playbook-detail", "playbook-run-list")
def test_api_lists_playbooks_and_starts_runs(tenant, api, outsider_api):
    a = account(tenant, "crm-1")
    listed = api.get("/api/v1/playbooks/").json()["results"]
    by_key = {p["key"]: p for p in listed}
    assert [s["day_offset"] for s in by_key["first-90-days"]["steps"]] == [0, 30, 60, 90]
    pk = by_key["at-risk-outreach"]["id"]
    assert api.get(f"/api/v1/playbooks/{pk}/").json()["trigger"] == "band_dropped"

    started = api.post(
        "/api/v1/playbook-runs/", {"playbook": pk, "account": "crm-1"}, format="json"
    )
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["account"] == "crm-1" and body["status"] == "running"
    assert [s["status"] for s in body["steps"]] == ["done", "pending", "pending"]
    again = api.post("/api/v1/playbook-runs/", {"playbook": pk, "account": "crm-1"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    runs = api.get("/api/v1/playbook-runs/", {"account": "crm-1", "status": "running"}).json()
    assert [r["id"] for r in runs["results"]] == [body["id"]]

    assert outsider_api.get(f"/api/v1/playbooks/{pk}/").status_code == 404
    assert outsider_api.get("/api/v1/playbook-runs/").json()["results"] == []
    foreign = outsider_api.post(
        "/api/v1/playbook-runs/", {"playbook": pk, "account": "crm-1"}, format="json"
    )
    assert foreign.status_code == 400
    assert set(foreign.json()["error"]["fields"]) == {"playbook", "account"}
    with tenant_scope(tenant):
        assert PlaybookRun.objects.filter(account=a, status=RunStatus.RUNNING).count() == 1


def test_api_bad_input_names_the_field(tenant, api):
    playbooks_ensure_defaults(tenant=tenant)
    account(tenant, "crm-1")
    with tenant_scope(tenant):
        pk = Playbook.objects.get(key="success-stories").pk
        Playbook.objects.filter(pk=pk).update(enabled=False)
    cases = [
        ({"playbook": 999999, "account": "crm-1"}, "playbook"),
        ({"playbook": "x", "account": "crm-1"}, "playbook"),
        ({"playbook": pk + 1, "account": "nope"}, "account"),
        ({"account": "crm-1"}, "playbook"),
        ({"playbook": pk, "account": "crm-1"}, "playbook"),  # switched off
        ({"playbook": pk, "account": "crm-1", "tenant": 1}, "tenant"),
        ({"playbook": 10**30, "account": "crm-1"}, "playbook"),
        ({"playbook": True, "account": "crm-1"}, "playbook"),
        ({"playbook": [1], "account": "crm-1"}, "playbook"),
        ({"playbook": pk + 1, "account": 5}, "account"),
        ({"playbook": pk + 1, "account": None}, "account"),
        ({"playbook": pk + 1, "account": "a\x00b"}, "account"),
    ]
    for data, field in cases:
        response = api.post("/api/v1/playbook-runs/", data, format="json")
        assert response.status_code == 400, (data, response.content)
        assert field in response.json()["error"]["fields"], (data, response.content)
    assert api.get("/api/v1/playbook-runs/", {"status": "nope"}).status_code == 400


def test_api_run_list_in_constant_queries(tenant, api):
    _runs(tenant, 1)
    _queries(api, "/api/v1/playbook-runs/")  # the key's first use is recorded once
    few = _queries(api, "/api/v1/playbook-runs/")
    _runs(tenant, 5, start=1)
    assert _queries(api, "/api/v1/playbook-runs/") == few
    assert _queries(api, "/api/v1/playbooks/") == _queries(api, "/api/v1/playbooks/")


def test_session_members_can_start_and_viewers_cannot(tenant, member, viewer):
    pk = _default(tenant, "success-stories").pk
    account(tenant, "crm-1")
    data = {"playbook": pk, "account": "crm-1"}
    assert (
        session_api(viewer).post("/api/v1/playbook-runs/", data, format="json").status_code == 403
    )
    assert (
        session_api(member).post("/api/v1/playbook-runs/", data, format="json").status_code == 201
    )


@pytest.mark.outsider("playbook-run-stop")
def test_a_csm_stops_a_run_and_others_cannot(tenant, member_client, viewer_client, outsider_client):
    playbook = _default(tenant, "first-90-days")
    a, b = account(tenant, "a1"), account(tenant, "b1")
    run, _ = playbook_start(tenant=tenant, playbook=playbook, account=a, day=tenant.today())
    url = f"/accounts/{a.pk}/playbooks/{run.pk}/stop/"
    assert 'action="' + url in member_client.get(f"/accounts/{a.pk}/playbooks/").content.decode()
    assert outsider_client.post(url).status_code == 404
    assert viewer_client.post(url).status_code == 403
    assert member_client.post(f"/accounts/{b.pk}/playbooks/{run.pk}/stop/").status_code == 404
    assert member_client.get(url).status_code == 405
    with tenant_scope(tenant):
        assert PlaybookRun.objects.get(pk=run.pk).status == RunStatus.RUNNING
    response = member_client.post(url)
    assert response.status_code == 302
    with tenant_scope(tenant):
        run.refresh_from_db()
    assert run.status == RunStatus.STOPPED and run.stopped_reason == "Stopped by hand"
    assert (
        "No playbook is running"
        in member_client.get(f"/accounts/{a.pk}/playbooks/").content.decode()
    )


def test_api_unknown_playbook_message_is_translatable(tenant, api):
    from django.utils.functional import Promise

    from health.api.playbooks import PlaybookRunSerializer

    account(tenant, "crm-1")
    field = PlaybookRunSerializer().fields["playbook"]
    assert isinstance(field.error_messages["does_not_exist"], Promise)  # gettext_lazy
    response = api.post("/api/v1/playbook-runs/", {"playbook": 999999, "account": "crm-1"})
    assert response.status_code == 400
    assert "No playbook with id 999999 in this tenant." in response.content.decode()


def test_the_account_panel_lists_the_defaults_for_a_tenant_that_never_opened_playbooks(
    tenant, member_client
):
    a = account(tenant, "a1")
    page = member_client.get(f"/accounts/{a.pk}/playbooks/").content.decode()
    assert "First 90 days check-ins" in page and "At-risk outreach" in page
