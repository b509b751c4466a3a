"""Webhook URLs aimed inside our network are refused when saved (400 naming `url` in the
API, a form error in the page) and again when sent (the address is resolved and checked at
every attempt, and the request connects to the checked address: DNS rebinding gets nowhere).
"""

import socket

import pytest
from django.db import transaction

from tenants.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tenants.services.webhooks import webhook_endpoint_create, webhook_event_emit
from tenants.webhooks import url_guard
from tenants.webhooks.url_guard import UnsafeURL, url_check, url_resolve_checked
from tests.conftest import session_api
from tests.tenants.webhook_receiver import receiver

pytestmark = pytest.mark.django_db

REFUSED = [
    "https://127.0.0.1/hooks",
    "https://127.8.9.10/hooks",
    "https://10.1.2.3/hooks",
    "https://172.16.0.1/hooks",
    "https://192.168.1.1/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/hooks",
    "https://[fe80::1]/hooks",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://0.0.0.0/hooks",
    "https://100.64.0.1/hooks",
    "https://localhost/hooks",  # a name resolving to 127.0.0.1
    "http://8.8.8.8/hooks",  # plain http without the development setting
    "ftp://8.8.8.8/hooks",
    "https://user:pass@8.8.8.8/hooks",
    "not a url",
    "https://",
]


@pytest.mark.parametrize("url", REFUSED)
def test_unsafe_urls_are_refused(url):
    with pytest.raises(UnsafeURL):
        url_check(url)


def test_a_public_address_is_accepted():
    url_check("https://8.8.8.8/hooks")


def test_the_platforms_own_address_is_refused(settings):
    settings.SITE_URL = "https://8.8.4.4"
    with pytest.raises(UnsafeURL, match="platform itself"):
        url_check("https://8.8.4.4/hooks")


def test_http_needs_the_development_setting(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    url_check("http://8.8.8.8/hooks")


def test_allowed_networks_only_open_what_they_list(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    url_check("https://127.0.0.1/hooks")
    with pytest.raises(UnsafeURL):
        url_check("https://10.0.0.1/hooks")


def _resolving(monkeypatch, addresses_by_call):
    """getaddrinfo answers each call with the next list of addresses (the last repeats)."""
    calls = []

    def fake(host, port, *args, **kwargs):
        calls.append(host)
        addresses = addresses_by_call[min(len(calls), len(addresses_by_call)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 0)) for a in addresses]

    monkeypatch.setattr(url_guard.socket, "getaddrinfo", fake)
    return calls


def test_every_resolved_address_is_checked(monkeypatch):
    _resolving(monkeypatch, [["8.8.8.8", "10.0.0.7"]])
    with pytest.raises(UnsafeURL):
        url_check("https://mixed.example.test/hooks")


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://10.0.0.1/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://localhost/hooks",
        "http://8.8.8.8/hooks",
    ],
)
def test_the_api_refuses_them_naming_the_field(owner, url):
    response = session_api(owner).post(
        "/api/v1/webhook-endpoints/",
        {"url": url, "event_types": ["task.opened"]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["url"]
    assert not WebhookEndpoint.objects.unscoped().exists()


def test_the_api_refuses_them_on_update_too(owner, tenant):
    endpoint = webhook_endpoint_create(
        tenant=tenant, url="https://8.8.8.8/hooks", event_types=["task.opened"]
    )
    response = session_api(owner).patch(
        f"/api/v1/webhook-endpoints/{endpoint.pk}/",
        {"url": "https://10.0.0.1/hooks"},
        format="json",
    )
    assert response.status_code == 400 and "url" in response.json()["error"]["fields"]
    endpoint.refresh_from_db()
    assert endpoint.url == "https://8.8.8.8/hooks"


@pytest.mark.parametrize("url", ["https://169.254.169.254/", "https://localhost/x"])
def test_the_page_shows_a_form_error(owner_client, url):
    response = owner_client.post(
        "/settings/webhooks/", {"url": url, "event_types": ["task.opened"], "format": "standard"}
    )
    assert response.status_code == 400
    assert "private, loopback or link-local" in response.content.decode()
    assert not WebhookEndpoint.objects.unscoped().exists()


def _send(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        webhook_event_emit(tenant=tenant, event_type="task.opened", data={"task_id": 1})
    return WebhookDelivery.objects.for_tenant(tenant).latest("pk")


def test_send_time_check_refuses_an_address_no_longer_allowed(
    tenant, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with receiver(200) as hook:
        webhook_endpoint_create(tenant=tenant, url=hook.url, event_types=["task.opened"])
        settings.WEBHOOK_ALLOWED_NETWORKS = []  # loopback is refused again
        delivery = _send(tenant, django_capture_on_commit_callbacks)
        settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
        settings.WEBHOOK_ALLOW_HTTP = False  # plain http is refused at send time too
        second = _send(tenant, django_capture_on_commit_callbacks)
    assert hook.requests == []
    delivery.refresh_from_db()
    second.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING  # retried later, as any failure
    assert "private, loopback or link-local" in delivery.error
    assert "https" in second.error


def test_dns_rebinding_is_caught_at_send_time(
    tenant, monkeypatch, django_capture_on_commit_callbacks
):
    # Public when saved, then the name points at the cloud's metadata address.
    _resolving(monkeypatch, [["93.184.216.34"], ["169.254.169.254"]])
    webhook_endpoint_create(
        tenant=tenant, url="https://rebind.example.test/hooks", event_types=["task.opened"]
    )
    delivery = _send(tenant, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.response_status is None
    assert "private, loopback or link-local" in delivery.error


def test_the_request_connects_to_the_checked_address(
    tenant, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """The name is resolved once, checked, and the connection goes to that address with the
    name in the Host header: nothing resolves it again between the check and the connect."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with receiver(200) as hook:
        calls = _resolving(monkeypatch, [["127.0.0.1"]])
        url = f"http://hooks.example.test:{hook.port}/in"
        webhook_endpoint_create(tenant=tenant, url=url, event_types=["task.opened"])
        calls.clear()
        delivery = _send(tenant, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED
    assert calls.count("hooks.example.test") == 1
    (request,) = hook.requests
    assert request.headers["Host"] == f"hooks.example.test:{hook.port}"
    assert request.path == "/in"
    target = url_resolve_checked(url)
    assert target.address == "127.0.0.1" and target.host == "hooks.example.test"
