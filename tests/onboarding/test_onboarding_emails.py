"""Onboarding's customer emails: the welcome with each contact's portal link when a plan
starts (through a real SMTP server), and one reminder per due customer step and contact,
never twice."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Account, Contact, CustomerEmail, EmailStatus
from accounts.services.customer_email import survey_template_validate, template_validate
from onboarding.models import PlanStep
from onboarding.services.email_texts import STEP_DUE_KEY, WELCOME_KEY
from onboarding.services.emails import step_reminders_queue, welcome_emails_queue
from onboarding.services.plans import plan_start, step_complete
from onboarding.services.portal_links import link_for_token
from tenants.tenancy.context import tenant_scope
from tests.onboarding.helpers import checklist
from tests.smtp import smtp_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(tenant):
    checklist(tenant)
    with tenant_scope(tenant):
        account = Account.objects.create(external_id="a1", name="Initech")
        Contact.objects.create(external_id="c1", account=account, email="olga@initech.test",
                               name="Olga", language="ru")  # fmt: skip
        Contact.objects.create(external_id="c2", account=account, email="ana@initech.test",
                               name="Ana")  # fmt: skip
        Contact.objects.create(external_id="c3", account=account, email="", name="No address")
    return account


def _smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def _body(message) -> str:
    return message.get_content().replace("\r\n", "\n")


def test_the_welcome_goes_when_the_plan_starts_with_a_working_portal_link(
    tenant, account, settings, django_capture_on_commit_callbacks
):
    with smtp_server() as (port, inbox):
        _smtp(settings, port)
        with django_capture_on_commit_callbacks(execute=True):
            plan, created = plan_start(tenant=tenant, account=account)
        assert created
        assert sorted(m["To"] for m in inbox) == ["ana@initech.test", "olga@initech.test"]
        russian = _body(next(m for m in inbox if m["To"] == "olga@initech.test"))
        english = next(m for m in inbox if m["To"] == "ana@initech.test")
    assert "Добро пожаловать" in russian and "{{" not in russian
    assert english["Subject"] == f"Welcome to {tenant.name}: your first steps"
    assert "email/unsubscribe" in russian  # the customer emails' footer
    (link,) = [w for w in _body(english).split() if "/p/" in w]
    # The contact's own link to the account's checklist (the portal page reads it).
    assert link.startswith(settings.SITE_URL)
    found = link_for_token(link.rstrip("/").rsplit("/", 1)[-1])
    assert found is not None and found.contact.email == "ana@initech.test"
    assert found.account_id == account.pk
    with tenant_scope(tenant):
        log = CustomerEmail.objects.filter(template_key=WELCOME_KEY, account=account)
        assert sorted(log.values_list("status", flat=True)) == [
            EmailStatus.SENT, EmailStatus.SENT, EmailStatus.SKIPPED_NO_EMAIL
        ]  # fmt: skip
    # Asked again (a redelivered task, the same plan started again): nothing more.
    assert welcome_emails_queue(tenant=tenant, plan_ids=[plan.pk]) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert plan_start(tenant=tenant, account=account) == (plan, False)
    with tenant_scope(tenant):
        assert CustomerEmail.objects.filter(template_key=WELCOME_KEY).count() == 3


def test_a_due_customer_step_is_reminded_once_per_contact(
    tenant, account, settings, django_capture_on_commit_callbacks
):
    today = tenant.today()
    # Kickoff (the CSM's, due start + 3) is overdue but not the customer's; invite (due
    # start + 7) is due tomorrow; report (due start + 14) is not due soon.
    plan, _ = plan_start(tenant=tenant, account=account, day=today - timedelta(days=6))
    with smtp_server() as (port, inbox):
        _smtp(settings, port)
        with django_capture_on_commit_callbacks(execute=True):
            assert step_reminders_queue(tenant=tenant) == 3  # one skipped: no address
        with django_capture_on_commit_callbacks(execute=True):
            assert step_reminders_queue(tenant=tenant) == 0
        assert sorted(m["To"] for m in inbox) == ["ana@initech.test", "olga@initech.test"]
        english = next(m for m in inbox if m["To"] == "ana@initech.test")
    assert english["Subject"] == "Next step for Initech: Invite your team"
    assert "/p/" in _body(english) and "{{" not in _body(english)
    with tenant_scope(tenant):
        reminded = CustomerEmail.objects.filter(template_key=STEP_DUE_KEY)
        assert {e.source for e in reminded} == {
            f"onboarding-step:{PlanStep.objects.get(plan=plan, key='invite').pk}"
        }
        report = PlanStep.objects.get(plan=plan, key="report")
    # Once the report is due soon it is reminded too; a step done meanwhile is not.
    step_complete(tenant=tenant, step=report)
    assert step_reminders_queue(tenant=tenant, today=today + timedelta(days=8)) == 0


def test_onboarding_emails_must_keep_their_portal_link():
    template_validate("Open {{ portal_link }} for {{ step_title }} by {{ step_due }}", "body")
    with pytest.raises(ValidationError) as error:
        survey_template_validate(WELCOME_KEY, "Hello {{ contact_name }}")
    assert "{{ portal_link }}" in str(error.value.message_dict["body"])
    survey_template_validate(WELCOME_KEY, "Hello, open {{portal_link}}")
    survey_template_validate("other-email", "Hello {{ contact_name }}")
