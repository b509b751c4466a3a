"""Tenant isolation of every public help center page, and drafts and scheduled articles
invisible everywhere: another tenant's slug never shows this tenant's articles, this
tenant's article or category addresses under another tenant's slug answer 404, and a draft
or scheduled article answers exactly like an address that never existed."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from knowledgebase.models import ArticleFeedback, ArticleViewDay, Category, HelpCenter, Status
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(kb, other_kb):
    """Acme publishes "Acme retention" (help key "retention") and has a draft and a
    scheduled article; Globex publishes "Globex billing" in a category of its own."""
    with tenant_scope(other_kb.tenant):
        other_kb.billing = Category.objects.create(slug="billing", name={"en": "Billing"})
        HelpCenter.objects.create(tenant=other_kb.tenant, languages=["en"],
                                  widget_origins="https://app.globex.test")  # fmt: skip
    with tenant_scope(kb.tenant):
        origins = "https://app.acme.test\nnot an origin"
        HelpCenter.objects.create(tenant=kb.tenant, languages=["en"], widget_origins=origins)
    kb.article({"en": {"title": "Acme retention", "body": "Acme keeps customers."}},
               help_key="retention")  # fmt: skip
    kb.article({"en": {"title": "Secret draft", "body": "Acme keeps secrets."}},
               status=Status.DRAFT, help_key="draft-key")  # fmt: skip
    kb.article({"en": {"title": "Scheduled news", "body": "Acme keeps schedules."}},
               status=Status.SCHEDULED, publish_at=timezone.now() + timedelta(days=1),
               help_key="scheduled-key")  # fmt: skip
    other_kb.article({"en": {"title": "Globex billing", "body": "Globex keeps customers."}},
                     category=other_kb.billing, help_key="billing")  # fmt: skip
    return kb, other_kb


HIDDEN = ("Secret draft", "Scheduled news", "secret-draft", "scheduled-news")


def pages(slug):
    return [
        f"/help/{slug}/en/",
        f"/help/{slug}/en/c/getting-started/",
        f"/help/{slug}/en/search/?q=keeps",
        f"/help/{slug}/sitemap.xml",
        f"/help/{slug}/widget/?key=retention",
        f"/help/{slug}/widget/?key=billing",
    ]


def test_each_tenants_pages_show_its_own_published_articles_only(two):
    client = Client()
    for path in pages("acme"):
        html = client.get(path).content.decode()
        assert "Globex" not in html and "globex" not in html, path
        assert not any(word in html for word in HIDDEN), path
    for path in pages("globex"):
        html = client.get(path).content.decode()
        assert "Acme" not in html and "acme" not in html, path
    assert "Acme retention" in client.get("/help/acme/en/search/?q=keeps").content.decode()
    assert "Globex billing" in client.get("/help/globex/en/search/?q=keeps").content.decode()
    assert "Acme retention" in client.get("/help/acme/widget/?key=retention").content.decode()


def test_another_tenants_addresses_answer_404(two):
    client = Client()
    assert client.get("/help/acme/en/a/acme-retention/").status_code == 200
    for path in [
        "/help/globex/en/a/acme-retention/",
        "/help/acme/en/a/globex-billing/",
        "/help/acme/en/c/billing/",
        "/help/acme/key/billing/",
        "/help/globex/key/retention/",
        "/help/nobody/en/",
        "/help/nobody/",
        "/help/nobody/sitemap.xml",
    ]:
        assert client.get(path).status_code == 404, path
    posted = client.post("/help/globex/en/a/acme-retention/feedback/", {"helpful": "yes"})
    assert posted.status_code == 404
    with tenant_scope(two[1].tenant):
        assert not ArticleFeedback.objects.exists() and not ArticleViewDay.objects.exists()


def unmasked(response) -> str:
    """The page without its CSRF token (masked anew for every response)."""
    return re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())


def test_drafts_and_scheduled_articles_answer_like_missing_ones(two):
    client = Client()
    missing = client.get("/help/acme/en/a/never-written/")
    for slug in ["secret-draft", "scheduled-news"]:
        page = client.get(f"/help/acme/en/a/{slug}/")
        assert page.status_code == 404
        assert unmasked(page) == unmasked(missing)
        assert (
            client.post(f"/help/acme/en/a/{slug}/feedback/", {"helpful": "no"}).status_code == 404
        )  # noqa: E501
    for key in ["draft-key", "scheduled-key", "no-such-key"]:
        page = client.get(f"/help/acme/key/{key}/")
        assert page.status_code == 404 and 'name="q"' in page.content.decode()  # a search box
    for key in ["draft-key", "scheduled-key"]:
        html = client.get(f"/help/acme/widget/?key={key}").content.decode()
        assert not any(word in html for word in HIDDEN)
    with tenant_scope(two[0].tenant):
        assert not ArticleViewDay.objects.exists() and not ArticleFeedback.objects.exists()


def test_the_widget_may_be_framed_by_its_tenants_origins_only(two):
    acme = Client().get("/help/acme/widget/?key=retention")
    assert acme.status_code == 200 and "X-Frame-Options" not in acme
    assert "frame-ancestors https://app.acme.test;" in acme["Content-Security-Policy"] + ";"
    assert 'target="_blank"' in acme.content.decode()
    globex = Client().get("/help/globex/widget/")
    assert "frame-ancestors https://app.globex.test" in globex["Content-Security-Policy"]
    # Other pages of the help center are framed by no one.
    page = Client().get("/help/acme/en/")
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_a_widget_without_origins_is_framed_by_no_one(kb):
    page = Client().get("/help/acme/widget/?key=whatever")
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
