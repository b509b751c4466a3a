"""Each person reads pages in their own language: the switcher saves it, it follows them
into their next sessions, anonymous visitors and the API keep Accept-Language."""

import pytest
from django.test import Client
from django.urls import reverse

from tenants.models import UserPreference
from tests.conftest import MODEL_BACKEND, session_api

pytestmark = pytest.mark.django_db


def test_switching_language_translates_the_next_page(owner_client, owner):
    team = reverse("team")
    assert "Sign out" in owner_client.get(team, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    response = owner_client.post(reverse("language"), {"language": "ru", "next": team})

    assert response.status_code == 302
    assert response["Location"] == team
    page = owner_client.get(team, HTTP_ACCEPT_LANGUAGE="en")
    assert "Выйти" in page.content.decode()
    assert page["Content-Language"] == "ru"
    assert UserPreference.objects.get(user=owner).language == "ru"


@pytest.mark.parametrize("language, word", [("zh-hans", "退出登录"), ("ro", "Deconectare")])
def test_the_choice_follows_the_person_into_a_new_session(owner, language, word):
    UserPreference.objects.create(user=owner, language=language)
    client = Client()
    client.force_login(owner, backend=MODEL_BACKEND)

    page = client.get(reverse("team"), HTTP_ACCEPT_LANGUAGE="ru")

    assert word in page.content.decode()


def test_blank_choice_goes_back_to_the_browser_language(owner_client, owner):
    owner_client.post(reverse("language"), {"language": "ro"})
    owner_client.post(reverse("language"), {"language": ""})

    page = owner_client.get(reverse("team"), HTTP_ACCEPT_LANGUAGE="ru")

    assert "Выйти" in page.content.decode()
    assert UserPreference.objects.get(user=owner).language == ""


@pytest.mark.parametrize("language", ["xx", "de", "ru" * 20, "ru\x00"])
def test_an_unknown_language_is_a_form_error(owner_client, owner, language):
    response = owner_client.post(reverse("language"), {"language": language})

    assert response.status_code == 400
    assert response.context["form"].errors["language"]
    assert not UserPreference.objects.filter(user=owner).exists()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", ""])
def test_only_a_page_of_this_site_is_returned_to(owner_client, next_url):
    response = owner_client.post(reverse("language"), {"language": "ro", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_switcher_is_in_the_user_menu_and_works_without_script(owner_client):
    page = owner_client.get(reverse("team")).content.decode()

    assert f'action="{reverse("language")}"' in page
    assert "<noscript><button" in page
    assert 'value="zh-hans"' in page


def test_anonymous_visitors_keep_accept_language():
    page = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="ro")

    assert page["Content-Language"] == "ro"


def test_signing_in_is_required_to_choose(client):
    response = client.post(reverse("language"), {"language": "ro"})

    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not UserPreference.objects.exists()


def test_the_api_keeps_accept_language(owner):
    UserPreference.objects.create(user=owner, language="ru")
    api = session_api(owner)

    response = api.get("/api/v1/tenant/", HTTP_ACCEPT_LANGUAGE="ro")

    assert response["Content-Language"] == "ro"
