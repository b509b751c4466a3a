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


def test_home_and_renewals_agree_on_90_day_window(tenant, owner_client):
    from datetime import timedelta

    from tests.metrics.history import History

    history = History(tenant)
    today = tenant.today()
    history.account("Edge")
    history.term("Edge", today - timedelta(days=300), today + timedelta(days=90), 10)
    home = owner_client.get("/")
    renewals = owner_client.get("/renewals/")
    on_home = [t.account.name for t in home.context["renewals"].rows]
    on_page = [t.account.name for t in renewals.context["upcoming"]]
    assert on_home == on_page, (on_home, on_page)
