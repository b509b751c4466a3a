"""The customer portal behind a contact's personal link: the account's checklist in the
contact's language, ticking customer steps (once; never CSM or automatic ones, never
another account's), a celebration at a milestone, help links; a link shows only its own
account, and an expired, tampered, revoked or moved contact's link answers 404."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from onboarding.models import PortalLink, StepStatus
from onboarding.services.portal_links import link_token, portal_link_revoke
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


def test_the_portal_shows_its_accounts_checklist_in_the_contacts_language(portal):
    page = Client().get(portal.path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Initech" in html and "Hooli" not in html
    portal.link.refresh_from_db()
    assert portal.link.last_used_at is not None
    assert "Пригласите команду" in html and "Добавьте двух коллег." in html  # her language
    assert '<progress value="0" max="4"' in html and "0%" in html
    assert 'href="https://docs.example.com/invite"' in html
    # A key that is no URL links to the tenant's help center, in the contact's language.
    assert 'href="/help/acme/key/import-data/?lang=ru"' in html
    steps = portal.steps()
    # Tick buttons on the open customer steps only; the others say who completes them.
    assert html.count('name="step"') == 2
    assert f'value="{steps["call"].pk}"' not in html and f'value="{steps["sync"].pk}"' not in html


def test_ticking_moves_the_progress_and_celebrates_the_milestone(portal):
    client, steps = Client(), portal.steps()
    tick = client.post(f"{portal.path}tick/", {"step": steps["invite"].pk})
    assert tick.status_code == 302 and tick["Location"].endswith("?reached=first_value#checklist")
    page = client.get(tick["Location"]).content.decode()
    assert 'class="celebrate"' in page and '<progress value="1" max="4"' in page and "25%" in page
    done = portal.steps()["invite"]
    assert done.status == StepStatus.DONE and done.done_by_contact_id == portal.contact.pk
    # A second tick is harmless: nothing changes, nothing is celebrated again.
    again = client.post(f"{portal.path}tick/", {"step": steps["invite"].pk})
    assert again.status_code == 302 and "reached" not in again["Location"]
    assert portal.steps()["invite"].done_at == done.done_at
    # A forged "reached" shows no celebration for a milestone not reached.
    assert 'class="celebrate"' not in client.get(f"{portal.path}?reached=adopted").content.decode()


def test_htmx_swaps_the_checklist(portal):
    steps = portal.steps()
    fragment = Client().post(f"{portal.path}tick/", {"step": steps["import"].pk},
                             HTTP_HX_REQUEST="true")  # fmt: skip
    html = fragment.content.decode()
    assert fragment.status_code == 200 and html.startswith('<div class="portal-checklist"')
    assert '<progress value="1" max="4"' in html and 'class="celebrate"' in html
    assert "<html" not in html and fragment["Vary"].count("HX-Request") == 1


@pytest.mark.parametrize("key", ["call", "sync"])
def test_a_contact_cannot_complete_csm_or_automatic_steps(portal, key):
    step = portal.steps()[key]
    refused = Client().post(f"{portal.path}tick/", {"step": step.pk})
    assert refused.status_code == 400 and 'class="error"' in refused.content.decode()
    assert portal.steps()[key].status == StepStatus.OPEN


def test_a_link_never_reaches_another_account(portal):
    hooli_step = portal.steps(portal.other_account)["invite"]
    for value in (hooli_step.pk, "x", "", "99999999999999999999999", "-1"):
        refused = Client().post(f"{portal.path}tick/", {"step": value})
        assert refused.status_code == 400
    assert portal.steps(portal.other_account)["invite"].status == StepStatus.OPEN


def _tampered(token: str) -> str:
    head, signature = token.rsplit(":", 1)
    return f"{head}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


def test_bad_links_answer_404_everywhere(portal, settings):
    token = portal.path.split("/")[2]
    # The same link id signed for another tenant, a tampered signature, garbage.
    bad = [_tampered(token), link_token(portal.tenant.pk + 1, portal.link.pk), "nonsense"]
    step = portal.steps()["invite"]
    for token in bad:
        assert Client().get(f"/p/{token}/").status_code == 404
        assert Client().post(f"/p/{token}/tick/", {"step": step.pk}).status_code == 404
        assert Client().post(f"/p/{token}/ask/", {"text": "Hi"}).status_code == 404
    with tenant_scope(portal.tenant):
        PortalLink.objects.filter(pk=portal.link.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    assert Client().get(portal.path).status_code == 404
    assert Client().post(f"{portal.path}tick/", {"step": step.pk}).status_code == 404
    assert portal.steps()["invite"].status == StepStatus.OPEN


def test_a_revoked_link_or_a_contact_who_moved_answers_404(portal):
    assert Client().get(portal.path).status_code == 200
    with tenant_scope(portal.tenant):
        portal.contact.account = portal.other_account
        portal.contact.save(update_fields=["account"])
    assert Client().get(portal.path).status_code == 404  # not Hooli's checklist either
    with tenant_scope(portal.tenant):
        portal.contact.account = portal.account
        portal.contact.save(update_fields=["account"])
    portal_link_revoke(tenant=portal.tenant, link=portal.link)
    assert Client().get(portal.path).status_code == 404


def test_the_page_reads_a_constant_number_of_queries(portal, django_assert_max_num_queries):
    Client().get(portal.path)  # warm the rate-limit keys and caches
    with django_assert_max_num_queries(12):
        assert Client().get(portal.path).status_code == 200


def test_the_page_says_it_is_in_the_contacts_language(portal):
    page = Client().get(portal.path, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ru">' in page.content.decode()
    assert page["Content-Language"] == "ru"
