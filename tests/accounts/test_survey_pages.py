"""The survey pages: list, new survey, edit, results, send now and the send's progress;
outsiders see and change nothing, viewers only read, bad input answers 400 on the field."""

import pytest
from django.utils import timezone

from accounts.models import Account, Contact, Survey, SurveyInvite, SurveySend
from accounts.services import surveys as survey_service
from accounts.services.survey_links import invite_token
from accounts.services.surveys import survey_answer, survey_create, survey_send_start
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(tenant):
    with tenant_scope(tenant):
        acct = Account.objects.create(external_id="a1", name="Initech", segment="enterprise")
        Contact.objects.create(external_id="c1", account=acct, email="o@i.test", name="Olga")
        Contact.objects.create(external_id="c2", account=acct, email="a@i.test", name="Ana")
    return survey_create(tenant=tenant, name="Quarterly NPS",
                         question={"en": "Recommend us?"}, every_months=3)  # fmt: skip


def _form(**changes):
    data = {
        "name": "Enterprise NPS", "question_en": "Would you recommend {{ company_name }}?",
        "question_zh_hans": "", "question_ru": "Порекомендуете?", "question_ro": "",
        "segment": "enterprise", "lifecycle_stage": "", "accounts": "", "every_months": "6",
        "next_send_on": "", "throttle_days": "90", "link_days": "30", "reminder_days": "4",
        "status": "active",
    }  # fmt: skip
    return {**data, **changes}


@pytest.mark.outsider(
    "surveys", "survey-new", "survey", "survey-edit", "survey-send-now", "survey-send"
)
def test_outsiders_see_and_change_nothing(tenant, survey, outsider_client):
    send = survey_send_start(tenant=tenant, survey=survey)
    assert "Quarterly NPS" not in outsider_client.get("/surveys/").content.decode()
    for url in (f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/edit/",
                f"/surveys/{survey.pk}/sends/{send.pk}/"):  # fmt: skip
        assert outsider_client.get(url).status_code == 404, url
    assert outsider_client.post(f"/surveys/{survey.pk}/send/").status_code == 404
    assert outsider_client.post(f"/surveys/{survey.pk}/edit/", _form()).status_code == 404
    assert outsider_client.get("/surveys/new/").status_code == 200  # their own, empty
    with tenant_scope(tenant):
        assert SurveySend.objects.count() == 1 and Survey.objects.get().name == "Quarterly NPS"


def test_a_csm_creates_a_survey_from_the_form(tenant, survey, member_client):
    page = member_client.get("/surveys/new/")
    assert page.status_code == 200 and 'name="question_ru"' in page.content.decode()
    done = member_client.post("/surveys/new/", _form())
    assert done.status_code == 302
    with tenant_scope(tenant):
        created = Survey.objects.get(name="Enterprise NPS")
    assert created.question == {"en": "Would you recommend {{ company_name }}?",
                                "ru": "Порекомендуете?"}  # fmt: skip
    assert created.every_months == 6 and created.next_send_on is None
    assert done["Location"] == f"/surveys/{created.pk}/"
    edit = member_client.get(f"/surveys/{created.pk}/edit/").content.decode()
    assert "Порекомендуете?" in edit


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"question_en": ""}, "question_en"),
        ({"accounts": "nope"}, "accounts"),
        ({"every_months": "0"}, "every_months"),
        ({"link_days": "0"}, "link_days"),
        ({"segment": "martians"}, "segment"),
    ],
)
def test_bad_input_answers_400_on_the_field(tenant, survey, member_client, changes, field):
    page = member_client.post("/surveys/new/", _form(**changes))
    assert page.status_code == 400
    assert page.context["form"].errors.get(field), page.context["form"].errors
    with tenant_scope(tenant):
        assert Survey.objects.count() == 1


def test_viewers_read_but_do_not_send(tenant, survey, viewer_client):
    assert viewer_client.get(f"/surveys/{survey.pk}/").status_code == 200
    assert viewer_client.post(f"/surveys/{survey.pk}/send/").status_code == 403
    assert viewer_client.post("/surveys/new/", _form()).status_code == 403


def test_send_now_shows_progress_then_results(tenant, survey, member_client,
                                              django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        done = member_client.post(f"/surveys/{survey.pk}/send/")
    assert done.status_code == 302
    with tenant_scope(tenant):
        send = SurveySend.objects.get()
        invite = SurveyInvite.objects.select_related("tenant", "contact").first()
    survey_answer(invite=invite, score=9, comment="Great <b>support</b>")
    page = member_client.get(done["Location"]).content.decode()
    assert "2 of 2 contacts handled (100%)" in page and "every 2s" not in page
    assert "Great &lt;b&gt;support&lt;/b&gt;" in page  # escaped
    partial = member_client.get(done["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<section class="card" id="send-progress"')
    results = member_client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "1 of 2 asked" in results and ">100<" in results  # NPS of one promoter
    assert invite_token(tenant.pk, send.pk, invite.contact_id) not in results


def test_a_running_send_refreshes_itself(tenant, survey, member_client, monkeypatch):
    monkeypatch.setattr(survey_service, "BATCH", 1)
    send = survey_send_start(tenant=tenant, survey=survey)
    survey_service.survey_send_batch(tenant=tenant, send_id=send.pk)
    page = member_client.get(f"/surveys/{survey.pk}/sends/{send.pk}/").content.decode()
    assert "1 of 2 contacts handled (50%)" in page and 'hx-trigger="every 2s"' in page


def test_the_list_and_results_cost_constant_queries(tenant, survey, member_client,
                                                    django_assert_max_num_queries):  # fmt: skip
    for _ in range(3):
        send = survey_send_start(tenant=tenant, survey=survey)
        survey_service.survey_send_batch(tenant=tenant, send_id=send.pk, now=timezone.now())
    with django_assert_max_num_queries(12):
        assert member_client.get("/surveys/").status_code == 200
    with django_assert_max_num_queries(14):
        assert member_client.get(f"/surveys/{survey.pk}/").status_code == 200


def test_an_empty_list_says_what_to_do(member_client):
    page = member_client.get("/surveys/").content.decode()
    assert "No surveys yet" in page and "/surveys/new/" in page
