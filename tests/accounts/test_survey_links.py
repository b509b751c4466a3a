"""Personal survey links: a genuine link answers; a forged, altered, expired, unknown or
another contact's link answers 404 and says nothing; the token is stored only hashed; bad
scores are refused naming the field; the public pages are rate limited; an unsubscribed
address is never asked again."""

import json

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account, Contact, NpsResponse, SurveyInvite
from accounts.services import surveys as survey_service
from accounts.services.customer_email import contact_unsubscribe
from accounts.services.survey_links import SALT, invite_token, token_sha256
from accounts.services.surveys import survey_create, survey_send_start
from tenants.tenancy.context import tenant_scope
from tests.support.addresses import fresh_ip

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(tenant):
    """Two contacts invited by one send: (invite of Olga, invite of Ana, their tokens)."""
    with tenant_scope(tenant):
        acct = Account.objects.create(external_id="a1", name="Initech")
        olga = Contact.objects.create(external_id="c1", account=acct, email="o@i.test", name="Olga")
        ana = Contact.objects.create(external_id="c2", account=acct, email="a@i.test", name="Ana")
    survey = survey_create(tenant=tenant, name="S", question={"en": "Recommend us?"})
    send = survey_send_start(tenant=tenant, survey=survey)
    survey_service.survey_send_batch(tenant=tenant, send_id=send.pk)
    with tenant_scope(tenant):
        first = SurveyInvite.objects.get(contact=olga)
        second = SurveyInvite.objects.get(contact=ana)
    return (
        first,
        second,
        invite_token(tenant.pk, send.pk, olga.pk),
        invite_token(tenant.pk, send.pk, ana.pk),
    )


def _url(token, score=None):
    if score is None:
        return reverse("survey-answer", args=[token])
    return reverse("survey-score", args=[token, score])


def _answers(tenant):
    with tenant_scope(tenant):
        return list(NpsResponse.objects.values_list("contact_id", "score"))


def test_the_genuine_link_answers_and_only_its_hash_is_stored(tenant, invited):
    first, _, token, _ = invited
    assert Client().get(_url(token)).status_code == 200
    assert first.token_sha256 == token_sha256(token) and token not in first.token_sha256
    assert Client().get(_url(token, 10)).status_code == 200
    assert _answers(tenant) == []  # opening a score link records nothing
    assert Client().post(_url(token), {"score": "10"}).status_code == 302
    assert _answers(tenant) == [(first.contact_id, 10)]


def test_forged_altered_expired_and_unknown_links_answer_404(tenant, other_tenant, invited):
    first, second, token, _ = invited
    payload, signature = token.rsplit(":", 1)
    forged = signing.Signer(key="not-our-secret", salt=SALT).sign_object(
        {"t": tenant.pk, "s": first.send_id, "c": first.contact_id}
    )
    altered = signing.dumps({"t": tenant.pk}, salt=SALT)  # signed, of another shape
    swapped = f"{payload}:{signature[:-2]}xx"
    # Another tenant's id in a genuinely signed token finds no invitation there.
    elsewhere = invite_token(other_tenant.pk, first.send_id, first.contact_id)
    unknown = invite_token(tenant.pk, first.send_id + 999, first.contact_id)
    for bad in [forged, altered, swapped, elsewhere, unknown, "x", token + "x"]:
        for url in (_url(bad), _url(bad, 9), reverse("survey-thanks", args=[bad])):
            page = Client().get(url)
            assert page.status_code == 404, (bad, url)
            assert b"expired" not in page.content.lower()
        assert Client().post(_url(bad), {"score": "9"}).status_code == 404
    with tenant_scope(tenant):
        SurveyInvite.objects.filter(pk=first.pk).update(expires_at=timezone.now())
    assert Client().get(_url(token)).status_code == 404  # expired
    assert Client().get(_url(token, 9)).status_code == 404
    assert _answers(tenant) == []


def test_a_link_answers_for_its_own_contact_only(tenant, invited):
    first, second, token, other_token = invited
    Client().post(_url(other_token), {"score": "2"})
    Client().post(_url(token), {"score": "9"})
    assert sorted(_answers(tenant)) == sorted([(first.contact_id, 9), (second.contact_id, 2)])
    # Olga's link rewritten to name Ana, keeping Olga's signature: refused.
    payload, signature = token.rsplit(":", 1)
    data = signing.Signer(salt=SALT).unsign_object(token)
    renamed = signing.b64_encode(
        json.dumps({**data, "c": second.contact_id}, separators=(",", ":")).encode()
    ).decode()
    assert renamed != payload
    assert Client().get(_url(f"{renamed}:{signature}", 0)).status_code == 404
    assert sorted(_answers(tenant)) == sorted([(first.contact_id, 9), (second.contact_id, 2)])


@pytest.mark.parametrize("score", ["11", "-1", "ten", ""])
def test_a_score_outside_0_10_is_refused_naming_the_field(tenant, invited, score):
    _, _, token, _ = invited
    page = Client().post(_url(token), {"score": score, "comment": "x"})
    assert page.status_code == 400
    assert b'class="error"' in page.content and _answers(tenant) == []
    assert Client().get(f"/s/{token}/11/").status_code == 404


def test_the_public_pages_are_rate_limited(tenant, invited, settings):
    _, _, token, _ = invited
    # A day's window: a window of a minute can end between the requests (its edges are fixed).
    settings.PUBLIC_RATE_LIMIT = "3/d"
    client = Client(REMOTE_ADDR=fresh_ip())
    codes = [client.get(_url(token)).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert client.get(_url(token))["Retry-After"] == "86400"


def test_an_unsubscribed_address_is_never_asked_again(tenant, invited):
    first, _, _, _ = invited
    with tenant_scope(tenant):
        contact = Contact.objects.get(pk=first.contact_id)
    contact_unsubscribe(tenant=tenant, contact=contact)
    survey = survey_create(tenant=tenant, name="Later", question={"en": "Again?"},
                           throttle_days=0)  # fmt: skip
    send = survey_send_start(tenant=tenant, survey=survey)
    assert first.contact_id not in send.contact_ids and send.total == 1


def test_the_page_says_it_is_in_the_contacts_language(tenant, invited):
    first, _, token, _ = invited
    with tenant_scope(tenant):
        Contact.objects.filter(pk=first.contact_id).update(language="ro")
    page = Client().get(_url(token), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ro">' in page.content.decode() and page["Content-Language"] == "ro"
