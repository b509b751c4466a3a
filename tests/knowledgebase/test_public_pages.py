"""The public help center's pages: the home (categories, sections, announcements), a
category, an article (breadcrumbs, contents, related articles, languages, canonical address
and alternates, time zone), the fallback language's text where the visitor's is missing,
views counted, feedback recorded, pages cached until the next publish, query counts that
do not grow with the articles, and the sitemap."""

import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from knowledgebase.cache import help_center_changed
from knowledgebase.models import (
    Article,
    ArticleFeedback,
    ArticleTranslation,
    ArticleViewDay,
    Category,
    HelpCenter,
    Kind,
    RelatedArticle,
    Status,
)
from knowledgebase.services.articles import articles_publish_due
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


def center(tenant, languages, fallback="en", **fields):
    with tenant_scope(tenant):
        return HelpCenter.objects.create(
            tenant=tenant, languages=languages, fallback_language=fallback, **fields
        )


@pytest.fixture
def chinese(kb):
    """A help center in English and Chinese: a section under the category, an article in
    both languages, one in English only, an announcement."""
    center(kb.tenant, ["en", "zh-hans"], title="Acme Help")
    with tenant_scope(kb.tenant):
        kb.section = Category.objects.create(
            parent=kb.category, slug="retention", name={"en": "Retention", "zh-hans": "留存"}
        )
    kb.both = kb.article(
        {
            "en": {"title": "Customer retention", "body": "## Why\nKeep them.\n### How\nCall."},
            "zh-hans": {"title": "客户留存", "slug": "ke-hu-liu-cun",
                        "body": "## 为什么\n留住客户。"},
        },
        category=kb.section,
    )  # fmt: skip
    kb.english = kb.article({"en": {"title": "Import data", "body": "Use a CSV file."}})
    kb.news = kb.article({"en": {"title": "New dashboard"}}, kind=Kind.ANNOUNCEMENT)
    with tenant_scope(kb.tenant):
        RelatedArticle.objects.create(article=kb.both, related=kb.english)
    return kb


def test_the_home_lists_categories_sections_articles_and_announcements(chinese):
    page = Client().get("/help/acme/en/")
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Language"] == "en"
    assert '<html lang="en">' in html and "Acme Help" in html
    assert 'href="/help/acme/en/c/getting-started/"' in html
    assert 'href="/help/acme/en/c/getting-started/#section-retention">Retention</a>' in html
    assert 'href="/help/acme/en/a/customer-retention/"' in html
    assert 'href="/help/acme/en/a/import-data/"' in html
    announcements = html.split('id="announcements-title"')[1].split("</section>")[0]
    assert "New dashboard" in announcements and "Import data" not in announcements
    assert 'action="/help/acme/en/search/"' in html and 'hx-get="/help/acme/en/search/"' in html


def test_chinese_pages_fall_back_to_english_where_an_article_has_no_chinese(chinese):
    html = Client().get("/help/acme/zh-hans/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'href="/help/acme/zh-hans/a/ke-hu-liu-cun/">客户留存</a>' in html
    # An article shown in the fallback language links to its own language's address: a
    # slug names one article in one language (another may have it in Chinese).
    assert 'href="/help/acme/en/a/import-data/" lang="en">Import data</a>' in html
    # A Chinese address of the English slug (an old link) shows the English text, said so.
    fallback = Client().get("/help/acme/zh-hans/a/import-data/")
    text = fallback.content.decode()
    assert fallback.status_code == 200 and '<article class="help-article" lang="en">' in text
    assert 'class="notice help-fallback"' in text and "Use a CSV file." in text
    # The canonical address of the English text is the English page.
    assert f'<link rel="canonical" href="{settings.SITE_URL}/help/acme/en/a/import-data/">' in text
    # A Chinese address of an English slug leads to the Chinese text when there is one.
    moved = Client().get("/help/acme/zh-hans/a/customer-retention/")
    assert moved.status_code == 302 and moved["Location"] == "/help/acme/zh-hans/a/ke-hu-liu-cun/"


def test_the_article_page(chinese):
    page = Client().get("/help/acme/zh-hans/a/ke-hu-liu-cun/")
    html = page.content.decode()
    assert page.status_code == 200 and "help-fallback" not in html
    assert '<a href="/help/acme/zh-hans/c/getting-started/">入门</a>' in html
    assert '#section-retention">留存</a>' in html
    assert '<h2 id="为什么">为什么</h2>' in html and 'href="#为什么"' in html  # contents
    # Related: the chosen one first (in English, marked), then others of the section.
    related = html.split('id="related-title"')[1].split("</nav>")[0]
    assert 'href="/help/acme/en/a/import-data/" lang="en">Import data</a>' in related
    # The languages it exists in, with hreflang alternates and a canonical address.
    assert 'href="/help/acme/en/a/customer-retention/" hreflang="en"' in html
    base = settings.SITE_URL
    assert f'<link rel="canonical" href="{base}/help/acme/zh-hans/a/ke-hu-liu-cun/">' in html
    assert (
        f'<link rel="alternate" hreflang="en" href="{base}/help/acme/en/a/customer-retention/">'
        in html
    )  # noqa: E501
    # Updated time in the tenant's time zone, labelled; frames from the video players only.
    assert re.search(r"更新于 .*（UTC）", html)  # the page's language, the tenant's zone
    policy = page["Content-Security-Policy"]
    assert "frame-src https://www.youtube-nocookie.com https://player.vimeo.com" in policy
    assert "frame-src" not in Client().get("/help/acme/en/")["Content-Security-Policy"]


def test_the_update_time_is_in_the_tenants_time_zone(chinese):
    chinese.tenant.time_zone = "Asia/Shanghai"
    chinese.tenant.save()
    moment = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    with tenant_scope(chinese.tenant):
        Article.objects.filter(pk=chinese.english.pk).update(updated_at=moment)
        ArticleTranslation.objects.filter(article=chinese.english).update(updated_at=moment)
    html = Client().get("/help/acme/en/a/import-data/").content.decode()
    assert "Updated March 1, 2026, 6:30 p.m. (Asia/Shanghai)" in html


def test_an_old_slug_redirects_to_the_current_one(chinese):
    from knowledgebase.services.articles import translation_save

    translation_save(tenant=chinese.tenant, article=chinese.english, language="en",
                     values={"title": "Import your data", "slug": "import-your-data"})  # fmt: skip
    moved = Client().get("/help/acme/en/a/import-data/")
    assert moved.status_code == 302 and moved["Location"] == "/help/acme/en/a/import-your-data/"


def test_the_category_page_and_a_sections_address(chinese):
    page = Client().get("/help/acme/en/c/getting-started/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<section class="help-section" id="section-retention">' in html
    assert "Customer retention" in html and "Import data" in html
    section = Client().get("/help/acme/en/c/retention/")
    assert section["Location"] == "/help/acme/en/c/getting-started/#section-retention"


def test_every_view_is_counted_also_from_the_cache(chinese):
    client = Client()
    for _ in range(3):
        assert client.get("/help/acme/zh-hans/a/ke-hu-liu-cun/").status_code == 200
    client.get("/help/acme/zh-hans/a/import-data/")  # the English text, read in Chinese
    with tenant_scope(chinese.tenant):
        counted = {
            (row.article_id, row.language): row.views for row in ArticleViewDay.objects.all()
        }
    assert counted == {(chinese.both.pk, "zh-hans"): 3, (chinese.english.pk, "en"): 1}


def test_feedback_is_recorded_without_javascript_and_with_htmx(chinese):
    client = Client(enforce_csrf_checks=True)
    url = "/help/acme/en/a/import-data/feedback/"
    sent = client.post(url, {"helpful": "no", "reason": "incomplete", "comment": "More CSV"})
    assert sent.status_code == 302
    assert sent["Location"] == "/help/acme/en/a/import-data/?feedback=thanks#feedback"
    thanks = client.get(sent["Location"]).content.decode()
    assert "Thank you for your feedback." in thanks
    swapped = client.post(url, {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200 and "<html" not in swapped.content.decode()
    assert "Thank you for your feedback." in swapped.content.decode()
    with tenant_scope(chinese.tenant):
        answers = list(ArticleFeedback.objects.order_by("id").values_list(
            "article_id", "language", "helpful", "reason", "comment"))  # fmt: skip
        views = ArticleViewDay.objects.count()
    assert answers == [(chinese.english.pk, "en", False, "incomplete", "More CSV"),
                       (chinese.english.pk, "en", True, "", "")]  # fmt: skip
    assert views == 0  # the thank-you page is no second reading


def test_bad_feedback_answers_with_form_errors(chinese):
    url = "/help/acme/en/a/import-data/feedback/"
    bad = Client().post(url, {"helpful": "maybe", "reason": "x", "comment": "c" * 1001})
    html = bad.content.decode()
    assert bad.status_code == 400 and "Choose yes or no." in html
    assert "Choose one of the reasons." in html and "1000 characters" in html
    assert Client().get(url).status_code == 405
    assert (
        Client().post("/help/acme/en/a/nothing-here/feedback/", {"helpful": "yes"}).status_code
        == 404
    )  # noqa: E501
    with tenant_scope(chinese.tenant):
        assert not ArticleFeedback.objects.exists()


def test_publishing_shows_at_once_on_a_cached_home(kb, django_capture_on_commit_callbacks):
    kb.article({"en": {"title": "Visible"}})
    draft = kb.article({"en": {"title": "Drafted words"}}, status=Status.DRAFT)
    later = kb.article({"en": {"title": "Scheduled words"}}, status=Status.SCHEDULED,
                       publish_at=timezone.now() + timedelta(minutes=5))  # fmt: skip
    client = Client()
    first = client.get("/help/acme/en/").content.decode()
    assert "Visible" in first and "Drafted words" not in first
    with tenant_scope(kb.tenant):
        # The cache is warm: a change that skips the invalidation is not seen...
        Article.objects.filter(pk=draft.pk).update(status=Status.PUBLISHED)
    assert "Drafted words" not in client.get("/help/acme/en/").content.decode()
    # ...and the publish, which invalidates when it commits, is seen at once.
    with django_capture_on_commit_callbacks(execute=True):
        help_center_changed(kb.tenant)
    assert "Drafted words" in client.get("/help/acme/en/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        articles_publish_due(tenant=kb.tenant, now=later.publish_at)
    assert "Scheduled words" in client.get("/help/acme/en/").content.decode()


def _articles(kb, n, django_capture_on_commit_callbacks, start=0):
    with tenant_scope(kb.tenant):
        section = Category.objects.filter(parent=kb.category).first()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(start, start + n):
            kb.article({"en": {"title": f"Article {i}"}},
                       category=section if i % 2 else kb.category)  # fmt: skip


@pytest.mark.parametrize("path", ["/help/acme/en/", "/help/acme/en/c/getting-started/"])
def test_query_counts_do_not_grow_with_the_articles(
    kb, path, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with tenant_scope(kb.tenant):
        Category.objects.create(parent=kb.category, slug="more", name={"en": "More"})
    _articles(kb, 2, django_capture_on_commit_callbacks)
    # The tenant, its help center, the categories and the published articles' titles.
    with django_assert_num_queries(4):
        assert Client().get(path).status_code == 200
    with django_assert_num_queries(2):  # cached: the tenant and its help center
        Client().get(path)
    _articles(kb, 18, django_capture_on_commit_callbacks, start=2)
    with django_assert_num_queries(4):
        html = Client().get(path).content.decode()
    assert "Article 19" in html or path == "/help/acme/en/"


def test_the_sitemap_lists_published_articles_in_every_language(chinese):
    chinese.article({"en": {"title": "Secret plan"}}, status=Status.DRAFT)
    page = Client().get("/help/acme/sitemap.xml")
    assert page.status_code == 200 and page["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(page.content)  # noqa: S314 - our own page
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = sorted(loc.text for loc in root.findall("s:url/s:loc", ns))
    base = f"{settings.SITE_URL}/help/acme"
    assert locs == sorted([f"{base}/en/a/customer-retention/", f"{base}/zh-hans/a/ke-hu-liu-cun/",
                           f"{base}/en/a/import-data/", f"{base}/en/a/new-dashboard/"])  # fmt: skip
    both = next(u for u in root.findall("s:url", ns)
                if u.find("s:loc", ns).text.endswith("ke-hu-liu-cun/"))  # fmt: skip
    alternates = {link.get("hreflang"): link.get("href") for link in both.findall("x:link", ns)}
    assert alternates == {"en": f"{base}/en/a/customer-retention/",
                          "zh-hans": f"{base}/zh-hans/a/ke-hu-liu-cun/"}  # fmt: skip


def test_without_help_center_settings_english_only(kb):
    kb.article({"en": {"title": "Hello"}, "ru": {"title": "Привет"}})
    assert Client().get("/help/acme/", HTTP_ACCEPT_LANGUAGE="ru")["Location"] == "/help/acme/en/"
    assert Client().get("/help/acme/ru/").status_code == 404
    html = Client().get("/help/acme/en/a/hello/").content.decode()
    assert "Привет" not in html  # Russian is not a language of this help center


def test_the_widget_lists_the_keys_article_first_then_its_section(chinese):
    with tenant_scope(chinese.tenant):
        Article.objects.filter(pk=chinese.english.pk).update(help_key="import")
    chinese.article({"en": {"title": "Export data"}})
    html = Client().get("/help/acme/widget/?key=import&lang=zh-hans").content.decode()
    assert '<html lang="zh-hans">' in html
    titles = re.findall(r'target="_blank" rel="noopener"[^>]*>([^<]+)</a>', html)
    assert titles[0] == "Import data" and "Export data" in titles
    assert "Customer retention" not in html  # another section
    assert 'href="/help/acme/en/a/import-data/"' in html  # the English text's address
    assert "Import data" not in Client().get("/help/acme/widget/?key=nope").content.decode()


def test_a_fallback_link_never_opens_another_article_with_the_same_slug(kb):
    center(kb.tenant, ["en", "ro"])
    kb.article({"en": {"title": "Billing in English", "slug": "facturare"}})
    kb.article({"ro": {"title": "Altceva", "slug": "facturare"}})
    home = Client().get("/help/acme/ro/").content.decode()
    assert 'href="/help/acme/en/a/facturare/" lang="en">Billing in English</a>' in home
    page = Client().get("/help/acme/en/a/facturare/").content.decode()
    assert "Billing in English" in page and "Altceva" not in page


def test_a_category_with_nothing_published_is_not_there(kb):
    kb.article({"en": {"title": "Secret launch plan"}}, status=Status.DRAFT)
    answer = Client().get(f"/help/acme/en/c/{kb.category.slug}/")
    assert answer.status_code == 404 and "Getting started" not in answer.content.decode()


def test_a_language_spelled_otherwise_keeps_the_query(kb):
    kb.article({"en": {"title": "Billing"}})
    answer = Client().get("/help/acme/EN/search/?q=billing&page=1")
    assert answer.status_code == 302
    assert answer["Location"] == "/help/acme/en/search/?q=billing&page=1"
