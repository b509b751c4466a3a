"""The webhook pages: list and add, an endpoint's page (settings, secret on demand, rotate,
switch, test, delete) and its delivery log with resend; owners and admins only; another
tenant's user gets 404 everywhere."""

import pytest
from django.db import transaction

from tenants.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tenants.services.webhooks import webhook_endpoint_create, webhook_event_emit

pytestmark = pytest.mark.django_db

URL = "https://8.8.8.8/hooks"


@pytest.fixture
def endpoint(tenant):
    return webhook_endpoint_create(
        tenant=tenant, url=URL, event_types=["task.opened"], description="Our CRM"
    )


@pytest.fixture
def delivery(tenant, endpoint):
    with transaction.atomic():
        webhook_event_emit(tenant=tenant, event_type="task.opened", data={"task_id": 5})
    delivery = WebhookDelivery.objects.for_tenant(tenant).get()
    WebhookDelivery.objects.for_tenant(tenant).filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, response_status=503, response_body="Try later"
    )
    return delivery


def test_the_empty_list_explains_what_webhooks_are_for(owner_client):
    response = owner_client.get("/settings/webhooks/")
    assert response.status_code == 200
    assert "No endpoints yet" in response.content.decode()


def test_the_settings_menu_links_to_webhooks(owner_client, member_client):
    assert 'href="/settings/webhooks/"' in owner_client.get("/").content.decode()
    assert 'href="/settings/webhooks/"' not in member_client.get("/").content.decode()


def test_add_an_endpoint(owner_client, tenant):
    response = owner_client.post(
        "/settings/webhooks/",
        {"url": URL, "event_types": ["task.opened", "account.churned"], "format": "standard"},
    )
    endpoint = WebhookEndpoint.objects.for_tenant(tenant).get()
    assert (
        response.status_code == 302 and response["Location"] == f"/settings/webhooks/{endpoint.pk}/"
    )
    assert endpoint.event_types == ["task.opened", "account.churned"]
    page = owner_client.get("/settings/webhooks/").content.decode()
    assert URL in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "http://8.8.8.8/", "event_types": ["task.opened"]}, "https://"),
        ({"url": URL}, "Choose at least one event type."),
        ({"url": URL, "event_types": ["nope"]}, "Select a valid choice"),
        ({"url": "", "event_types": ["task.opened"]}, "This field is required"),
    ],
)
def test_bad_input_is_a_form_error(owner_client, data, message):
    response = owner_client.post("/settings/webhooks/", {"format": "standard", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.unscoped().exists()


def test_the_endpoint_page_hides_the_secret_until_asked(owner_client, endpoint, delivery):
    path = f"/settings/webhooks/{endpoint.pk}/"
    page = owner_client.get(path).content.decode()
    assert endpoint.secret not in page
    assert "Try later" in page and "503" in page and delivery.pk
    assert endpoint.secret in owner_client.get(path + "?reveal=1").content.decode()
    partial = owner_client.get(path + "?reveal=1", HTTP_HX_REQUEST="true")
    assert endpoint.secret in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_edit_rotate_switch_test_and_delete(owner_client, tenant, endpoint):
    path = f"/settings/webhooks/{endpoint.pk}/"
    response = owner_client.post(
        path, {"url": "https://8.8.4.4/in", "event_types": ["nps.answered"], "format": "slack"}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.url == "https://8.8.4.4/in" and endpoint.format == "slack"
    bad = owner_client.post(path, {"url": "https://10.0.0.1/", "event_types": ["nps.answered"]})
    assert bad.status_code == 400

    old = endpoint.secret
    response = owner_client.post(f"{path}rotate/")
    assert response.status_code == 302 and "reveal=1" in response["Location"]
    endpoint.refresh_from_db()
    page = owner_client.get(path + "?reveal=1").content.decode()
    assert endpoint.secret in page and old in page  # both sign for now

    assert owner_client.post(f"{path}test/").status_code == 302
    assert WebhookDelivery.objects.for_tenant(tenant).filter(endpoint=endpoint).count() == 1

    owner_client.post(f"{path}enabled/", {"enabled": "0"})
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    response = owner_client.post(f"{path}test/", follow=True)
    assert "Enable the endpoint" in response.content.decode()
    owner_client.post(f"{path}enabled/", {"enabled": "1"})
    endpoint.refresh_from_db()
    assert endpoint.enabled

    assert owner_client.post(f"{path}delete/").status_code == 302
    assert not WebhookEndpoint.objects.unscoped().exists()


def test_resend_a_delivery(owner_client, delivery):
    response = owner_client.post(f"/settings/webhooks/deliveries/{delivery.pk}/resend/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_the_log_costs_the_same_queries_for_many_deliveries(
    owner_client, tenant, endpoint, django_assert_max_num_queries
):
    with transaction.atomic():
        for n in range(30):
            webhook_event_emit(tenant=tenant, event_type="task.opened", data={"n": n})
    with django_assert_max_num_queries(20):
        response = owner_client.get(f"/settings/webhooks/{endpoint.pk}/")
    assert response.content.decode().count("task.opened") >= 25


def test_members_and_viewers_get_403(member_client, viewer_client, endpoint, delivery):
    for client in (member_client, viewer_client):
        assert client.get("/settings/webhooks/").status_code == 403
        assert client.get(f"/settings/webhooks/{endpoint.pk}/").status_code == 403
        assert client.post(f"/settings/webhooks/{endpoint.pk}/delete/").status_code == 403
    assert WebhookEndpoint.objects.unscoped().count() == 1


@pytest.mark.outsider(
    "webhooks",
    "webhook",
    "webhook-rotate",
    "webhook-toggle",
    "webhook-test",
    "webhook-delete",
    "webhook-delivery-resend",
)
def test_another_tenant_gets_404_and_sees_nothing(outsider_client, endpoint, delivery):
    listed = outsider_client.get("/settings/webhooks/")
    assert listed.status_code == 200 and URL not in listed.content.decode()
    path = f"/settings/webhooks/{endpoint.pk}/"
    assert outsider_client.get(path).status_code == 404
    assert outsider_client.get(path + "?reveal=1").status_code == 404
    data = {"url": "https://8.8.4.4/", "event_types": ["task.opened"], "format": "standard"}
    assert outsider_client.post(path, data).status_code == 404
    for action in ("rotate/", "enabled/", "test/", "delete/"):
        assert outsider_client.post(path + action, {"enabled": "0"}).status_code == 404
    resend = f"/settings/webhooks/deliveries/{delivery.pk}/resend/"
    assert outsider_client.post(resend).status_code == 404
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert endpoint.enabled and endpoint.url == URL and not endpoint.previous_secret
    assert delivery.status == DeliveryStatus.FAILED
