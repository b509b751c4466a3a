"""The portfolio at /accounts/: its columns, filters, sort, the CSM's default, bad addresses,
the CSV of the current view, the htmx table swap, and a constant number of queries."""

import csv
import io
from datetime import timedelta

import pytest

from accounts.services.accounts import account_upsert
from accounts.services.saved_views import saved_view_save
from health.models import HealthScore
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope
from tests.workplace.portfolio_data import book

pytestmark = pytest.mark.django_db


def names(response):
    return [row.name for row in response.context["page"].object_list]


@pytest.fixture
def csm(tenant, member):
    return Membership.objects.for_tenant(tenant).get(user=member)


def test_a_row_shows_health_trend_money_onboarding_activity_and_nps(tenant, owner_client):
    book(tenant, 1, start=40)
    row = owner_client.get("/accounts/").context["page"].object_list[0]
    today = tenant.today()
    assert (row.health_band, row.health_score, row.health_trend) == ("average", 40, -5)
    assert row.current_mrr == 50 and row.renewal_on == today + timedelta(days=50)
    assert row.onboarding_progress == 50 and row.nps == 100
    assert row.last_active_on == today - timedelta(days=2)
    html = owner_client.get("/accounts/").content.decode()
    assert "Acct-0040" in html and "down 5 points in 7 days" in html and "50%" in html


@pytest.mark.parametrize(
    "language, mrr",
    [("en", "1,234.00"), ("zh-hans", "1,234.00"), ("ru", "1\xa0234,00"), ("ro", "1.234,00")],
)
def test_money_is_grouped_and_days_written_as_the_language_does(
    tenant, owner_client, language, mrr
):
    book(tenant, 1, start=1224)  # MRR 10 + 1224
    renewal = (tenant.today() + timedelta(days=10 + 1224 % 300)).isoformat()
    active = (tenant.today() - timedelta(days=2)).isoformat()
    html = owner_client.get("/accounts/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<td class="col-mrr num">{mrr} <span' in html
    assert f'<time datetime="{renewal}">{renewal}</time>' in html
    assert f'<time datetime="{active}">{active}</time>' in html


def test_filters_by_band_segment_stage_and_renewal_window(tenant, owner_client):
    book(tenant, 6)  # bands good, average, poor, good, average, poor; renewals in 10..15 days
    book(tenant, 2, start=100, segment="Enterprise", stage="renewal")
    assert names(owner_client.get("/accounts/?band=poor")) == [
        "Acct-0002",
        "Acct-0005",
        "Acct-0101",
    ]
    both = owner_client.get("/accounts/?band=poor&band=good")
    assert names(both) == ["Acct-0000", "Acct-0002", "Acct-0003", "Acct-0005", "Acct-0101"]
    assert names(owner_client.get("/accounts/?segment=Enterprise")) == ["Acct-0100", "Acct-0101"]
    assert names(owner_client.get("/accounts/?stage=renewal")) == ["Acct-0100", "Acct-0101"]
    # Acct-0100 renews in 10 + 100 = 110 days: outside 90, inside 180.
    assert "Acct-0100" not in names(owner_client.get("/accounts/?renewal=90"))
    assert "Acct-0100" in names(owner_client.get("/accounts/?renewal=180"))
    assert names(owner_client.get("/accounts/?q=acct-000&band=average")) == [
        "Acct-0001",
        "Acct-0004",
    ]


def test_sorts_by_any_column_both_ways_with_blanks_last(tenant, owner_client):
    book(tenant, 3)
    account_upsert(tenant=tenant, external_id="bare", name="Bare")  # no score, no term
    assert names(owner_client.get("/accounts/?sort=-mrr"))[:3] == [
        "Acct-0002",
        "Acct-0001",
        "Acct-0000",
    ]
    assert names(owner_client.get("/accounts/?sort=score"))[-1] == "Bare"
    assert names(owner_client.get("/accounts/?sort=-score"))[-1] == "Bare"
    assert names(owner_client.get("/accounts/?sort=-name"))[0] == "Bare"
    for key in ("band", "trend", "renewal", "owner", "onboarding", "activity", "nps"):
        for sort in (key, f"-{key}"):
            response = owner_client.get(f"/accounts/?sort={sort}")
            assert response.status_code == 200 and len(names(response)) == 4
    html = owner_client.get("/accounts/?sort=-mrr").content.decode()
    assert 'aria-sort="descending"' in html and "sort=mrr" in html  # the header flips it


def test_an_account_unscored_on_the_latest_day_keeps_its_last_score(tenant, owner_client):
    # Filtering and sorting by health join the tenant's latest scored day: an account without
    # a score that day (no longer scored) is read from its history, as on an unfiltered page.
    accounts = book(tenant, 3)  # scores 0, 1, 2 yesterday and 5, 6, 7 a week before
    with tenant_scope(tenant):
        yesterday = tenant.today() - timedelta(days=1)
        HealthScore.objects.filter(account=accounts[2], day=yesterday).delete()
    poor = owner_client.get("/accounts/?band=poor")
    assert names(poor) == ["Acct-0002"]
    row = poor.context["page"].object_list[0]
    assert (row.health_band, row.health_score, row.health_trend) == ("poor", 7, 0)
    assert names(owner_client.get("/accounts/?sort=-score")) == [
        "Acct-0002",
        "Acct-0001",
        "Acct-0000",
    ]
    assert names(owner_client.get("/accounts/?sort=-trend"))[0] == "Acct-0002"


def test_a_csm_sees_their_accounts_by_default_and_can_see_all(
    tenant, member_client, owner_client, csm
):
    book(tenant, 2, owner=csm)
    book(tenant, 3, start=10)
    assert names(member_client.get("/accounts/")) == ["Acct-0000", "Acct-0001"]
    assert len(names(member_client.get("/accounts/?owner="))) == 5
    assert len(names(owner_client.get("/accounts/"))) == 5  # owners and admins: everyone's
    assert names(owner_client.get(f"/accounts/?owner={csm.pk}")) == ["Acct-0000", "Acct-0001"]
    assert len(names(owner_client.get("/accounts/?owner=none"))) == 3
    html = member_client.get("/accounts/").content.decode()
    assert 'aria-current="true" class="active">My accounts' in html


@pytest.mark.parametrize(
    "query",
    ["sort=password", "sort=-", "band=purple", "owner=999999", "owner=abc", "renewal=7",
     "stage=dead", "q=" + "x" * 300],
)  # fmt: skip
def test_bad_filters_answer_400_with_a_message(tenant, owner_client, query):
    book(tenant, 1)
    response = owner_client.get(f"/accounts/?{query}")
    assert response.status_code == 400
    assert "Some filters in this address are not valid" in response.content.decode()
    assert owner_client.get(f"/accounts/export.csv?{query}").status_code == 400


def test_nul_characters_in_the_address_find_nothing_rather_than_fail(tenant, owner_client):
    book(tenant, 1)
    response = owner_client.get("/accounts/?q=%00&segment=a%00b")
    assert response.status_code in (200, 400)


def test_another_tenants_owner_is_not_a_valid_owner(tenant, owner_client, outsider, other_tenant):
    stranger = Membership.objects.for_tenant(other_tenant).get(user=outsider)
    assert owner_client.get(f"/accounts/?owner={stranger.pk}").status_code == 400


@pytest.mark.outsider("portfolio-export")
def test_csv_is_the_current_view_with_formulas_guarded(tenant, owner_client, outsider_client):
    book(tenant, 4)
    account_upsert(tenant=tenant, external_id="evil", name="=HYPERLINK(1)", segment="SMB")
    response = owner_client.get("/accounts/export.csv?band=poor&sort=-name")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "\ufeffexternal_id" and rows[0][5] == "health_band"
    assert [row[1] for row in rows[1:]] == ["Acct-0002"]
    everything = owner_client.get("/accounts/export.csv?sort=name")
    text = b"".join(everything.streaming_content).decode()
    assert "'=HYPERLINK(1)" in text and len(text.strip().splitlines()) == 6
    outsider = outsider_client.get("/accounts/export.csv")
    assert "Acct-0000" not in b"".join(outsider.streaming_content).decode()


@pytest.mark.outsider("accounts")
def test_outsiders_see_none_of_the_accounts(tenant, owner_client, outsider_client):
    book(tenant, 2)
    assert "Acct-0000" not in outsider_client.get("/accounts/?owner=").content.decode()


def test_htmx_gets_the_table_and_the_save_form_with_the_new_state(tenant, owner_client):
    book(tenant, 3)
    response = owner_client.get("/accounts/?band=good&sort=-mrr", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.strip().startswith('<div id="results">') and "<html" not in html
    assert 'id="save-view" class="saved-views" hx-swap-oob="true"' in html
    assert 'name="query" value="band=good&amp;sort=-mrr"' in html


def test_pages_keep_the_filters_and_sort(tenant, owner_client):
    book(tenant, 60)
    first = owner_client.get("/accounts/?band=good&sort=-mrr")
    assert len(names(first)) == 20 and first.context["page"].paginator.count == 20
    everyone = owner_client.get("/accounts/?sort=-mrr")
    html = everyone.content.decode()
    assert "sort=-mrr&amp;page=2" in html
    second = owner_client.get("/accounts/?sort=-mrr&page=2")
    assert names(second) == [f"Acct-{n:04d}" for n in range(9, -1, -1)]


def _pages(client):
    return [
        "/accounts/",
        "/accounts/?band=poor&sort=-score&renewal=180",
        "/accounts/?q=acct&sort=nps&page=2",
    ]


@pytest.mark.parametrize("role_client", ["owner_client", "member_client"])
def test_query_count_is_the_same_for_10_and_1000_accounts(
    request, tenant, role_client, csm, django_assert_num_queries
):
    client = request.getfixturevalue(role_client)
    book(tenant, 10, owner=csm)
    client.get("/accounts/")
    counts = {}
    for url in _pages(client):
        with django_assert_num_queries(9, exact=False) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
        with django_assert_num_queries(counts[url]):
            client.get(url, HTTP_HX_REQUEST="true")
    book(tenant, 990, owner=csm, start=10)
    for url in _pages(client):
        with django_assert_num_queries(counts[url]):
            assert client.get(url).status_code == 200
        with django_assert_num_queries(counts[url]):
            client.get(url, HTTP_HX_REQUEST="true")


@pytest.mark.parametrize(
    "query, label",
    [("renewal=7", "Renewal"), ("owner=abc", "Owner"), ("sort=password", "Sort order")],
)
def test_filter_errors_name_the_field_by_its_label_in_the_readers_language(
    tenant, owner_client, query, label
):
    book(tenant, 1)
    field = query.split("=")[0]
    for url in (f"/accounts/?{query}", f"/accounts/export.csv?{query}"):
        html = owner_client.get(url).content.decode()
        errors = html[html.index('class="errors"') :]
        assert f"<li>{label}: " in errors and f"<li>{field}: " not in errors
    russian = owner_client.get("/accounts/?renewal=7", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "<li>Renewal: " not in russian


def test_an_invalid_filter_via_htmx_answers_400_with_the_error_fragment(tenant, owner_client):
    book(tenant, 1)
    response = owner_client.get("/accounts/?renewal=7", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 400 and "<html" not in html
    assert html.strip().startswith('<div id="results">')
    assert "Some filters in this address are not valid" in html
    assert "HX-Request" in response["Vary"]


def test_a_viewer_is_not_offered_saving_renaming_or_deleting_a_view(
    tenant, viewer, member_client, viewer_client
):
    book(tenant, 1)
    # A view kept from before the member became a viewer: still listed, no longer editable.
    membership = Membership.objects.for_tenant(tenant).get(user=viewer)
    saved_view_save(tenant=tenant, membership=membership, name="Mine", query="band=poor")
    member = member_client.get("/accounts/").content.decode()
    assert 'action="/accounts/views/"' in member and "Save view" in member
    for response in (
        viewer_client.get("/accounts/"),
        viewer_client.get("/accounts/?band=good", HTTP_HX_REQUEST="true"),
    ):
        html = response.content.decode()
        assert 'id="save-view"' in html  # the view's links stay
        assert "Save view" not in html and 'action="/accounts/views/' not in html
        assert "Rename" not in html and ">Mine</a>" in html
