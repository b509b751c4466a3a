"""Webhooks over https to the checked address: TLS verifies the certificate against the
URL's host name (sent as SNI), not against the address connected to."""

import socket
import ssl
import subprocess

import pytest
from django.db import transaction

from tenants.models import DeliveryStatus, WebhookDelivery
from tenants.services.webhooks import webhook_endpoint_create, webhook_event_emit
from tenants.webhooks import http, url_guard
from tests.tenants.webhook_receiver import receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for hooks.example.test, trusted as the only CA."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=hooks.example.test",
         "-addext", "subjectAltName=DNS:hooks.example.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return cert, context


@pytest.fixture
def resolving_to_loopback(monkeypatch, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]

    def fake(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port or 0))]

    monkeypatch.setattr(url_guard.socket, "getaddrinfo", fake)


def _send(tenant, url, capture):
    webhook_endpoint_create(tenant=tenant, url=url, event_types=["task.opened"])
    with capture(execute=True), transaction.atomic():
        webhook_event_emit(tenant=tenant, event_type="task.opened", data={"task_id": 1})
    return WebhookDelivery.objects.for_tenant(tenant).get()


def test_https_verifies_the_host_name_at_the_checked_address(
    tenant, certificate, resolving_to_loopback, monkeypatch, django_capture_on_commit_callbacks
):
    cert, context = certificate
    monkeypatch.setattr(http.certifi, "where", lambda: str(cert))
    with receiver(200, tls=context) as hook:
        url = f"https://hooks.example.test:{hook.port}/in"
        delivery = _send(tenant, url, django_capture_on_commit_callbacks)
    assert delivery.status == DeliveryStatus.SUCCEEDED, delivery.error
    assert hook.requests[0].headers["Host"] == f"hooks.example.test:{hook.port}"


def test_an_untrusted_certificate_is_a_failure(
    tenant, certificate, resolving_to_loopback, django_capture_on_commit_callbacks
):
    _, context = certificate  # not among the trusted CAs
    with receiver(200, tls=context) as hook:
        url = f"https://hooks.example.test:{hook.port}/in"
        delivery = _send(tenant, url, django_capture_on_commit_callbacks)
    assert hook.requests == []
    assert delivery.status == DeliveryStatus.PENDING and delivery.error.startswith("No answer")


def test_a_certificate_for_another_name_is_a_failure(
    tenant, certificate, resolving_to_loopback, monkeypatch, django_capture_on_commit_callbacks
):
    cert, context = certificate
    monkeypatch.setattr(http.certifi, "where", lambda: str(cert))
    with receiver(200, tls=context) as hook:
        url = f"https://other.example.test:{hook.port}/in"
        delivery = _send(tenant, url, django_capture_on_commit_callbacks)
    assert hook.requests == []
    assert delivery.status == DeliveryStatus.PENDING and delivery.error.startswith("No answer")
