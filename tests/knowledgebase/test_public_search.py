"""The help center's search page and its language choice: results with marked snippets,
htmx results as the visitor types (a fragment; the whole page when going back), every
search logged, the fallback language when the visitor's has no match, popular searches when
nothing matches, hostile queries answered without error; /help/<tenant>/ and help keys
choose the visitor's language from ?lang= and Accept-Language."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from knowledgebase.models import HelpCenter, SearchQuery
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def kb3(kb):
    with tenant_scope(kb.tenant):
        HelpCenter.objects.create(tenant=kb.tenant, languages=["en", "zh-hans", "ru"],
                                  fallback_language="en")  # fmt: skip
    kb.retention = kb.article(
        {
            "en": {"title": "Customer retention", "body": "Retention is keeping customers."},
            "zh-hans": {"title": "客户留存", "slug": "ke-hu-liu-cun",
                        "body": "留存率是留住客户的比例。"},
        },
        help_key="retention",
    )  # fmt: skip
    kb.imports = kb.article({"en": {"title": "Import data", "body": "Upload a CSV file."}},
                            help_key="import-data")  # fmt: skip
    return kb


def logged(tenant):
    with tenant_scope(tenant):
        return list(SearchQuery.objects.order_by("id").values_list("language", "query", "results"))


def test_search_shows_marked_snippets_and_logs_the_query(kb3):
    page = Client().get("/help/acme/en/search/", {"q": "Retention"})
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html
    assert 'href="/help/acme/en/a/customer-retention/"' in html and "<mark>" in html
    assert 'value="Retention"' in html and "Import data" not in html
    chinese = Client().get("/help/acme/zh-hans/search/", {"q": "留存"}).content.decode()
    assert (
        'href="/help/acme/zh-hans/a/ke-hu-liu-cun/"' in chinese and "<mark>留存</mark>" in chinese
    )
    assert logged(kb3.tenant) == [("en", "retention", 1), ("zh-hans", "留存", 1)]


def test_typing_gets_the_results_fragment_and_going_back_the_page(kb3):
    fragment = Client().get("/help/acme/en/search/", {"q": "csv"}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html and "Import data" in html
    assert "HX-Request" in fragment["Vary"]
    restore = Client().get("/help/acme/en/search/", {"q": "csv"}, HTTP_HX_REQUEST="true",
                           HTTP_HX_HISTORY_RESTORE_REQUEST="true")  # fmt: skip
    assert "<html" in restore.content.decode()
    assert len(logged(kb3.tenant)) == 2  # each search that ran, typed or restored


def test_the_fallback_language_and_popular_searches_when_nothing_matches(kb3):
    client = Client()
    # A search that found something, on three different days: what others are shown.
    for days_ago in (2, 1, 0):
        client.get("/help/acme/en/search/", {"q": "retention"})
        with tenant_scope(kb3.tenant):
            SearchQuery.objects.filter(query="retention").filter(
                created_at__gt=timezone.now() - timedelta(minutes=1)
            ).update(created_at=timezone.now() - timedelta(days=days_ago))
    russian = client.get("/help/acme/ru/search/", {"q": "CSV"}).content.decode()
    assert "Import data" in russian and 'role="note"' in russian  # English, said so
    nothing = client.get("/help/acme/en/search/", {"q": "zzqx"}).content.decode()
    assert "No articles match" in nothing
    assert 'href="/help/acme/en/search/?q=retention">retention</a>' in nothing


@pytest.mark.parametrize(
    "query",
    ["a" * 10_000, "&|!():*'\"", "!!!", "<script>alert(1)</script>", "\x00", "留", "' OR 1=1 --",
     "\\", "a:*", "客户" * 3000],
)  # fmt: skip
def test_hostile_queries_never_fail(kb3, query):
    for path in ["/help/acme/en/search/", "/help/acme/zh-hans/search/"]:
        page = Client().get(path, {"q": query, "page": "x"})
        assert page.status_code == 200
        assert "<script>alert" not in page.content.decode()
        fragment = Client().get(path, {"q": query, "page": "99999"}, HTTP_HX_REQUEST="true")
        assert fragment.status_code == 200


@pytest.mark.parametrize(
    ("query", "accept", "language"),
    [
        ("", "zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
        ("", "ru-RU,ru;q=0.9", "ru"),
        ("", "fr-FR,de;q=0.5", "en"),  # not offered: the fallback
        ("", "ro", "en"),  # a language the help center does not have
        ("?lang=ru", "zh-CN", "ru"),  # ?lang= first
        ("?lang=xx", "zh-CN", "zh-hans"),  # an unknown ?lang= is ignored
        ("", "x" * 5000, "en"),
        ("", ";;;q=,", "en"),
    ],
)
def test_language_from_lang_then_accept_language(kb3, query, accept, language):
    home = Client().get(f"/help/acme/{query}", HTTP_ACCEPT_LANGUAGE=accept)
    assert home.status_code == 302 and home["Location"] == f"/help/acme/{language}/"
    assert "Accept-Language" in home["Vary"]


def test_help_keys_redirect_to_the_article_in_the_visitors_language(kb3):
    client = Client()
    chinese = client.get("/help/acme/key/retention/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh")
    assert chinese.status_code == 302
    assert chinese["Location"] == "/help/acme/zh-hans/a/ke-hu-liu-cun/"
    english = client.get("/help/acme/key/retention/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert english["Location"] == "/help/acme/en/a/customer-retention/"
    by_lang = client.get("/help/acme/key/retention/?lang=zh-hans", HTTP_ACCEPT_LANGUAGE="en")
    assert by_lang["Location"] == "/help/acme/zh-hans/a/ke-hu-liu-cun/"
    # Only in English: the English text at its own address.
    fallback = client.get("/help/acme/key/import-data/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert fallback["Location"] == "/help/acme/en/a/import-data/"
    page = client.get(fallback["Location"])
    assert page.status_code == 200 and '<article class="help-article" lang="en">' in (
        page.content.decode()
    )
    unknown = client.get("/help/acme/key/nope/")
    assert unknown.status_code == 404 and 'name="q"' in unknown.content.decode()
    assert client.get("/help/acme/key/" + "k" * 5000 + "/").status_code == 404


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/help/acme/zh-Hans/", 302, "/help/acme/zh-hans/"),
        ("/help/acme/ZH-HANS/a/ke-hu-liu-cun/", 302, "/help/acme/zh-hans/a/ke-hu-liu-cun/"),
        ("/help/acme/ru-RU/search/", 302, "/help/acme/ru/search/"),
        ("/help/acme/xx/", 404, None),
        ("/help/acme/ro/", 404, None),  # not a language of this help center
        ("/help/acme/" + "x" * 3000 + "/", 404, None),
        ("/help/acme/en/a/%00/", 404, None),
        ("/help/acme/en/c/%00/", 404, None),
        ("/help/acme/key/%00/", 404, None),
        ("/help/acme/widget/?key=%00", 200, None),
        ("/help/acme/en/a/" + "s" * 3000 + "/", 404, None),
        ("/help/acme/en/c/" + "s" * 3000 + "/", 404, None),
    ],
)
def test_bad_addresses_never_fail(kb3, path, status, location):
    page = Client().get(path)
    assert page.status_code == status
    if location:
        assert page["Location"] == location
