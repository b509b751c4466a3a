"""The knowledge base API: categories and articles with translations written through the save
service, errors naming the translation and field, an upsert by external id for docs syncs,
viewers reading only, outsiders finding nothing, and list query counts that do not grow."""

import pytest

from knowledgebase.models import Article, ArticleRevision, ArticleTranslation, Category
from tenants.tenancy.context import tenant_scope
from tests.conftest import session_api

pytestmark = pytest.mark.django_db

CATEGORIES = "/api/v1/kb/categories/"
ARTICLES = "/api/v1/kb/articles/"


def _article(**overrides):
    body = {
        "category": "getting-started",
        "kind": "tutorial",
        "status": "published",
        "translations": {
            "en": {"title": "Invite your team", "body": "## Why\nTeams win.", "tags": ["team"]},
            "ru": {"title": "Пригласите команду", "body": "## Зачем\nКоманды выигрывают."},
        },
    }
    body.update(overrides)
    return body


@pytest.mark.outsider("kb-article-list", "kb-article-detail")
def test_an_article_is_created_with_its_translations_rendered(kb, api, outsider_api):
    response = api.post(ARTICLES, _article(), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data["translations"]) == {"en", "ru"}
    assert data["translations"]["en"]["slug"] == "invite-your-team"
    assert data["translations"]["ru"]["slug"] == "пригласите-команду"
    assert '<h2 id="why">Why</h2>' in data["translations"]["en"]["body_html"]
    assert data["published_at"] is not None
    with tenant_scope(kb.tenant):
        assert ArticleRevision.objects.count() == 2
        search = ArticleTranslation.objects.get(language="en").search
        assert "invit" in str(search)
    url = f"{ARTICLES}{data['id']}/"
    # A PATCH changes one translation's field and keeps the rest, and adds a language.
    patched = api.patch(
        url,
        {"translations": {"en": {"summary": "Bring teammates in."}, "ro": {"title": "Echipa"}}},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    words = patched.json()["translations"]
    assert words["en"]["summary"] == "Bring teammates in."
    assert words["en"]["title"] == "Invite your team" and set(words) == {"en", "ru", "ro"}
    # Another tenant's key finds nothing, reads nothing, changes nothing.
    assert outsider_api.get(url).status_code == 404
    assert outsider_api.patch(url, {"position": 3}, format="json").status_code == 404
    assert outsider_api.delete(url).status_code == 404
    assert outsider_api.get(ARTICLES).json()["results"] == []
    assert api.delete(url).status_code == 204
    with tenant_scope(kb.tenant):
        assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("translations", "field"),
    [
        ({"en": {"title": "Getting going", "slug": "taken"}}, "translations.en.slug"),
        ({"xx": {"title": "Hello"}}, "translations.xx"),
        ({"en": {"body": "No title"}}, "translations.en.title"),
        ({"ru": {"title": "Плохой", "slug": "с пробелами"}}, "translations.ru.slug"),
        ({"en": {"title": "Fine", "colour": "red"}}, "translations.en.colour"),
    ],
)
def test_bad_translations_answer_400_naming_the_field(kb, api, translations, field):
    kb.article({"en": {"title": "Taken", "slug": "taken"}})
    response = api.post(ARTICLES, _article(translations=translations), format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"], response.json()
    with tenant_scope(kb.tenant):
        assert Article.objects.count() == 1  # nothing half-written


def test_a_slug_colliding_in_a_second_language_writes_nothing(kb, api):
    kb.article({"ru": {"title": "Занято", "slug": "zanyato"}})
    body = _article(
        translations={"en": {"title": "Fresh"}, "ru": {"title": "X", "slug": "zanyato"}}
    )
    response = api.post(ARTICLES, body, format="json")
    assert "translations.ru.slug" in response.json()["error"]["fields"]
    with tenant_scope(kb.tenant):
        assert not ArticleTranslation.objects.filter(slug="fresh").exists()


def test_malicious_markdown_is_sanitised(kb, api):
    body = (
        "<script>alert(1)</script>\n\n[click](javascript:alert(2))\n\n"
        '<img src=x onerror="alert(3)">\n\n![x](data:text/html;base64,PHNjcmlwdD4=)'
    )
    response = api.post(
        ARTICLES, _article(translations={"en": {"title": "Evil", "body": body}}), format="json"
    )
    assert response.status_code == 201, response.json()
    html = response.json()["translations"]["en"]["body_html"]
    assert "<script" not in html and 'href="javascript' not in html
    assert "<img src" not in html and "&lt;img src=x onerror" in html  # shown as text
    assert 'src="data:' not in html
    assert "&lt;script&gt;" in html  # shown as text


def test_an_upsert_by_external_id_creates_then_updates_the_same_article(kb, api):
    url = f"{ARTICLES}by-external-id/docs-invite.md/"
    first = api.put(url, _article(), format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["external_id"] == "docs-invite.md"
    again = _article(translations={"en": {"title": "Invite your whole team", "body": "New"}})
    second = api.put(url, again, format="json")
    assert second.status_code == 200, second.json()
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["translations"]["en"]["title"] == "Invite your whole team"
    assert "ru" in second.json()["translations"]  # a language not sent is kept
    # POST with a known external id updates it too.
    posted = api.post(ARTICLES, _article(external_id="docs-invite.md", position=4), format="json")
    assert posted.status_code == 200 and posted.json()["id"] == first.json()["id"]
    assert api.get(url).json()["position"] == 4
    with tenant_scope(kb.tenant):
        assert Article.objects.count() == 1
        # The renamed slug left its old address behind.
        assert ArticleTranslation.objects.get(language="en").slug == "invite-your-team"
    other = api.post(ARTICLES, _article(translations={"en": {"title": "Other"}}), format="json")
    taken = api.patch(f"{ARTICLES}{other.json()['id']}/", {"external_id": "docs-invite.md"},
                      format="json")  # fmt: skip
    assert "external_id" in taken.json()["error"]["fields"]
    mismatch = api.put(url, _article(external_id="other"), format="json")
    assert "external_id" in mismatch.json()["error"]["fields"]


@pytest.mark.outsider("kb-article-by-external-id")
def test_outsiders_cannot_read_or_upsert_by_external_id(kb, api, outsider_api):
    url = f"{ARTICLES}by-external-id/docs-1/"
    assert api.put(url, _article(), format="json").status_code == 201
    assert outsider_api.get(url).status_code == 404
    # Another tenant's upsert creates its own article; it cannot name this tenant's category.
    response = outsider_api.put(url, _article(), format="json")
    assert response.status_code == 400
    assert "category" in response.json()["error"]["fields"]
    assert api.get(url).json()["translations"]["en"]["title"] == "Invite your team"


def test_viewers_read_but_do_not_write(kb, viewer):
    client = session_api(viewer)
    kb.article({"en": {"title": "Readable"}})
    assert client.get(ARTICLES).status_code == 200
    assert client.post(ARTICLES, _article(), format="json").status_code == 403


@pytest.mark.outsider("kb-category-list", "kb-category-detail")
def test_categories_crud_and_outsiders(kb, api, outsider_api):
    body = {
        "slug": "billing",
        "parent": "getting-started",
        "name": {"en": "Billing", "ro": "Facturare"},
    }
    created = api.post(CATEGORIES, body, format="json")
    assert created.status_code == 201, created.json()
    url = f"{CATEGORIES}{created.json()['id']}/"
    assert api.patch(url, {"position": 3}, format="json").json()["position"] == 3
    bad = api.post(CATEGORIES, {"slug": "x", "name": {"xx": "?"}}, format="json")
    assert "name" in bad.json()["error"]["fields"]
    nested = api.post(
        CATEGORIES, {"slug": "deeper", "parent": "billing", "name": {"en": "Deeper"}}, format="json"
    )
    assert "parent" in nested.json()["error"]["fields"]
    assert outsider_api.get(url).status_code == 404
    assert outsider_api.delete(url).status_code == 404
    assert outsider_api.get(CATEGORIES).json()["results"] == []
    # A category with articles cannot be deleted; an empty one can.
    kb.article({"en": {"title": "Under billing"}}, category=Category.objects.for_tenant(
        kb.tenant).get(slug="billing"))  # fmt: skip
    assert api.delete(url).status_code == 400
    other = api.post(CATEGORIES, {"slug": "empty", "name": {"en": "Empty"}}, format="json")
    assert api.delete(f"{CATEGORIES}{other.json()['id']}/").status_code == 204


def test_list_query_count_is_constant(kb, api, django_assert_max_num_queries):
    kb.article({"en": {"title": "One"}, "ru": {"title": "Один"}})
    api.get(ARTICLES)  # warms the key's lookup caches
    with django_assert_max_num_queries(12) as few:
        assert len(api.get(ARTICLES).json()["results"]) == 1
    for n in range(5):
        kb.article({"en": {"title": f"More {n}"}, "ro": {"title": f"Mai mult {n}"}})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(ARTICLES).json()["results"]) == 6


def test_nul_characters_and_padded_external_ids_are_input_not_failures(kb, api):
    created = api.post(ARTICLES, _article(external_id="x1"), format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    odd = api.patch(f"{ARTICLES}{pk}/", {"translations": {"e\x00n": {"title": "x"}}},
                    format="json")  # fmt: skip
    assert odd.status_code == 400 and "translations.e\x00n" in odd.json()["error"]["fields"]
    # Sent with spaces around it, a known external id still names its article.
    padded = api.post(ARTICLES, _article(external_id=" x1 ", translations={
        "en": {"title": "Invite everyone", "body": "New"}}), format="json")  # fmt: skip
    assert padded.status_code == 200 and padded.json()["id"] == pk
    for path in ("/api/v1/help/acme/articles/?category=a%00b", "/api/v1/help/acme/articles/a%00b/",
                 "/api/v1/help/acme/search/?q=a%00b"):  # fmt: skip
        assert api.get(path).status_code in {200, 400, 404}, path
