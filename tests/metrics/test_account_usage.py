"""An account's usage panel: loaded by the account page, newest events first, in the tenant's
time zone, constant queries; another tenant's account answers 404."""

from datetime import UTC, datetime

import pytest

from accounts.services.accounts import account_upsert, contact_upsert
from metrics.ingestion.events import events_ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def initech(tenant):
    tenant.time_zone = "Asia/Shanghai"
    tenant.save(update_fields=["time_zone"])
    account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    contact_upsert(tenant=tenant, external_id="u1", account=account, email="peter@initech.test")
    return account


def _events(tenant, count, start=0):
    events_ingest(
        tenant=tenant,
        received_at=datetime(2026, 3, 2, tzinfo=UTC),  # soon after: within the window
        events=[
            {
                "message_id": f"m-{n}",
                "event": f"report_{n}",
                "timestamp": datetime(2026, 3, 1, 23, 30 + n % 20, tzinfo=UTC).isoformat(),
                "account_external_id": "acc-1",
                "contact_external_id": "u1",
            }
            for n in range(start, start + count)
        ],
    )


def test_account_page_links_the_panel_and_the_panel_lists_events(tenant, owner_client, initech):
    # The account page sums usage up by day; the latest raw events are a link away.
    page = owner_client.get(f"/accounts/{initech.pk}/").content.decode()
    assert f'href="/accounts/{initech.pk}/usage/"' in page
    _events(tenant, 3)
    panel = owner_client.get(f"/accounts/{initech.pk}/usage/", HTTP_HX_REQUEST="true")
    html = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in html
    assert html.index("report_2") < html.index("report_0")  # newest first
    # 23:30 UTC on 1 March is 07:30 on 2 March in Shanghai, and the column says so.
    assert "2026-03-02 07:30" in html and "Asia/Shanghai" in html
    assert "peter@initech.test" in html


def test_without_htmx_the_panel_is_a_page_and_empty_says_how_data_arrives(owner_client, initech):
    page = owner_client.get(f"/accounts/{initech.pk}/usage/").content.decode()
    assert "<html" in page and "No usage events yet" in page and "Initech" in page


def test_panel_queries_do_not_grow_with_events(
    tenant, owner_client, initech, django_assert_num_queries
):
    _events(tenant, 2)
    url = f"/accounts/{initech.pk}/usage/"
    owner_client.get(url, HTTP_HX_REQUEST="true")
    with django_assert_num_queries(5):
        owner_client.get(url, HTTP_HX_REQUEST="true")
    _events(tenant, 15, start=2)
    with django_assert_num_queries(5):
        owner_client.get(url, HTTP_HX_REQUEST="true")


@pytest.mark.outsider("account-usage")
def test_outsider_gets_404(tenant, outsider_client, initech):
    _events(tenant, 1)
    response = outsider_client.get(f"/accounts/{initech.pk}/usage/")
    assert response.status_code == 404 and "report_0" not in response.content.decode()
