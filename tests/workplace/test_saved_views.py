"""Saved views of the portfolio: save, open, rename, delete; each member's own; bad input."""

import pytest

from accounts.models import SavedView
from accounts.services.accounts import account_upsert
from accounts.services.saved_views import saved_view_save
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


def _mine(tenant, user):
    return Membership.objects.for_tenant(tenant).get(user=user)


def _views(tenant):
    with tenant_scope(tenant):
        return {view.name: view.query for view in SavedView.objects.all()}


def test_save_open_rename_and_delete(tenant, member_client):
    account_upsert(tenant=tenant, external_id="a", name="Initech")
    saved = member_client.post(
        "/accounts/views/",
        {
            "name": " At risk ",
            "query": "?band=poor&sort=-mrr&page=3&x=1",
            "tenant_marker": tenant.pk,
        },
    )
    assert saved.status_code == 302 and saved["Location"] == "/accounts/?band=poor&sort=-mrr"
    assert _views(tenant) == {"At risk": "band=poor&sort=-mrr"}  # no page, no stray keys
    page = member_client.get("/accounts/").content.decode()
    assert 'href="/accounts/?band=poor&amp;sort=-mrr"' in page and ">At risk</a>" in page
    again = member_client.post("/accounts/views/", {"name": "At risk", "query": "band=good"})
    assert again.status_code == 302 and _views(tenant) == {"At risk": "band=good"}
    view = SavedView.objects.for_tenant(tenant).get()
    renamed = member_client.post(f"/accounts/views/{view.pk}/", {"name": "Healthy"})
    assert renamed.status_code == 302 and _views(tenant) == {"Healthy": "band=good"}
    deleted = member_client.post(f"/accounts/views/{view.pk}/", {"delete": "1"})
    assert deleted.status_code == 302 and _views(tenant) == {}


def test_bad_names_and_taken_names_answer_400(tenant, member, member_client):
    for name in ("", "   ", "x" * 81):
        response = member_client.post("/accounts/views/", {"name": name, "query": ""})
        assert response.status_code == 400
    mine = _mine(tenant, member)
    saved_view_save(tenant=tenant, membership=mine, name="One", query="")
    two = saved_view_save(tenant=tenant, membership=mine, name="Two", query="band=poor")
    taken = member_client.post(f"/accounts/views/{two.pk}/", {"name": "One"})
    assert taken.status_code == 400 and "already have a view" in taken.content.decode()
    assert sorted(_views(tenant)) == ["One", "Two"]
    # Short as typed, too long once encoded as stored ("é" is "%C3%A9"): a message, no row.
    long = member_client.post("/accounts/views/", {"name": "Long", "query": "q=" + "é" * 990})
    assert long.status_code == 400 and "too many filters" in long.content.decode()
    assert sorted(_views(tenant)) == ["One", "Two"]


def test_a_members_views_are_their_own(tenant, owner, member_client, owner_client, viewer_client):
    account_upsert(tenant=tenant, external_id="a", name="Initech")
    theirs = saved_view_save(
        tenant=tenant, membership=_mine(tenant, owner), name="Owner's", query="owner=none"
    )
    assert "Owner&#x27;s" not in member_client.get("/accounts/").content.decode()
    assert "Owner&#x27;s" in owner_client.get("/accounts/").content.decode()
    for data in ({"name": "Mine now"}, {"delete": "1"}):
        assert member_client.post(f"/accounts/views/{theirs.pk}/", data).status_code == 404
    assert viewer_client.post("/accounts/views/", {"name": "V", "query": ""}).status_code == 403
    assert _views(tenant) == {"Owner's": "owner=none"}


@pytest.mark.outsider("portfolio-views")
@pytest.mark.outsider("portfolio-view")
def test_outsiders_cannot_see_or_change_a_view(tenant, owner, outsider_client, other_tenant):
    view = saved_view_save(
        tenant=tenant, membership=_mine(tenant, owner), name="Secret", query="segment=Secret"
    )
    assert "Secret" not in outsider_client.get("/accounts/").content.decode()
    for data in ({"name": "Taken"}, {"delete": "1"}):
        assert outsider_client.post(f"/accounts/views/{view.pk}/", data).status_code == 404
    outsider_client.post("/accounts/views/", {"name": "Mine", "query": "band=poor"})
    assert _views(tenant) == {"Secret": "segment=Secret"}
    assert _views(other_tenant) == {"Mine": "band=poor"}


def test_the_page_query_count_does_not_grow_with_saved_views(
    tenant, member, member_client, django_assert_num_queries
):
    member_client.get("/accounts/")
    with django_assert_num_queries(9, exact=False) as captured:
        member_client.get("/accounts/")
    for n in range(5):
        saved_view_save(tenant=tenant, membership=_mine(tenant, member), name=f"V{n}", query="")
    with django_assert_num_queries(len(captured)):
        member_client.get("/accounts/")
