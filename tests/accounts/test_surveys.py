"""Hosted NPS surveys end to end: a send reaches a real SMTP server (aiosmtpd) in the
contact's language, a score link from the email records the answer, which is an NPS answer
the metrics and the health score's NPS measure read; batches, throttle, reminders, cadence
and the errors that name the field."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import (
    Account,
    Contact,
    CustomerEmail,
    NpsResponse,
    SendStatus,
    Survey,
    SurveyInvite,
    SurveySend,
)
from accounts.services import surveys as survey_service
from accounts.services.surveys import (
    add_months,
    survey_create,
    survey_reminders_send,
    survey_send_start,
    survey_update,
    surveys_due,
)
from accounts.survey_selectors import survey_results
from health.raw_values import raw_values
from tenants.tenancy.context import tenant_scope
from tests.smtp import smtp_server

pytestmark = pytest.mark.django_db

QUESTION = {
    "en": "Would you recommend {{ company_name }}?",
    "ru": "Порекомендуете ли вы {{ company_name }}?",
}


@pytest.fixture
def people(tenant):
    with tenant_scope(tenant):
        initech = Account.objects.create(external_id="a1", name="Initech", segment="enterprise")
        hooli = Account.objects.create(external_id="a2", name="Hooli", segment="smb")
        olga = Contact.objects.create(external_id="c1", account=initech, email="olga@initech.test",
                                      name="Olga", language="ru")  # fmt: skip
        ana = Contact.objects.create(external_id="c2", account=initech, email="ana@initech.test",
                                     name="Ana")  # fmt: skip
        Contact.objects.create(external_id="c3", account=initech, email="", name="No address")
        Contact.objects.create(external_id="c4", account=hooli, email="bo@hooli.test", name="Bo")
    return initech, olga, ana


def _smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def test_a_survey_mail_is_answered_from_its_score_link_and_the_answer_flows_on(
    tenant, people, settings, django_capture_on_commit_callbacks
):
    initech, olga, ana = people
    survey = survey_create(tenant=tenant, name="Q4 NPS", question=QUESTION, segment="enterprise")
    with smtp_server() as (port, inbox):
        _smtp(settings, port)
        with django_capture_on_commit_callbacks(execute=True):
            send = survey_send_start(tenant=tenant, survey=survey)
        send.refresh_from_db()
        assert (send.status, send.total, send.processed) == (SendStatus.DONE, 2, 2)
        assert sorted(m["To"] for m in inbox) == ["ana@initech.test", "olga@initech.test"]
        russian = next(m for m in inbox if m["To"] == "olga@initech.test")
        body = russian.get_content().replace("\r\n", "\n")
        assert "Порекомендуете ли вы" in body and tenant.name in body  # her language
        assert "{{" not in body
        links = re.findall(r"^(\d+): (https?://\S+)$", body, re.M)
        assert [int(n) for n, _ in links] == list(range(11))
        (page_link,) = re.findall(r"https?://\S+/s/[^/\s]+/$", body, re.M)
        assert "email/unsubscribe" in body  # the machinery's footer

    # A detractor's click on "3" in the email opens the page with 3 chosen; opening it
    # records nothing (mail scanners open every link), one click sends it.
    three = dict(links)["3"].removeprefix(settings.SITE_URL)
    visitor = Client()
    page = visitor.get(three)
    assert page.status_code == 200 and 'value="3" checked' in page.content.decode()
    assert visitor.head(three).status_code == 200
    with tenant_scope(tenant):
        assert not NpsResponse.objects.exists()
    sent = visitor.post(page_link.removeprefix(settings.SITE_URL), {"score": "3"})
    assert sent.status_code == 302
    with tenant_scope(tenant):
        answer = NpsResponse.objects.get()
        invite = SurveyInvite.objects.get(contact=olga)
    assert (answer.contact_id, answer.account_id, answer.score) == (olga.pk, initech.pk, 3)
    assert invite.answer_id == answer.pk and invite.answered_at is not None

    # Then "why" on the page: the answer is replaced, not added.
    done = visitor.post(page_link.removeprefix(settings.SITE_URL),
                        {"score": "6", "comment": "Too slow"})  # fmt: skip
    assert done.status_code == 302 and done["Location"].endswith("/thanks/")
    assert visitor.get(done["Location"]).status_code == 200
    with tenant_scope(tenant):
        answer = NpsResponse.objects.get()
    assert (answer.score, answer.comment) == (6, "Too slow")

    # It is the NPS answer every figure reads: the health measure sees it that day.
    values = raw_values(tenant, tenant.today(), [initech.pk])
    assert values[initech.pk]["nps_latest"] == 6
    results = survey_results(tenant, survey)
    assert (results.invited, results.answered, results.response_rate) == (2, 1, 50.0)
    assert results.nps == -100.0 and results.distribution[6] == 1
    assert results.comments[0]["comment"] == "Too slow"


def test_sending_goes_in_batches_and_a_redelivered_batch_invites_no_one_twice(
    tenant, people, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(survey_service, "BATCH", 1)
    survey = survey_create(tenant=tenant, name="All", question=QUESTION)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send = survey_send_start(tenant=tenant, survey=survey)
    assert send.total == 3 and send.processed == 0  # Olga, Ana, Bo (no address: not asked)
    assert survey_service.survey_send_batch(tenant=tenant, send_id=send.pk) == 2
    send.refresh_from_db()
    assert (send.processed, send.percent, send.status) == (1, 33, SendStatus.SENDING)
    while survey_service.survey_send_batch(tenant=tenant, send_id=send.pk):
        pass
    assert survey_service.survey_send_batch(tenant=tenant, send_id=send.pk) == 0  # done: no-op
    with tenant_scope(tenant):
        assert SurveyInvite.objects.count() == 3
        assert CustomerEmail.objects.filter(template_key="nps-survey").count() == 3
    assert callbacks  # the first batch was queued after commit


def test_the_throttle_leaves_out_contacts_asked_recently(tenant, people):
    first = survey_create(tenant=tenant, name="One", question=QUESTION, throttle_days=30)
    send = survey_send_start(tenant=tenant, survey=first)
    survey_service.survey_send_batch(tenant=tenant, send_id=send.pk)
    second = survey_create(tenant=tenant, name="Two", question=QUESTION, throttle_days=30)
    again = survey_send_start(tenant=tenant, survey=second)
    survey_service.survey_send_batch(tenant=tenant, send_id=again.pk)
    again.refresh_from_db()
    assert (again.processed, again.throttled) == (3, 3)
    later = timezone.now() + timedelta(days=31)
    third = survey_send_start(tenant=tenant, survey=second)
    survey_service.survey_send_batch(tenant=tenant, send_id=third.pk, now=later)
    third.refresh_from_db()
    assert third.throttled == 0


def test_one_reminder_goes_to_those_who_have_not_answered(tenant, people):
    initech, olga, ana = people
    survey = survey_create(tenant=tenant, name="R", question=QUESTION, segment="enterprise",
                           reminder_days=3)  # fmt: skip
    send = survey_send_start(tenant=tenant, survey=survey)
    survey_service.survey_send_batch(tenant=tenant, send_id=send.pk)
    with tenant_scope(tenant):
        invite = SurveyInvite.objects.select_related("tenant", "contact").get(contact=olga)
    survey_service.survey_answer(invite=invite, score=10)
    assert survey_reminders_send(tenant=tenant) == 0  # not yet due
    due = timezone.now() + timedelta(days=3, minutes=1)
    assert survey_reminders_send(tenant=tenant, now=due) == 1
    assert survey_reminders_send(tenant=tenant, now=due) == 0  # one reminder only
    with tenant_scope(tenant):
        reminded = CustomerEmail.objects.get(template_key="nps-survey-reminder")
    assert reminded.contact_id == ana.pk


def test_cadence_moves_the_next_send_and_a_one_off_has_none(tenant, people):
    today = tenant.today()
    monthly = survey_create(tenant=tenant, name="M", question=QUESTION, every_months=3,
                            next_send_on=today)  # fmt: skip
    once = survey_create(tenant=tenant, name="O", question=QUESTION, next_send_on=today)
    by_hand = survey_create(tenant=tenant, name="H", question=QUESTION)  # no next send day
    started = surveys_due(tenant=tenant)
    assert {s.survey_id for s in started} == {monthly.pk, once.pk}
    monthly.refresh_from_db()
    once.refresh_from_db()
    assert monthly.next_send_on == add_months(tenant.today(), 3) and once.next_send_on is None
    assert surveys_due(tenant=tenant) == []  # nothing twice
    assert by_hand.next_send_on is None


def test_add_months_keeps_the_day_or_the_months_last():
    from datetime import date

    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


@pytest.mark.parametrize(
    "values, field",
    [
        ({"question": {}}, "question"),
        ({"question": {"de": "Frage", "en": "Q"}}, "question"),
        ({"segment": "nonexistent"}, "segment"),
        ({"account_ids": [999999]}, "account_ids"),
        ({"lifecycle_stage": "martian"}, "lifecycle_stage"),
        ({"every_months": 0}, "every_months"),
        ({"link_days": 0}, "link_days"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_surveys_are_refused_naming_the_field(tenant, people, values, field):
    fields = {"name": "S", "question": QUESTION, **values}
    with pytest.raises(ValidationError) as error:
        survey_create(tenant=tenant, **fields)
    assert field in error.value.message_dict
    with tenant_scope(tenant):
        assert not Survey.objects.exists()


def test_an_audience_of_nobody_is_refused(tenant, people):
    initech, olga, ana = people
    with tenant_scope(tenant):
        Contact.objects.filter(account=initech).update(email_unsubscribed_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        survey_create(tenant=tenant, name="S", question=QUESTION, account_ids=[initech.pk])
    assert "account_ids" in error.value.message_dict  # the narrowest filter given


def test_updating_checks_the_same_rules(tenant, people):
    survey = survey_create(tenant=tenant, name="S", question=QUESTION)
    with pytest.raises(ValidationError):
        survey_update(tenant=tenant, survey=survey, segment="nonexistent")
    with tenant_scope(tenant):
        assert Survey.objects.get().segment == ""
    assert SurveySend.objects.for_tenant(tenant).count() == 0


def test_a_survey_answer_moves_the_nps_figure(tenant, people):
    from metrics.models import MetricFigure
    from metrics.services.recompute import metrics_backfill

    initech, olga, ana = people
    survey = survey_create(tenant=tenant, name="S", question=QUESTION, segment="enterprise")
    send = survey_send_start(tenant=tenant, survey=survey)
    survey_service.survey_send_batch(tenant=tenant, send_id=send.pk)
    with tenant_scope(tenant):
        invites = {
            i.contact_id: i for i in SurveyInvite.objects.select_related("tenant", "contact")
        }
    day = tenant.today() - timedelta(days=1)  # the metrics' last day is yesterday
    noon = datetime.combine(day, time(12), ZoneInfo(tenant.time_zone))
    survey_service.survey_answer(invite=invites[olga.pk], score=10, now=noon)
    survey_service.survey_answer(invite=invites[ana.pk], score=2, now=noon)
    survey_service.survey_answer(invite=invites[ana.pk], score=9, now=noon)  # replaces her 2
    metrics_backfill(tenant=tenant, since=day, until=day)
    with tenant_scope(tenant):
        figure = MetricFigure.objects.get(metric="nps", period=day, grain="day",
                                          dimension="all")  # fmt: skip
    assert (figure.value, figure.numerator, figure.denominator) == (100, 2, 2)


def test_a_detractors_survey_answer_opens_the_detractor_rules_task(tenant, people):
    from health.models import TaskKind
    from health.services.rules import alert_rules_run
    from tests.health.rules_helpers import only

    initech, olga, ana = people
    only(tenant, TaskKind.NPS_DETRACTOR)
    survey = survey_create(tenant=tenant, name="S", question=QUESTION, segment="enterprise")
    send = survey_send_start(tenant=tenant, survey=survey)
    survey_service.survey_send_batch(tenant=tenant, send_id=send.pk)
    with tenant_scope(tenant):
        invite = SurveyInvite.objects.select_related("tenant", "contact").get(contact=olga)
    day = tenant.today() - timedelta(days=1)
    noon = datetime.combine(day, time(12), ZoneInfo(tenant.time_zone))
    survey_service.survey_answer(invite=invite, score=3, comment="Slow", now=noon)
    result = alert_rules_run(tenant=tenant, day=day)
    assert result.fired == [(initech.pk, "nps_detractor")]


def test_a_second_send_now_while_one_runs_starts_nothing(tenant, people):
    survey = survey_create(tenant=tenant, name="S", question=QUESTION)
    first = survey_send_start(tenant=tenant, survey=survey)
    assert survey_send_start(tenant=tenant, survey=survey).pk == first.pk
    survey_service.survey_send_batch(tenant=tenant, send_id=first.pk)
    assert survey_send_start(tenant=tenant, survey=survey).pk != first.pk  # done: a new one


def test_a_survey_whose_audience_emptied_can_still_be_paused(tenant, people):
    initech, olga, ana = people
    survey = survey_create(tenant=tenant, name="S", question=QUESTION, segment="enterprise")
    with tenant_scope(tenant):
        Account.objects.filter(pk=initech.pk).update(lifecycle_stage="churned")
    survey_update(tenant=tenant, survey=survey, status="paused", name="S (paused)")
    with pytest.raises(ValidationError):  # changing the audience is checked again
        survey_update(tenant=tenant, survey=survey, segment="smb", lifecycle_stage="onboarding")


def test_a_comment_with_a_nul_is_refused_not_a_500(tenant, people):
    survey = survey_create(tenant=tenant, name="S", question=QUESTION)
    send = survey_send_start(tenant=tenant, survey=survey)
    survey_service.survey_send_batch(tenant=tenant, send_id=send.pk)
    with tenant_scope(tenant):
        invite = SurveyInvite.objects.select_related("tenant", "contact").first()
    with pytest.raises(ValidationError) as error:
        survey_service.survey_answer(invite=invite, score=5, comment="a\x00b")
    assert "comment" in error.value.message_dict
