"""Customer email: a playbook email received by a real SMTP server in the contact's
language, its unsubscribe link followed (confirm page, POST), and every later email skipped;
placeholders, language fallback, idempotent sending, forged links."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import Account, Contact, CustomerEmail, EmailStatus, EmailTemplate
from accounts.services.customer_email import (
    customer_email_queue,
    customer_email_send,
    email_template_for,
    message_id,
    template_render,
    template_validate,
    unsubscribe_token,
)
from health.models import Playbook
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.playbooks import playbook_start
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope
from tests.smtp import smtp_server

DAY = date(2026, 6, 1)


@pytest.fixture
def world(tenant, member):
    with tenant_scope(tenant):
        owner = Membership.objects.get(user=member)
        member.first_name, member.last_name = "Vera", "Ivanova"
        member.save()
        account = Account.objects.create(external_id="a1", name="Initech", owner=owner)
        contact = Contact.objects.create(
            external_id="c1", account=account, email="olga@initech.test", name="Olga", language="ru"
        )
    playbooks_ensure_defaults(tenant=tenant)
    return account, contact


def _playbook(tenant, key):
    with tenant_scope(tenant):
        return Playbook.objects.get(key=key)


def test_a_playbook_email_reaches_a_real_smtp_server_and_its_unsubscribe_link_works(
    tenant, world, settings, django_capture_on_commit_callbacks
):
    account, contact = world
    with smtp_server() as (port, inbox):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        with django_capture_on_commit_callbacks(execute=True):
            playbook_start(
                tenant=tenant,
                playbook=_playbook(tenant, "success-stories"),
                account=account,
                day=DAY,
            )
        assert len(inbox) == 1
        (message,) = inbox
        assert message["To"] == "olga@initech.test"
        assert message["Subject"].strip() == "Как команды, похожие на вашу, добиваются успеха"
        body = message.get_content()
        assert body.startswith("Здравствуйте, Olga!")
        assert "Команды вроде Initech" in body and "Vera Ivanova" in body
        (link,) = re.findall(r"https?://\S+/email/unsubscribe/\S+/", body)
        assert message["List-Unsubscribe"].strip() == f"<{link}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        with tenant_scope(tenant):
            logged = CustomerEmail.objects.get()
        assert (logged.status, logged.language, logged.to) == ("sent", "ru", contact.email)
        assert logged.sent_at is not None and logged.source.startswith("playbook:")

        path = link.removeprefix(settings.SITE_URL)
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(path)  # what a mail scanner does: nothing changes
        assert page.status_code == 200 and b'method="post"' in page.content
        contact.refresh_from_db()
        assert contact.email_unsubscribed_at is None
        done = visitor.post(path)
        assert done.status_code == 200
        contact.refresh_from_db()
        assert contact.email_unsubscribed_at is not None

        with django_capture_on_commit_callbacks(execute=True):
            playbook_start(
                tenant=tenant, playbook=_playbook(tenant, "promoter-asks"), account=account, day=DAY
            )
        assert len(inbox) == 1  # nothing more was sent
    with tenant_scope(tenant):
        skipped = CustomerEmail.objects.get(template_key="case-study-ask")
    assert skipped.status == EmailStatus.SKIPPED_UNSUBSCRIBED


def test_an_email_queued_before_the_contact_unsubscribed_is_skipped(
    tenant, world, django_capture_on_commit_callbacks
):
    account, contact = world
    email, created = customer_email_queue(
        tenant=tenant,
        account=account,
        contact=contact,
        template_key="referral-ask",
        idempotency_key="k1",
    )
    assert created and email.status == EmailStatus.QUEUED
    Client().post(f"/email/unsubscribe/{unsubscribe_token(contact)}/")
    assert customer_email_send(tenant=tenant, email_id=email.pk) == "skipped_unsubscribed"
    assert mail.outbox == []


def test_sending_twice_sends_once_and_queueing_twice_queues_once(tenant, world):
    account, contact = world
    kwargs = dict(
        tenant=tenant,
        account=account,
        contact=contact,
        template_key="referral-ask",
        idempotency_key="once",
    )
    email, created = customer_email_queue(**kwargs)
    again, created_again = customer_email_queue(**kwargs)
    assert created and not created_again and again.pk == email.pk
    assert customer_email_send(tenant=tenant, email_id=email.pk) == "sent"
    assert customer_email_send(tenant=tenant, email_id=email.pk) == "sent"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].from_email == settings.DEFAULT_FROM_EMAIL


def test_a_contact_without_an_address_is_skipped(tenant, world):
    account, _ = world
    with tenant_scope(tenant):
        nobody = Contact.objects.create(external_id="c2", account=account, name="Nobody")
    email, _ = customer_email_queue(
        tenant=tenant, account=account, contact=nobody, template_key="x", idempotency_key="n"
    )
    assert email.status == EmailStatus.SKIPPED_NO_EMAIL


def test_the_english_version_serves_a_language_without_its_own(tenant, world):
    with tenant_scope(tenant):
        EmailTemplate.objects.filter(key="referral-ask", language="ro").delete()
    assert email_template_for(tenant=tenant, key="referral-ask", language="ro").language == "en"
    assert email_template_for(tenant=tenant, key="referral-ask", language="ru").language == "ru"
    assert email_template_for(tenant=tenant, key="nope", language="ru") is None


def test_a_missing_template_fails_the_email_with_the_reason(tenant, world):
    account, contact = world
    email, _ = customer_email_queue(
        tenant=tenant, account=account, contact=contact, template_key="nope", idempotency_key="m"
    )
    assert customer_email_send(tenant=tenant, email_id=email.pk) == "failed"
    email.refresh_from_db()
    assert "nope" in email.error and mail.outbox == []


def test_placeholders_are_plain_substitution_and_tags_are_refused():
    values = {"contact_name": "{% debug %}<b>", "account_name": "A"}
    assert template_render("Hi {{contact_name}}, {{ account_name }}", values) == (
        "Hi {% debug %}<b>, A"
    )
    assert template_render("{{ settings.SECRET_KEY }} {{ secret }}", values) == (
        "{{ settings.SECRET_KEY }} {{ secret }}"
    )
    with pytest.raises(ValidationError) as error:
        template_validate("Hi {{ secret }}", "body")
    assert "secret" in error.value.message_dict["body"][0]
    with pytest.raises(ValidationError):
        template_validate("{% load static %}", "subject")


@pytest.mark.parametrize("method", ["get", "post"])
def test_forged_or_altered_unsubscribe_links_answer_404(tenant, world, method):
    _, contact = world
    token = unsubscribe_token(contact)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (altered, "forged", token.replace(":", "x", 1)):
        response = getattr(Client(), method)(f"/email/unsubscribe/{bad}/")
        assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.email_unsubscribed_at is None


def test_a_token_names_its_tenant(tenant, other_tenant, world):
    """A contact id of another tenant under this tenant's id finds nobody."""
    from django.core import signing

    from accounts.services.customer_email import UNSUBSCRIBE_SALT

    _, contact = world
    forged = signing.dumps({"t": other_tenant.pk, "c": contact.pk}, salt=UNSUBSCRIBE_SALT)
    assert Client().post(f"/email/unsubscribe/{forged}/").status_code == 404


def test_the_contacts_api_sets_the_language_and_shows_the_unsubscribe(tenant, api):
    created = api.put("/api/v1/contacts/c7/", {"email": "c7@x.test", "language": "zh-hans"})
    assert created.status_code == 201, created.json()
    assert created.json()["language"] == "zh-hans"
    assert created.json()["email_unsubscribed_at"] is None
    bad = api.put("/api/v1/contacts/c7/", {"language": "de"})
    assert bad.status_code == 400 and "language" in bad.json()["error"]["fields"]
    with tenant_scope(tenant):
        assert Contact.objects.get(external_id="c7").language == "zh-hans"


def _smtp(settings, port, backend="django.core.mail.backends.smtp.EmailBackend"):
    settings.EMAIL_BACKEND = backend
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def test_a_worker_dying_after_the_server_took_the_email_never_sends_it_again(
    tenant, world, settings, owner, client
):
    """Redelivered (acks_late), the task finds the email claimed: one message arrives, and
    the row stays "sending" for an operator to see."""
    from accounts.tasks import customer_email_send_task
    from tests.smtp import WorkerDied

    account, contact = world
    email, _ = customer_email_queue(
        tenant=tenant, account=account, contact=contact, template_key="referral-ask",
        idempotency_key="playbook-step:1:contact:1",
    )  # fmt: skip
    with smtp_server() as (port, inbox):
        _smtp(settings, port, "tests.smtp.DyingAfterSendBackend")
        with pytest.raises(WorkerDied):
            customer_email_send_task(tenant.pk, email.pk)
        _smtp(settings, port)
        assert customer_email_send_task(tenant.pk, email.pk) == EmailStatus.SENDING
        assert len(inbox) == 1
    email.refresh_from_db()
    assert email.status == EmailStatus.SENDING and email.sent_at is None
    # Receivers can drop a copy: the Message-ID comes from the idempotency key.
    assert inbox[0]["Message-ID"] == message_id(tenant, email)
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    log = client.get("/admin/accounts/customeremail/").content.decode()
    assert "Sending (or interrupted while sending)" in log


def test_the_message_id_is_the_same_for_the_same_key_and_differs_between_keys(tenant, world):
    account, contact = world
    first, _ = customer_email_queue(
        tenant=tenant, account=account, contact=contact, template_key="referral-ask",
        idempotency_key="k-a",
    )  # fmt: skip
    second, _ = customer_email_queue(
        tenant=tenant, account=account, contact=contact, template_key="referral-ask",
        idempotency_key="k-b",
    )  # fmt: skip
    customer_email_send(tenant=tenant, email_id=first.pk)
    customer_email_send(tenant=tenant, email_id=second.pk)
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(set(ids)) == 2
    first.refresh_from_db()
    assert ids[0] == message_id(tenant, first) and ids[0].startswith("<")


def test_unsubscribing_stops_mail_to_every_contact_with_the_same_address(tenant, world):
    """The same person on a parent and a child account (or a CRM duplicate), case aside."""
    account, contact = world
    with tenant_scope(tenant):
        child = Account.objects.create(external_id="a2", name="Initech EU", parent=account)
        twin = Contact.objects.create(
            external_id="c9", account=child, email="Olga@Initech.test", name="Olga"
        )
        other = Contact.objects.create(external_id="c8", account=child, email="ivan@initech.test")
    queued, _ = customer_email_queue(
        tenant=tenant, account=child, contact=twin, template_key="referral-ask",
        idempotency_key="before",
    )  # fmt: skip
    assert queued.status == EmailStatus.QUEUED
    Client().post(f"/email/unsubscribe/{unsubscribe_token(contact)}/")
    twin.refresh_from_db()
    assert twin.email_unsubscribed_at is not None  # set on every row with the address
    # Checked at send time: queued before the unsubscribe, skipped now.
    assert customer_email_send(tenant=tenant, email_id=queued.pk) == "skipped_unsubscribed"
    # And at queue time, even when only the other row carries the date.
    with tenant_scope(tenant):
        Contact.objects.filter(pk=twin.pk).update(email_unsubscribed_at=None)
    twin.refresh_from_db()
    later, _ = customer_email_queue(
        tenant=tenant, account=child, contact=twin, template_key="referral-ask",
        idempotency_key="after",
    )  # fmt: skip
    assert later.status == EmailStatus.SKIPPED_UNSUBSCRIBED
    kept, _ = customer_email_queue(
        tenant=tenant, account=child, contact=other, template_key="referral-ask",
        idempotency_key="other",
    )  # fmt: skip
    assert kept.status == EmailStatus.QUEUED
    assert customer_email_send(tenant=tenant, email_id=kept.pk) == "sent"
    assert [m.to for m in mail.outbox] == [["ivan@initech.test"]]


def test_another_tenants_unsubscribe_of_the_address_does_not_count(tenant, other_tenant, world):
    account, contact = world
    with tenant_scope(other_tenant):
        theirs = Account.objects.create(external_id="x", name="X")
        Contact.objects.create(
            external_id="x1", account=theirs, email=contact.email,
            email_unsubscribed_at="2026-01-01T00:00:00Z",
        )  # fmt: skip
    email, _ = customer_email_queue(
        tenant=tenant, account=account, contact=contact, template_key="referral-ask",
        idempotency_key="x",
    )  # fmt: skip
    assert email.status == EmailStatus.QUEUED
