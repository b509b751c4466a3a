"""Search: ranking by field, stemming per language, Romanian diacritics, Chinese
two-character queries, typo tolerance, snippets, bad queries, what stays invisible."""

import pytest

from knowledgebase.models import Status
from knowledgebase.search.query import search_articles, search_log


def titles(results):
    return [hit.title for hit in results.hits]


def test_title_beats_tags_beats_summary_beats_body(kb):
    kb.article({"en": {"title": "Body", "body": "Improve retention with playbooks."}})
    kb.article({"en": {"title": "Summary", "summary": "All about retention.", "body": "x"}})
    kb.article({"en": {"title": "Tags", "tags": ["retention"], "body": "x"}})
    kb.article({"en": {"title": "Retention basics", "body": "x"}})
    kb.article({"en": {"title": "Unrelated", "body": "Invoices and billing."}})
    results = search_articles(tenant=kb.tenant, language="en", query="retention")
    assert titles(results) == ["Retention basics", "Tags", "Summary", "Body"]
    assert results.total == 4 and not results.fuzzy


@pytest.mark.parametrize(
    ("language", "text", "query"),
    [
        ("en", "Sending invoices to customers", "invoice"),
        ("en", "How we onboarded new customers", "onboarding"),
        ("ru", "Как удержать клиентов после продления", "клиенты"),
        ("ru", "Удержание клиентов", "удержания"),
        ("ro", "Cum trimiteți facturile clienților", "factura"),
    ],
)
def test_each_language_stems_its_words(kb, language, text, query):
    kb.article({language: {"title": text, "body": "…"}})
    kb.article({language: {"title": "Zzz", "body": "…", "slug": "zzz"}})
    assert titles(search_articles(tenant=kb.tenant, language=language, query=query)) == [text]


def test_romanian_with_and_without_diacritics_finds_the_same_articles(kb):
    kb.article({"ro": {"title": "Rata de retenție", "body": "Retenția clienților contează."}})
    kb.article({"ro": {"title": "Retentie fara diacritice", "body": "Scris simplu."}})
    kb.article({"ro": {"title": "Facturare", "body": "Altceva."}})
    with_marks = search_articles(tenant=kb.tenant, language="ro", query="retenție")
    without = search_articles(tenant=kb.tenant, language="ro", query="retentie")
    assert sorted(titles(with_marks)) == sorted(titles(without)) == [
        "Rata de retenție", "Retentie fara diacritice"
    ]  # fmt: skip
    body_hit = search_articles(tenant=kb.tenant, language="ro", query="clientilor").hits[0]
    # The snippet shows the original letters, marked.
    assert "<mark>clienților</mark>" in body_hit.snippet


def test_a_two_character_chinese_query_finds_articles_containing_it(kb):
    kb.article(
        {
            "zh-hans": {
                "title": "提高客户留存率的五个方法",
                "body": "客户成功团队应该每周检查健康分数。",
            }
        }
    )
    kb.article({"zh-hans": {"title": "如何导入数据", "body": "上传表格文件，系统会自动匹配字段。"}})
    kb.article({"zh-hans": {"title": "续约准备", "body": "在续约前九十天开始准备，关注客户留存。"}})
    results = search_articles(tenant=kb.tenant, language="zh-hans", query="留存")
    assert titles(results) == ["提高客户留存率的五个方法", "续约准备"]  # title first
    assert "<mark>留存</mark>" in results.hits[1].snippet
    assert titles(search_articles(tenant=kb.tenant, language="zh-hans", query="健康分数")) == [
        "提高客户留存率的五个方法"
    ]
    # The characters of a word in another order are not the word.
    assert search_articles(tenant=kb.tenant, language="zh-hans", query="存留").total == 0
    assert search_articles(tenant=kb.tenant, language="zh-hans", query="导入").total == 1


def test_the_last_word_matches_as_a_prefix_while_typing(kb):
    kb.article({"en": {"title": "Onboarding checklist", "body": "Steps."}})
    assert titles(search_articles(tenant=kb.tenant, language="en", query="onboa")) == [
        "Onboarding checklist"
    ]


@pytest.mark.parametrize(
    ("language", "title", "typo"),
    [
        ("en", "Customer retention playbook", "retension"),
        ("ru", "Удержание клиентов", "удиржание"),
        ("ro", "Rata de retenție", "retentei"),
    ],
)
def test_typos_find_near_misses(kb, language, title, typo):
    kb.article({language: {"title": title, "body": "…"}})
    results = search_articles(tenant=kb.tenant, language=language, query=typo)
    assert titles(results) == [title] and results.fuzzy


def test_nothing_found_suggests_searches_that_found_something_on_three_days(kb):
    from datetime import timedelta

    from django.utils import timezone

    from knowledgebase.models import SearchQuery
    from tenants.tenancy.context import tenant_scope

    kb.article({"en": {"title": "Billing", "body": "Invoices."}})
    for days_ago in (0, 1, 2):
        search_log(tenant=kb.tenant, language="en", query="  Billing  ", results=1)
        search_log(tenant=kb.tenant, language="en", query="invoices", results=1)
        with tenant_scope(kb.tenant):
            latest = SearchQuery.objects.filter(query="billing").latest("id")
            SearchQuery.objects.filter(pk=latest.pk).update(
                created_at=timezone.now() - timedelta(days=days_ago)
            )
    search_log(tenant=kb.tenant, language="en", query="nothing here", results=0)
    # Near misses are logged as no result, and never suggested.
    search_log(tenant=kb.tenant, language="en", query="my name is bob", results=3, fuzzy=True)
    results = search_articles(tenant=kb.tenant, language="en", query="qqqqzzzz")
    # "invoices" found articles three times, but on one day only: not suggested yet.
    assert results.total == 0 and results.suggestions == ["billing"]
    with tenant_scope(kb.tenant):
        assert SearchQuery.objects.get(query="my name is bob").results == 0


def test_a_page_past_the_end_is_empty_not_near_misses(kb):
    kb.article({"en": {"title": "Billing basics", "body": "Invoices."}})
    results = search_articles(tenant=kb.tenant, language="en", query="billing", offset=10)
    assert results.hits == [] and not results.fuzzy and results.suggestions == []


def test_a_single_chinese_character_is_found_at_the_end_of_a_run_too(kb):
    kb.article({"zh-hans": {"title": "我爱读书", "body": "。"}})
    for character in "我爱读书":
        assert search_articles(tenant=kb.tenant, language="zh-hans", query=character).total == 1
    assert search_articles(tenant=kb.tenant, language="zh-hans", query="爱读书").total == 1


@pytest.mark.parametrize(
    "query", ["", "   ", "&|!():*'\"", "'", "\\", "a & | b", "x" * 10_000, "(" * 5000, "<->"]
)
def test_bad_queries_find_nothing_or_something_but_never_fail(kb, query):
    kb.article({"en": {"title": "Billing", "body": "Invoices."}})
    results = search_articles(tenant=kb.tenant, language="en", query=query)
    assert results.total >= 0


def test_quotes_and_operators_inside_words_are_just_words(kb):
    kb.article({"en": {"title": "Don't lose customers", "body": "Churn (and why)."}})
    assert search_articles(tenant=kb.tenant, language="en", query="churn & (why").total == 1


def test_drafts_scheduled_other_languages_and_other_tenants_stay_invisible(kb, other_kb):
    kb.article({"en": {"title": "Secret draft retention"}}, status=Status.DRAFT)
    kb.article({"en": {"title": "Scheduled retention"}}, status=Status.SCHEDULED)
    kb.article({"ru": {"title": "retention по-русски"}})
    other_kb.article({"en": {"title": "Globex retention"}})
    results = search_articles(tenant=kb.tenant, language="en", query="retention")
    assert results.total == 0 and not results.fuzzy
    # Nor through typo tolerance, which finds Globex's for Globex.
    assert search_articles(tenant=kb.tenant, language="en", query="retension").total == 0
    assert search_articles(tenant=other_kb.tenant, language="en", query="retension").fuzzy


def test_marker_characters_in_the_text_never_leave_a_mark_open(kb):
    kb.article({"en": {"title": "Odd", "body": "Paste \x02here\x03 or \x02there."}})
    snippet = search_articles(tenant=kb.tenant, language="en", query="paste").hits[0].snippet
    assert snippet.count("<mark>") == snippet.count("</mark>")


def test_snippets_escape_the_article_text(kb):
    kb.article({"en": {"title": "Scripts", "body": "Never paste `<script>alert(1)</script>`."}})
    kb.article({"en": {"title": "Compare", "body": "When a < b & c > d, paste <b>it</b>."}})
    for hit in search_articles(tenant=kb.tenant, language="en", query="paste").hits:
        assert "<script" not in hit.snippet and "<b>" not in hit.snippet
        assert "<mark>paste</mark>" in hit.snippet
    compare = search_articles(tenant=kb.tenant, language="en", query="compare paste").hits[0]
    assert "a &lt; b &amp; c &gt; d" in compare.snippet


def test_an_unknown_language_falls_back_to_english(kb):
    kb.article({"en": {"title": "Billing", "body": "Invoices."}})
    results = search_articles(tenant=kb.tenant, language="xx-YY", query="billing")
    assert results.language == "en" and results.total == 1


def test_kinds_and_category_narrow_the_results(kb):
    from knowledgebase.models import Category, Kind
    from tenants.tenancy.context import tenant_scope

    with tenant_scope(kb.tenant):
        section = Category.objects.create(slug="billing", parent=kb.category, name={"en": "B"})
        other = Category.objects.create(slug="other", name={"en": "Other"})
    kb.article({"en": {"title": "Billing FAQ"}}, kind=Kind.FAQ, category=section)
    kb.article({"en": {"title": "Billing doc"}}, kind=Kind.DOC, category=other)
    assert titles(search_articles(tenant=kb.tenant, language="en", query="billing",
                                  kinds=[Kind.FAQ])) == ["Billing FAQ"]  # fmt: skip
    assert titles(search_articles(tenant=kb.tenant, language="en", query="billing",
                                  category=kb.category)) == ["Billing FAQ"]  # fmt: skip


def test_saving_and_searching_work_as_the_application_role(kb):
    """Under row-level security, as a task or a request runs them: no tenant active on
    entry, every statement must run in the tenant's scope."""
    from knowledgebase.models import Article, ArticleTranslation
    from knowledgebase.services.articles import search_vectors_update, translation_save
    from tenants.db.session import application_role
    from tenants.tenancy.context import tenant_scope

    with tenant_scope(kb.tenant):
        article = Article.objects.create(category=kb.category, status=Status.PUBLISHED)
    with application_role():
        translation_save(tenant=kb.tenant, article=article, language="zh-hans",
                         values={"title": "客户留存", "body": "留存很重要"})  # fmt: skip
        with tenant_scope(kb.tenant):
            ArticleTranslation.objects.update(search=None)
            ids = list(ArticleTranslation.objects.values_list("pk", flat=True))
        search_vectors_update(tenant=kb.tenant, translation_ids=ids)  # as a bulk load does
        results = search_articles(tenant=kb.tenant, language="zh-hans", query="留存")
        search_log(tenant=kb.tenant, language="zh-hans", query="留存", results=results.total)
    assert titles(results) == ["客户留存"]
