"""REST API for accounts, contacts, subscriptions and notes: upsert, filters, errors, isolation."""

from decimal import Decimal

import pytest

from accounts.models import Account, Contact, Subscription
from accounts.services.accounts import account_upsert, contact_upsert, subscription_upsert
from tenants.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _account(api, external_id="acc-1", **extra):
    return api.post("/api/v1/accounts/", {"external_id": external_id, "name": "Initech", **extra})


class TestAccounts:
    def test_create_then_post_again_updates(self, api, tenant):
        first = _account(api, domain="initech.test", traits={"plan": "pro"})
        assert first.status_code == 201, first.json()
        again = _account(api, name="Initech Corp")
        assert again.status_code == 200
        assert again.json()["name"] == "Initech Corp"
        assert again.json()["id"] == first.json()["id"]
        assert Account.objects.for_tenant(tenant).count() == 1

    def test_put_creates_then_replaces(self, api, tenant):
        created = api.put("/api/v1/accounts/crm-7/", {"name": "Umbrella"})
        assert created.status_code == 201 and created.json()["external_id"] == "crm-7"
        replaced = api.put("/api/v1/accounts/crm-7/", {"name": "Umbrella Corp", "segment": "SMB"})
        assert replaced.status_code == 200 and replaced.json()["segment"] == "SMB"
        assert api.get("/api/v1/accounts/crm-7/").json()["name"] == "Umbrella Corp"

    def test_put_body_external_id_must_match_url(self, api):
        response = api.put("/api/v1/accounts/a/", {"external_id": "b", "name": "X"})
        assert response.status_code == 400
        assert "external_id" in response.json()["error"]["fields"]

    def test_patch_unknown_is_404_and_patch_changes_only_given_fields(self, api):
        assert api.patch("/api/v1/accounts/nope/", {"name": "X"}).status_code == 404
        _account(api, segment="SMB")
        response = api.patch("/api/v1/accounts/acc-1/", {"lifecycle_stage": "adoption"})
        assert response.status_code == 200
        assert response.json()["segment"] == "SMB"
        assert response.json()["lifecycle_stage"] == "adoption"

    def test_owner_by_member_email(self, api, tenant, member):
        response = _account(api, owner_email="CSM@acme.test")
        assert response.status_code == 201, response.json()
        assert response.json()["owner_email"] == "csm@acme.test"
        bad = _account(api, "acc-2", owner_email="stranger@x.test")
        assert bad.status_code == 400
        assert "No member of this tenant" in bad.json()["error"]["fields"]["owner_email"][0]

    def test_owner_of_another_tenant_is_refused(self, api, outsider):
        response = _account(api, owner_email="owner@globex.test")
        assert response.status_code == 400
        assert "owner_email" in response.json()["error"]["fields"]

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"external_id": "x"}, "name"),
            ({"external_id": "x", "name": "X", "colour": "red"}, "colour"),
            ({"external_id": "x", "name": "X", "tenant": 5}, "tenant"),
            ({"external_id": "x", "name": "X", "traits": [1]}, "traits"),
            ({"external_id": "x", "name": "X", "lifecycle_stage": "zombie"}, "lifecycle_stage"),
            ({"name": "X"}, "external_id"),
        ],
    )
    def test_bad_input_names_the_field(self, api, tenant, payload, field):
        response = api.post("/api/v1/accounts/", payload, format="json")
        assert response.status_code == 400
        assert field in response.json()["error"]["fields"]
        assert Account.objects.for_tenant(tenant).count() == 0

    def test_id_is_not_writable(self, api, tenant):
        response = api.post("/api/v1/accounts/", {"id": 424242, "external_id": "x", "name": "X"})
        assert response.status_code == 201
        assert response.json()["id"] != 424242

    def test_filters(self, api, tenant, member):
        owner = Membership.objects.for_tenant(tenant).get(user=member)
        account_upsert(tenant=tenant, external_id="a", name="Alpha", segment="SMB", owner=owner)
        account_upsert(tenant=tenant, external_id="b", name="Beta", segment="Enterprise")

        def names(query):
            return sorted(
                a["name"] for a in api.get(f"/api/v1/accounts/?{query}").json()["results"]
            )

        assert names("segment=SMB") == ["Alpha"]
        assert names("owner_email=csm@acme.test") == ["Alpha"]
        assert names("name=bet") == ["Beta"]
        bad = api.get("/api/v1/accounts/?lifecycle_stage=zombie")
        assert bad.status_code == 400 and "lifecycle_stage" in bad.json()["error"]["fields"]

    @pytest.mark.outsider("account-list", "account-detail")
    def test_outsider_sees_nothing_and_cannot_touch(self, api, outsider_api, tenant, other_tenant):
        _account(api)
        assert outsider_api.get("/api/v1/accounts/").json()["results"] == []
        assert outsider_api.get("/api/v1/accounts/acc-1/").status_code == 404
        assert outsider_api.delete("/api/v1/accounts/acc-1/").status_code == 404
        assert outsider_api.patch("/api/v1/accounts/acc-1/", {"name": "Pwned"}).status_code == 404
        # The same external id in the other tenant is a different account.
        assert outsider_api.put("/api/v1/accounts/acc-1/", {"name": "Theirs"}).status_code == 201
        assert Account.objects.for_tenant(tenant).get().name == "Initech"
        assert Account.objects.for_tenant(other_tenant).get().name == "Theirs"

    def test_list_query_count_is_constant(self, api, tenant, member, django_assert_num_queries):
        owner = Membership.objects.for_tenant(tenant).get(user=member)
        account_upsert(tenant=tenant, external_id="first", name="First", owner=owner)
        api.get("/api/v1/accounts/")
        with django_assert_num_queries(2):  # the key, the page
            api.get("/api/v1/accounts/")
        for n in range(20):
            account_upsert(tenant=tenant, external_id=f"a{n}", name=f"A{n}", owner=owner)
        with django_assert_num_queries(2):
            response = api.get("/api/v1/accounts/")
        assert len(response.json()["results"]) == 21

    def test_viewer_session_cannot_write(self, viewer):
        from tests.conftest import session_api

        client = session_api(viewer)
        assert client.get("/api/v1/accounts/").status_code == 200
        assert _account(client).status_code == 403

    def test_delete(self, api, tenant):
        _account(api)
        assert api.delete("/api/v1/accounts/acc-1/").status_code == 204
        assert Account.objects.for_tenant(tenant).count() == 0


class TestContacts:
    @pytest.mark.outsider("contact-list", "contact-detail")
    def test_upsert_with_account_and_outsider(self, api, outsider_api, tenant):
        account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
        response = api.post(
            "/api/v1/contacts/",
            {"external_id": "u-1", "account_external_id": "acc-1", "email": "p@initech.test"},
        )
        assert response.status_code == 201, response.json()
        assert response.json()["account_external_id"] == "acc-1"
        assert response.json()["latest_nps"] is None
        assert outsider_api.get("/api/v1/contacts/u-1/").status_code == 404
        assert outsider_api.get("/api/v1/contacts/").json()["results"] == []

    def test_unknown_account_is_a_field_error(self, api, tenant):
        response = api.post("/api/v1/contacts/", {"external_id": "u", "account_external_id": "zz"})
        assert response.status_code == 400
        message = response.json()["error"]["fields"]["account_external_id"][0]
        assert "No account with external_id 'zz'" in message
        assert Contact.objects.for_tenant(tenant).count() == 0

    def test_account_of_another_tenant_is_unknown(self, api, other_tenant):
        account_upsert(tenant=other_tenant, external_id="theirs", name="Globex")
        response = api.post(
            "/api/v1/contacts/", {"external_id": "u", "account_external_id": "theirs"}
        )
        assert response.status_code == 400

    def test_bad_email(self, api):
        response = api.post("/api/v1/contacts/", {"external_id": "u", "email": "nope"})
        assert response.status_code == 400 and "email" in response.json()["error"]["fields"]

    def test_list_query_count_is_constant(self, api, tenant, django_assert_num_queries):
        account, _ = account_upsert(tenant=tenant, external_id="a", name="A")
        contact_upsert(tenant=tenant, external_id="c0", account=account)
        api.get("/api/v1/contacts/")
        with django_assert_num_queries(2):
            api.get("/api/v1/contacts/")
        for n in range(1, 15):
            contact_upsert(tenant=tenant, external_id=f"c{n}", account=account)
        with django_assert_num_queries(2):
            assert len(api.get("/api/v1/contacts/").json()["results"]) == 15


class TestSubscriptions:
    def _post(self, api, **fields):
        payload = {
            "external_id": "sub-1",
            "account_external_id": "acc-1",
            "plan": "Growth",
            "mrr": "499.00",
            "start_date": "2026-01-01",
            **fields,
        }
        return api.post("/api/v1/subscriptions/", payload, format="json")

    @pytest.mark.outsider("subscription-list", "subscription-detail")
    def test_upsert_defaults_currency_and_outsider(self, api, outsider_api, tenant):
        account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
        response = self._post(api)
        assert response.status_code == 201, response.json()
        assert response.json()["currency"] == "USD" and response.json()["end_date"] is None
        renewed = self._post(api, end_date="2027-01-01", mrr="599.00")
        assert renewed.status_code == 200
        sub = Subscription.objects.for_tenant(tenant).get()
        assert sub.mrr == Decimal("599.00") and str(sub.end_date) == "2027-01-01"
        assert outsider_api.get("/api/v1/subscriptions/sub-1/").status_code == 404
        assert outsider_api.get("/api/v1/subscriptions/").json()["results"] == []

    @pytest.mark.parametrize(
        "fields, field",
        [
            ({"mrr": "-1"}, "mrr"),
            ({"mrr": "abc"}, "mrr"),
            ({"end_date": "2025-12-31"}, "end_date"),
            ({"end_date": "2026-01-01"}, "end_date"),
            ({"start_date": "someday"}, "start_date"),
            ({"currency": "usd"}, "currency"),
            ({"account_external_id": "nope"}, "account_external_id"),
        ],
    )
    def test_bad_input(self, api, tenant, fields, field):
        account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
        response = self._post(api, **fields)
        assert response.status_code == 400
        assert field in response.json()["error"]["fields"]
        assert Subscription.objects.for_tenant(tenant).count() == 0

    def test_active_on_filter(self, api, tenant):
        account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
        subscription_upsert(
            tenant=tenant, external_id="old", account=account, mrr=10, start_date="2025-01-01",
            end_date="2026-01-01",
        )  # fmt: skip
        subscription_upsert(
            tenant=tenant, external_id="new", account=account, mrr=20, start_date="2026-01-01"
        )

        def ids(day):
            results = api.get(f"/api/v1/subscriptions/?active_on={day}").json()["results"]
            return [s["external_id"] for s in results]

        assert ids("2025-12-31") == ["old"]
        assert ids("2026-01-01") == ["new"]

    def test_list_query_count_is_constant(self, api, tenant, django_assert_num_queries):
        account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
        subscription_upsert(
            tenant=tenant, external_id="s", account=account, mrr=1, start_date="2026-01-01"
        )
        api.get("/api/v1/subscriptions/")
        with django_assert_num_queries(2):
            api.get("/api/v1/subscriptions/")
        for n in range(10):
            subscription_upsert(
                tenant=tenant, external_id=f"s{n}", account=account, mrr=n, start_date="2026-01-01"
            )
        with django_assert_num_queries(2):
            assert len(api.get("/api/v1/subscriptions/").json()["results"]) == 11


class TestNotes:
    @pytest.mark.outsider("note-list", "note-detail")
    def test_note_by_session_member_has_author(self, tenant, member, outsider, outsider_api):
        from tests.conftest import session_api

        account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
        client = session_api(member)
        response = client.post(
            "/api/v1/notes/", {"account_external_id": "acc-1", "body": "Kick-off call went well."}
        )
        assert response.status_code == 201, response.json()
        assert response.json()["author_email"] == "csm@acme.test"
        note_id = response.json()["id"]
        assert outsider_api.get(f"/api/v1/notes/{note_id}/").status_code == 404
        assert outsider_api.get("/api/v1/notes/").json()["results"] == []
        listed = client.get("/api/v1/notes/?account_external_id=acc-1").json()["results"]
        assert [n["body"] for n in listed] == ["Kick-off call went well."]

    def test_note_in_far_future_is_refused(self, api, tenant):
        account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
        response = api.post(
            "/api/v1/notes/",
            {"account_external_id": "acc-1", "body": "x", "occurred_at": "2999-01-01T00:00:00Z"},
        )
        assert response.status_code == 400 and "occurred_at" in response.json()["error"]["fields"]

    def test_notes_list_query_count(self, api, tenant, django_assert_num_queries):
        from accounts.services.accounts import note_create

        account, _ = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
        member = MembershipFactory(tenant=tenant)
        note_create(tenant=tenant, account=account, body="a", author=member)
        api.get("/api/v1/notes/")
        with django_assert_num_queries(2):
            api.get("/api/v1/notes/")
        for n in range(8):
            note_create(tenant=tenant, account=account, body=f"n{n}", author=member)
        with django_assert_num_queries(2):
            assert len(api.get("/api/v1/notes/").json()["results"]) == 9
