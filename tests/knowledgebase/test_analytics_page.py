"""The knowledge base page: most viewed, least helpful with reasons, top searches and the
searches that found nothing, from the tenant's own readers only; an empty state that says
what to do; viewers turned away; a query count that does not grow with the rows."""

from datetime import timedelta

import pytest
from django.urls import reverse

from csplatform.demo.seed.knowledgebase_demo import knowledgebase_demo
from knowledgebase.models import ArticleFeedback, ArticleViewDay, SearchQuery
from knowledgebase.selectors.analytics import kb_analytics
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db
URL = "/knowledge-base/"


def _readers(kb, article, *, views=0, helpful=0, unhelpful=(), searches=()):
    today = kb.tenant.today()
    with tenant_scope(kb.tenant):
        for back in range(3):
            ArticleViewDay.objects.create(
                article=article, language="en", day=today - timedelta(days=back), views=views
            )
        for _ in range(helpful):
            ArticleFeedback.objects.create(article=article, language="en", helpful=True)
        for reason in unhelpful:
            ArticleFeedback.objects.create(
                article=article, language="en", helpful=False, reason=reason
            )
        for query, results in searches:
            SearchQuery.objects.create(language="en", query=query, results=results)


def test_the_selector_ranks_articles_and_searches(kb):
    popular = kb.article({"en": {"title": "Invite your team"}, "ro": {"title": "Invitați"}})
    quiet = kb.article({"en": {"title": "Billing"}})
    _readers(kb, popular, views=30, helpful=9, unhelpful=["unclear"])
    searches = [("sso", 0), ("sso", 0), ("invite", 2), ("invite", 2), ("invite", 2)]
    _readers(kb, quiet, views=2, helpful=2, unhelpful=["wrong", "wrong", "incomplete"],
             searches=searches)  # fmt: skip
    with tenant_scope(kb.tenant):  # too old to count
        old = ArticleViewDay.objects.create(
            article=quiet, language="en", day=kb.tenant.today() - timedelta(days=40), views=999
        )
    assert old.pk
    result = kb_analytics(tenant=kb.tenant, language="ro", today=kb.tenant.today())
    assert [(a.title, a.views) for a in result.most_viewed] == [("Invitați", 90), ("Billing", 6)]
    assert [a.title for a in result.least_helpful] == ["Billing", "Invitați"]
    billing = result.least_helpful[0]
    assert (billing.percent, billing.answers) == (40, 5)
    assert billing.reasons == [("Incorrect or out of date", 2), ("Missing information", 1)]
    assert [(s.query, s.count) for s in result.top_searches] == [("invite", 3), ("sso", 2)]
    assert [(s.query, s.count) for s in result.no_results] == [("sso", 2)]


@pytest.mark.outsider("kb-analytics")
def test_the_page_shows_the_tenants_readers_only(tenant, member_client, outsider_client):
    knowledgebase_demo(tenant=tenant, seed=1)
    page = member_client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Invite your team" in text and "<svg" in text
    assert "salesforce sync" in text  # a search that found nothing
    assert "Incorrect or out of date" in text
    assert reverse("kb-analytics") == URL
    other = outsider_client.get(URL)
    assert other.status_code == 200
    assert "salesforce sync" not in other.content.decode()
    assert "Invite your team" not in other.content.decode()


def test_viewers_cannot_open_it(kb, viewer_client):
    assert viewer_client.get(URL).status_code == 403


def test_an_empty_help_center_says_what_to_do(kb, owner_client):
    text = owner_client.get(URL).content.decode()
    assert "no published articles yet" in text
    assert 'href="/admin/' in text


def test_the_query_count_does_not_grow(kb, owner_client, django_assert_max_num_queries):
    article = kb.article({"en": {"title": "First"}})
    _readers(kb, article, views=3, helpful=5, unhelpful=["other"], searches=[("x", 0)])
    owner_client.get(URL)
    with django_assert_max_num_queries(30) as few:
        assert owner_client.get(URL).status_code == 200
    for n in range(8):
        more = kb.article({"en": {"title": f"More {n}"}, "ru": {"title": f"Ещё {n}"}})
        _readers(kb, more, views=n + 1, helpful=4, unhelpful=["unclear", "wrong"],
                 searches=[(f"query {n}", n % 2)])  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert owner_client.get(URL).status_code == 200
