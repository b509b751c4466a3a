"""The webhook API: endpoints (create shows the secret once, update, switch off, delete,
`test`, `rotate-secret`) and deliveries (list newest first, filters, get, `resend`); who may
use it; bad input answers 400 naming the field; another tenant gets 404 everywhere."""

import pytest
from django.db import transaction

from tenants.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookMessage
from tenants.services.webhooks import webhook_endpoint_create, webhook_event_emit
from tests.conftest import session_api

pytestmark = pytest.mark.django_db

URL = "https://8.8.8.8/hooks"


@pytest.fixture
def endpoint(tenant):
    return webhook_endpoint_create(
        tenant=tenant, url=URL, event_types=["task.opened"], description="CRM"
    )


@pytest.fixture
def delivery(tenant, endpoint):
    with transaction.atomic():
        webhook_event_emit(tenant=tenant, event_type="task.opened", data={"task_id": 5})
    return WebhookDelivery.objects.for_tenant(tenant).get()


def test_create_shows_the_secret_and_list_does_not(api):
    response = api.post(
        "/api/v1/webhook-endpoints/",
        {"url": URL, "event_types": ["task.opened", "nps.answered"], "format": "slack"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["format"] == "slack"
    assert body["enabled"] is True and body["event_types"] == ["task.opened", "nps.answered"]
    listed = api.get("/api/v1/webhook-endpoints/").json()["results"]
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]
    assert "secret" not in api.get(f"/api/v1/webhook-endpoints/{body['id']}/").json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": URL, "event_types": ["account.exploded"]}, "event_types"),
        ({"url": URL, "event_types": []}, "event_types"),
        ({"url": URL, "event_types": "task.opened"}, "event_types"),
        ({"url": URL, "event_types": ["task.opened"], "format": "xml"}, "format"),
        ({"url": 5, "event_types": ["task.opened"]}, "url"),
        ({"url": "https://10.0.0.1/", "event_types": ["task.opened"]}, "url"),
        ({"event_types": ["task.opened"]}, "url"),
        ({"url": URL, "event_types": ["task.opened"], "secret": "whsec_x"}, "secret"),
        ({"url": URL, "event_types": ["task.opened"], "tenant": 1}, "tenant"),
    ],
)
def test_bad_input_answers_400_naming_the_field(api, body, field):
    response = api.post("/api/v1/webhook-endpoints/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not WebhookEndpoint.objects.unscoped().exists()


def test_update_switch_off_and_delete(api, tenant, endpoint, delivery):
    path = f"/api/v1/webhook-endpoints/{endpoint.pk}/"
    response = api.patch(path, {"event_types": ["account.churned"]}, format="json")
    assert response.status_code == 200 and response.json()["event_types"] == ["account.churned"]
    response = api.patch(path, {"enabled": False}, format="json")
    body = response.json()
    assert body["enabled"] is False and body["disabled_reason"] == "manual"
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED  # pending deliveries stop with it
    assert api.patch(path, {"enabled": True}, format="json").json()["disabled_reason"] == ""
    assert api.delete(path).status_code == 204
    assert not WebhookEndpoint.objects.unscoped().exists()


def test_rotate_secret_answers_the_new_one(api, endpoint):
    response = api.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/rotate-secret/")
    assert response.status_code == 200
    assert response.json()["secret"] != endpoint.secret
    endpoint.refresh_from_db()
    assert endpoint.previous_secret and endpoint.secret == response.json()["secret"]


def test_send_test_queues_a_test_delivery(api, tenant, endpoint):
    response = api.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/test/")
    assert response.status_code == 202
    body = response.json()
    assert body["event_type"] == "webhook.test" and body["endpoint"] == endpoint.pk
    assert body["webhook_id"].startswith("msg_")


def test_send_test_to_a_disabled_endpoint_is_a_400(api, tenant, endpoint):
    api.patch(f"/api/v1/webhook-endpoints/{endpoint.pk}/", {"enabled": False}, format="json")
    response = api.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/test/")
    assert response.status_code == 400


def test_deliveries_list_filter_get_and_resend(api, tenant, endpoint, delivery):
    WebhookDelivery.objects.for_tenant(tenant).filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, response_status=500, response_body="oops", attempts=8
    )
    listed = api.get("/api/v1/webhook-deliveries/").json()["results"]
    assert [d["id"] for d in listed] == [delivery.pk]
    assert listed[0]["response_body"] == "oops" and listed[0]["payload"]["data"] == {"task_id": 5}
    assert api.get("/api/v1/webhook-deliveries/?status=succeeded").json()["results"] == []
    assert len(api.get(f"/api/v1/webhook-deliveries/?endpoint={endpoint.pk}").json()["results"])
    for bad in ("?status=lost", "?endpoint=abc", "?endpoint=99999999999999999999"):
        response = api.get(f"/api/v1/webhook-deliveries/{bad}")
        assert response.status_code == 400, bad
    assert api.get(f"/api/v1/webhook-deliveries/{delivery.pk}/").json()["status"] == "failed"
    response = api.post(f"/api/v1/webhook-deliveries/{delivery.pk}/resend/")
    assert response.status_code == 202 and response.json()["status"] == "pending"


def test_deliveries_list_costs_the_same_queries_for_many(
    api, tenant, endpoint, django_assert_max_num_queries
):
    with transaction.atomic():
        for n in range(30):
            webhook_event_emit(tenant=tenant, event_type="task.opened", data={"n": n})
    with django_assert_max_num_queries(12):
        response = api.get("/api/v1/webhook-deliveries/")
    assert len(response.json()["results"]) == 30


def test_members_other_than_owners_and_admins_get_403(member, viewer, endpoint):
    for user in (member, viewer):
        client = session_api(user)
        assert client.get("/api/v1/webhook-endpoints/").status_code == 403
        assert client.get("/api/v1/webhook-deliveries/").status_code == 403
        response = client.post(
            "/api/v1/webhook-endpoints/", {"url": URL, "event_types": ["task.opened"]}
        )
        assert response.status_code == 403


def test_owners_signed_in_manage_them(owner, endpoint):
    client = session_api(owner)
    assert client.get("/api/v1/webhook-endpoints/").status_code == 200


@pytest.mark.outsider(
    "webhook-endpoint-list",
    "webhook-endpoint-detail",
    "webhook-endpoint-test",
    "webhook-endpoint-rotate-secret",
    "webhook-delivery-list",
    "webhook-delivery-detail",
    "webhook-delivery-resend",
)
def test_another_tenant_gets_404_and_sees_nothing(outsider_api, outsider, endpoint, delivery):
    secret = endpoint.secret
    for client in (outsider_api, session_api(outsider)):
        for path in ("/api/v1/webhook-endpoints/", "/api/v1/webhook-deliveries/"):
            response = client.get(path)
            assert response.status_code == 200 and response.json()["results"] == []
        one = f"/api/v1/webhook-endpoints/{endpoint.pk}/"
        assert client.get(one).status_code == 404
        assert client.patch(one, {"enabled": False}, format="json").status_code == 404
        assert client.delete(one).status_code == 404
        assert client.post(f"{one}test/").status_code == 404
        assert client.post(f"{one}rotate-secret/").status_code == 404
        assert client.get(f"/api/v1/webhook-deliveries/{delivery.pk}/").status_code == 404
        assert client.post(f"/api/v1/webhook-deliveries/{delivery.pk}/resend/").status_code == 404
        listed = client.get(f"/api/v1/webhook-deliveries/?endpoint={endpoint.pk}")
        assert listed.json()["results"] == []
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.secret == secret
    assert WebhookMessage.objects.unscoped().count() == 1


def test_an_endpoint_can_be_created_switched_off(api):
    response = api.post(
        "/api/v1/webhook-endpoints/",
        {"url": URL, "event_types": ["task.opened"], "enabled": False},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["enabled"] is False and response.json()["disabled_reason"] == "manual"


@pytest.mark.parametrize(
    "body",
    [
        {"url": URL, "event_types": ["task.opened"], "enabled": "maybe"},
        {"url": URL, "event_types": ["task.opened"], "description": "x" * 201},
        {"url": URL, "event_types": [["task.opened"]]},
        {"url": "h" * 2001, "event_types": ["task.opened"]},
        {"url": "https://exa mple.com/", "event_types": ["task.opened"]},
        {"url": "https://[::1", "event_types": ["task.opened"]},
        {"url": "https://example.com:99999/", "event_types": ["task.opened"]},
        {"url": "https://\x00.com/", "event_types": ["task.opened"]},
        [],
        "text",
    ],
)
def test_crafted_input_is_a_400_never_a_500(api, body):
    response = api.post("/api/v1/webhook-endpoints/", body, format="json")
    assert response.status_code == 400
