"""What customers see follows the contact's (or the visitor's) language, in each of the four:
the onboarding portal, the help center, survey pages and the emails they are sent."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import Account, Contact, SurveyInvite
from accounts.services import surveys as survey_service
from accounts.services.survey_links import invite_token
from accounts.services.surveys import survey_create, survey_send_start
from knowledgebase.models import HelpCenter
from onboarding.services.plans import plan_start
from onboarding.services.portal_links import portal_link_create
from onboarding.services.templates import template_save
from tenants.tenancy.context import tenant_scope
from tests.knowledgebase.conftest import KnowledgeBase
from tests.onboarding.conftest import STEPS

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "zh-hans", "ru", "ro"]


def _in(language: str, text: str) -> str:
    """The catalogue's wording; outside English it must differ from the English, so that a
    missing translation fails instead of passing unnoticed."""
    with translation.override(language):
        translated = translation.gettext(text)
    assert language == "en" or translated != text, f"{text!r} has no {language} translation"
    return translated


@pytest.fixture
def contacts(tenant):
    with tenant_scope(tenant):
        account = Account.objects.create(external_id="a1", name="Initech")
        return {
            language: Contact.objects.create(
                external_id=f"c-{language}",
                account=account,
                email=f"{language}@initech.test",
                name=language,
                language="" if language == "en" else language,
            )
            for language in LANGUAGES
        }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_survey_page_is_in_the_contacts_language(tenant, contacts, language):
    survey = survey_create(tenant=tenant, name="S", question={"en": "Recommend us?"})
    send = survey_send_start(tenant=tenant, survey=survey)
    survey_service.survey_send_batch(tenant=tenant, send_id=send.pk)
    contact = contacts[language]
    with tenant_scope(tenant):
        assert SurveyInvite.objects.filter(contact=contact).exists()
    token = invite_token(tenant.pk, send.pk, contact.pk)

    # The visitor's browser asks for English: the contact's language wins.
    page = Client().get(reverse("survey-answer", args=[token]), HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert _in(language, "Send my answer") in page.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_survey_emails_are_in_the_contacts_language(
    tenant, contacts, language, django_capture_on_commit_callbacks
):
    survey = survey_create(tenant=tenant, name="S", question={"en": "Recommend us?"})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        survey_send_start(tenant=tenant, survey=survey)

    sent = [m for m in mail.outbox if m.to == [contacts[language].email]]

    assert len(sent) == 1
    footer = _in(language, "To stop receiving these emails from %(company)s, open: %(url)s")
    assert footer.split("%(company)s")[0].strip() in sent[0].body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_portal_is_in_the_contacts_language(tenant, contacts, language, settings):
    template_save(tenant=tenant, name="Default", is_default=True, steps=STEPS)
    plan_start(tenant=tenant, account=contacts[language].account)
    _link, url = portal_link_create(tenant=tenant, contact=contacts[language])

    page = Client().get(url.removeprefix(settings.SITE_URL), HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert _in(language, "Ask your CSM") in page.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_help_center_is_in_the_language_of_its_address(tenant, language):
    with tenant_scope(tenant):
        HelpCenter.objects.update_or_create(defaults={"languages": LANGUAGES})
    KnowledgeBase(tenant).article({language: {"title": "Welcome", "body": "Hello."}})

    page = Client().get(f"/help/{tenant.slug}/{language}/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert _in(language, "Search the help center") in page.content.decode()
