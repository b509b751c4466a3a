""" "Ask your CSM": a customer's question from the portal lands as a task in the CSM's inbox;
the CSM answers from the task, the answer shows in the portal and reaches the contact by
email (a real SMTP server), and the task is closed. Questions stay plain text."""

import pytest
from django.test import Client

from health.models import Task, TaskKind, TaskStatus
from onboarding.models import PortalQuestion
from tenants.tenancy.context import tenant_scope
from tests.smtp import smtp_server

pytestmark = pytest.mark.django_db

EVIL = '<script>alert(1)</script><b onmouseover="x()">Hi</b>\nHow do I import?'


def _smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def _task(tenant):
    with tenant_scope(tenant):
        return Task.objects.select_related("assignee").get(kind=TaskKind.CUSTOMER_QUESTION)


def test_a_question_becomes_a_task_and_its_answer_comes_back(
    portal, member_client, settings, django_capture_on_commit_callbacks
):
    customer = Client()
    asked = customer.post(f"{portal.path}ask/", {"text": EVIL})
    assert asked.status_code == 302 and asked["Location"].endswith("?asked=1#questions")
    page = customer.get(asked["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "<b onmouseover" not in page
    with tenant_scope(portal.tenant):
        question = PortalQuestion.objects.get()
    assert question.text == EVIL.strip() and question.contact_id == portal.contact.pk

    # The CSM (the account's owner) has it in the inbox, in the CSM's language.
    task = _task(portal.tenant)
    assert task.assignee_id == portal.csm.pk and task.status == TaskStatus.OPEN
    inbox = member_client.get("/tasks/").content.decode()
    assert "Question from Olga" in inbox and f"/tasks/{task.pk}/answer/" in inbox
    assert "<script>alert" not in inbox
    form = member_client.get(f"/tasks/{task.pk}/answer/").content.decode()
    assert "&lt;script&gt;" in form

    with smtp_server() as (port, mailbox):
        _smtp(settings, port)
        with django_capture_on_commit_callbacks(execute=True):
            answered = member_client.post(
                f"/tasks/{task.pk}/answer/", {"answer": "Use Data, then Import."}
            )
        assert answered.status_code == 302
        (mail,) = mailbox
    body = mail.get_content()
    assert mail["To"] == "olga@initech.test"
    assert "Use Data, then Import." in body and "<script>alert(1)</script>" in body  # plain text
    assert settings.SITE_URL + "/p/" in body and "{{" not in body
    assert _task(portal.tenant).status == TaskStatus.DONE
    shown = customer.get(portal.path).content.decode()
    assert "Use Data, then Import." in shown

    # A corrected answer is shown, not mailed again.
    with smtp_server() as (port, mailbox):
        _smtp(settings, port)
        with django_capture_on_commit_callbacks(execute=True):
            member_client.post(f"/tasks/{task.pk}/answer/", {"answer": "Data → Import."})
        assert mailbox == []
    assert "Data → Import." in customer.get(portal.path).content.decode()


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_an_empty_or_long_question_is_refused_and_nothing_is_written(portal, text):
    refused = Client().post(f"{portal.path}ask/", {"text": text})
    assert refused.status_code == 400 and 'class="error"' in refused.content.decode()
    htmx = Client().post(f"{portal.path}ask/", {"text": text}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200 and 'class="error"' in htmx.content.decode()
    with tenant_scope(portal.tenant):
        assert not PortalQuestion.objects.exists() and not Task.objects.exists()


def test_htmx_swaps_the_questions(portal):
    answer = Client().post(f"{portal.path}ask/", {"text": "When is the call?"},
                           HTTP_HX_REQUEST="true")  # fmt: skip
    html = answer.content.decode()
    assert answer.status_code == 200 and "<html" not in html
    assert "When is the call?" in html and 'role="status"' in html


@pytest.mark.outsider("task-answer")
def test_outsiders_and_viewers_cannot_answer(portal, outsider_client, viewer_client, owner):
    Client().post(f"{portal.path}ask/", {"text": "Hello?"})
    task = _task(portal.tenant)
    assert outsider_client.get(f"/tasks/{task.pk}/answer/").status_code == 404
    assert outsider_client.post(f"/tasks/{task.pk}/answer/", {"answer": "x"}).status_code == 404
    assert viewer_client.get(f"/tasks/{task.pk}/answer/").status_code == 200
    assert viewer_client.post(f"/tasks/{task.pk}/answer/", {"answer": "x"}).status_code == 403
    with tenant_scope(portal.tenant):
        assert PortalQuestion.objects.get().answered_at is None


def test_another_task_has_no_answer_page_and_a_bad_answer_is_refused(portal, member_client):
    from health.services.tasks import task_open

    other, _ = task_open(tenant=portal.tenant, account=portal.account, title="Call them",
                         due_on=portal.tenant.today())  # fmt: skip
    assert member_client.get(f"/tasks/{other.pk}/answer/").status_code == 404
    Client().post(f"{portal.path}ask/", {"text": "Hello?"})
    task = _task(portal.tenant)
    assert member_client.post(f"/tasks/{task.pk}/answer/", {"answer": " "}).status_code == 400
    assert _task(portal.tenant).status == TaskStatus.OPEN
