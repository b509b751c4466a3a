"""The surveys API: create with the question per language and an audience by external ids,
400 naming the field, send now and follow the send's progress, results; viewers read only,
outsiders see nothing."""

import pytest

from accounts.models import Account, Contact, Survey, SurveyInvite
from accounts.services.surveys import survey_answer
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(tenant):
    with tenant_scope(tenant):
        a1 = Account.objects.create(external_id="acme-1", name="Acme", segment="Enterprise")
        a2 = Account.objects.create(external_id="acme-2", name="Beta", segment="SMB")
        Contact.objects.create(external_id="c1", account=a1, email="o@a.test", language="ro")
        Contact.objects.create(external_id="c2", account=a2, email="p@b.test")
    return a1, a2


BODY = {"name": "Quarterly", "question": {"en": "Recommend {{ company_name }}?",
                                          "ro": "Ne-ați recomanda?"}}  # fmt: skip


@pytest.mark.outsider(
    "survey-api-list", "survey-api-detail", "survey-api-send", "survey-api-results",
    "survey-send-api-list", "survey-send-api-detail", "survey-send-api-results",
)  # fmt: skip
def test_create_send_follow_and_read_results(tenant, audience, api, outsider_api,
                                             django_capture_on_commit_callbacks):  # fmt: skip
    created = api.post("/api/v1/surveys/", {**BODY, "account_external_ids": ["acme-1"],
                                            "every_months": 3}, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    survey = created.json()
    assert survey["account_external_ids"] == ["acme-1"] and survey["every_months"] == 3
    assert survey["question"]["ro"] == "Ne-ați recomanda?"
    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"/api/v1/surveys/{survey['id']}/send/")
    assert sent.status_code == 202 and sent.json()["total"] == 1
    assert (sent.json()["invited"], sent.json()["answered"]) == (0, 0)  # queued: integers, not null
    send = api.get(f"/api/v1/survey-sends/{sent.json()['id']}/").json()
    assert (send["status"], send["processed"], send["percent"], send["invited"]) == (
        "done", 1, 100, 1)  # fmt: skip
    with tenant_scope(tenant):
        invite = SurveyInvite.objects.select_related("tenant", "contact").get()
    survey_answer(invite=invite, score=4, comment="Slow")
    results = api.get(f"/api/v1/surveys/{survey['id']}/results/").json()
    assert results["nps"] == -100.0 and results["distribution"][4] == 1
    assert results["response_rate"] == 100.0 and results["comments"][0]["comment"] == "Slow"
    one = api.get(f"/api/v1/survey-sends/{send['id']}/results/").json()
    assert one["answered"] == 1
    listed = api.get(f"/api/v1/survey-sends/?survey={survey['id']}").json()["results"]
    assert [row["id"] for row in listed] == [send["id"]]
    patched = api.patch(f"/api/v1/surveys/{survey['id']}/", {"status": "paused"}, format="json")
    assert patched.status_code == 200 and patched.json()["status"] == "paused"

    for url in (f"/api/v1/surveys/{survey['id']}/", f"/api/v1/surveys/{survey['id']}/results/",
                f"/api/v1/survey-sends/{send['id']}/",
                f"/api/v1/survey-sends/{send['id']}/results/"):  # fmt: skip
        assert outsider_api.get(url).status_code == 404, url
    assert outsider_api.post(f"/api/v1/surveys/{survey['id']}/send/").status_code == 404
    assert outsider_api.get("/api/v1/surveys/").json()["results"] == []
    assert outsider_api.get("/api/v1/survey-sends/").json()["results"] == []


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"question": {"ro": "Doar română"}}, "question"),
        ({"question": {"en": "Q", "de": "F"}}, "question"),
        ({"account_external_ids": ["nope"]}, "account_external_ids"),
        ({"segment": "Martians"}, "segment"),
        ({"every_months": 0}, "every_months"),
        ({"link_days": 1000}, "link_days"),
        ({"lifecycle_stage": "churned"}, "lifecycle_stage"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_answers_400_naming_the_field(tenant, audience, api, changes, field):
    response = api.post("/api/v1/surveys/", {**BODY, **changes}, format="json")
    assert response.status_code == 400
    assert field in str(response.json()), response.json()
    with tenant_scope(tenant):
        assert not Survey.objects.exists()


def test_viewers_read_but_do_not_create_or_send(tenant, audience, api, viewer):
    from tests.conftest import session_api

    survey = api.post("/api/v1/surveys/", BODY, format="json").json()
    reader = session_api(viewer)
    assert reader.get(f"/api/v1/surveys/{survey['id']}/").status_code == 200
    assert reader.post("/api/v1/surveys/", BODY, format="json").status_code == 403
    assert reader.post(f"/api/v1/surveys/{survey['id']}/send/").status_code == 403


def test_the_lists_cost_constant_queries(tenant, audience, api, django_assert_max_num_queries):
    for n in range(4):
        survey = api.post("/api/v1/surveys/", {**BODY, "name": f"S{n}",
                                              "account_external_ids": ["acme-1", "acme-2"]},
                          format="json").json()  # fmt: skip
        api.post(f"/api/v1/surveys/{survey['id']}/send/")
    with django_assert_max_num_queries(5):  # not one more per survey
        listed = api.get("/api/v1/surveys/").json()["results"]
    assert len(listed) == 4 and listed[0]["account_external_ids"] == ["acme-1", "acme-2"]
    with django_assert_max_num_queries(5):
        assert len(api.get("/api/v1/survey-sends/").json()["results"]) == 4
