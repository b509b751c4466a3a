"""The demo help center: every kind of article in four languages, its history of revisions and
old addresses, thirty days of readers, help keys for the onboarding steps; added once."""

import time
from datetime import timedelta

import pytest

from csplatform.demo.seed.knowledgebase_demo import knowledgebase_demo
from csplatform.demo.seed.reset import customer_data_delete
from knowledgebase.models import (
    Article,
    ArticleFeedback,
    ArticleImage,
    ArticleTranslation,
    ArticleViewDay,
    HelpCenter,
    SearchQuery,
    SlugRedirect,
    Status,
)
from onboarding.services.defaults import DEFAULT_TEMPLATES
from tenants.tenancy.context import tenant_scope
from tests.factories import MembershipFactory, TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    tenant = TenantFactory(slug="acme")
    MembershipFactory(tenant=tenant)
    started = time.monotonic()
    rows = knowledgebase_demo(tenant=tenant, seed=1)
    return tenant, rows, time.monotonic() - started


def test_the_help_center_has_every_kind_of_article_in_four_languages(seeded):
    tenant, rows, seconds = seeded
    assert seconds < 20  # written through the save service, but independent of accounts
    with tenant_scope(tenant):
        center = HelpCenter.objects.get()
        assert center.languages == ["en", "zh-hans", "ru", "ro"]
        assert center.fallback_language == "en"
        assert set(Article.objects.values_list("kind", flat=True)) == {
            "tutorial", "faq", "doc", "announcement"
        }  # fmt: skip
        assert set(Article.objects.values_list("status", flat=True)) == set(Status.values)
        translations = ArticleTranslation.objects.all()
        assert translations.count() == rows["knowledgebase.ArticleTranslation"] >= 50
        assert set(translations.values_list("language", flat=True)) == {"en", "zh-hans", "ru", "ro"}
        chinese = " ".join(translations.filter(language="zh-hans").values_list("body", flat=True))
        assert "留存" in chinese and "客户成功" in chinese
        assert translations.filter(language="ro", body__contains="retenție").exists()
        assert translations.filter(body_html__contains="youtube-nocookie.com/embed/").exists()
        assert translations.filter(body_html__contains="<table>").exists()
        assert SlugRedirect.objects.get().old_slug == "billing-and-invoices"
        image = ArticleImage.objects.get()
        assert image.file.name.startswith(f"kb/{tenant.pk}/") and image.width == 240
        shown = translations.get(language="en", article__help_key="share-dashboard").body_html
        assert f"/media/{image.pk}/" in shown
        assert translations.filter(revisions__number=2).count() >= 2


def test_every_onboarding_step_of_the_default_templates_has_its_help_article(seeded):
    tenant, _, _ = seeded
    customer_steps = {
        step["article_key"]
        for template in DEFAULT_TEMPLATES
        for step in template["steps"]
        if step["completed_by"] != "csm"
    }
    assert len(customer_steps) == 6
    with tenant_scope(tenant):
        keys = set(
            Article.objects.filter(status=Status.PUBLISHED).values_list("help_key", flat=True)
        )
    assert customer_steps <= keys


def test_readers_are_spread_over_thirty_days_and_popular_articles_read_more(seeded):
    tenant, _, _ = seeded
    today = tenant.today()
    with tenant_scope(tenant):
        days = ArticleViewDay.objects.values_list("day", flat=True)
        assert min(days) >= today - timedelta(days=29)
        assert max(days) == today
        invite = sum(
            ArticleViewDay.objects.filter(article__help_key="invite-team").values_list(
                "views", flat=True
            )
        )
        go_live = sum(
            ArticleViewDay.objects.filter(article__help_key="go-live").values_list(
                "views", flat=True
            )
        )
        assert invite > go_live
        assert ArticleFeedback.objects.filter(helpful=False).exclude(reason="").exists()
        assert ArticleFeedback.objects.filter(helpful=True).count() > (
            ArticleFeedback.objects.filter(helpful=False).count()
        )
        assert set(SearchQuery.objects.filter(results=0).values_list("language", flat=True)) == {
            "en", "zh-hans", "ru", "ro"
        }  # fmt: skip
        spread = SearchQuery.objects.dates("created_at", "day")
        assert len(spread) > 10


def test_a_second_run_adds_nothing_and_a_reset_brings_the_readers_back(seeded):
    tenant, rows, _ = seeded
    with tenant_scope(tenant):
        before = (Article.objects.count(), ArticleViewDay.objects.count(),
                  SearchQuery.objects.count())  # fmt: skip
    assert knowledgebase_demo(tenant=tenant, seed=1) == {}
    customer_data_delete(tenant=tenant)
    with tenant_scope(tenant):
        assert not ArticleViewDay.objects.exists() and not SearchQuery.objects.exists()
        assert Article.objects.count() == before[0]  # the articles are configuration: kept
    again = knowledgebase_demo(tenant=tenant, seed=1)
    assert again["knowledgebase.SearchQuery"] == rows["knowledgebase.SearchQuery"]
    with tenant_scope(tenant):
        after = (Article.objects.count(), ArticleViewDay.objects.count(),
                 SearchQuery.objects.count())  # fmt: skip
    assert after == before
