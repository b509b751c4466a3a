import pytest
from django.test import Client

from tests.metrics.test_dashboard import figures  # noqa: F401

pytestmark = pytest.mark.django_db


def _no_raise(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("q", [
    "range=custom&start=9999-12-01&end=9999-12-31",
    "range=custom&start=0001-01-01&end=0001-01-03",
])
def test_kpi_far_dates_not_500(owner_client, figures, q):  # noqa: F811
    r = _no_raise(owner_client).get("/metrics/?" + q)
    assert r.status_code != 500, r.status_code


def test_saved_view_query_expands_past_column(tenant, member_client):
    r = _no_raise(member_client).post(
        "/accounts/views/", {"name": "x", "query": "q=" + "é" * 990, "tenant_marker": tenant.pk}
    )
    assert r.status_code != 500, r.status_code
