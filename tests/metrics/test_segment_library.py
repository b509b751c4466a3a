"""Segment's own Python library (segment-analytics-python), pointed at us with `host=`,
delivers identify, group, track and page over real HTTP, plain and gzip-compressed."""

import time

import pytest
import segment.analytics as analytics
import segment.analytics.request as segment_request
from django.db import connection

from accounts.models import Account, Contact
from metrics.models import UsageEvent

# segment-analytics-python is pinned in requirements-dev.txt.


@pytest.fixture
def no_proxy(monkeypatch):
    # requests honours *_PROXY variables; the live server is on the loopback address.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    yield
    # The library keeps its HTTP connection alive, and with it the live server's request
    # thread and that thread's database connection; close it so the test database can be
    # dropped at the end of the run.
    segment_request._session.close()
    deadline = time.monotonic() + 5
    while _other_sessions() and time.monotonic() < deadline:
        time.sleep(0.05)


def _other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize("compress", [False, True])
def test_the_official_library_delivers_to_us(
    compress, transactional_db, live_server, no_proxy, tenant, api_key
):
    failures = []
    client = analytics.Client(
        write_key=api_key[1],
        host=live_server.url,
        sync_mode=True,
        gzip=compress,
        max_retries=0,
        on_error=lambda error, messages: failures.append(error),
    )
    client.identify("u-1", {"email": "ann@initech.test", "name": "Ann", "role": "admin"})
    client.group("u-1", "acc-1", {"name": "Initech", "website": "initech.test"})
    client.track("u-1", "Report Exported", {"format": "csv"}, message_id="evt-1")
    client.page("u-1", "Docs", "Getting started", {"path": "/docs"}, message_id="evt-2")
    client.track("u-1", "Report Exported", {"format": "csv"}, message_id="evt-1")  # a retry
    client.flush()
    assert failures == []

    account = Account.objects.for_tenant(tenant).get(external_id="acc-1")
    assert (account.name, account.domain) == ("Initech", "initech.test")
    contact = Contact.objects.for_tenant(tenant).get(external_id="u-1")
    assert (contact.email, contact.name, contact.account_id) == (
        "ann@initech.test",
        "Ann",
        account.pk,
    )
    assert contact.traits["role"] == "admin"
    stored = {e.message_id: e for e in UsageEvent.objects.for_tenant(tenant)}
    assert set(stored) == {"evt-1", "evt-2"}
    track, page = stored["evt-1"], stored["evt-2"]
    assert (track.type, track.event, track.properties) == (
        "track",
        "Report Exported",
        {"format": "csv"},
    )
    assert (page.type, page.event, page.properties) == (
        "page",
        "Getting started",
        {"path": "/docs"},
    )
    for event in (track, page):
        assert (event.account_id, event.contact_id) == (account.pk, contact.pk)
