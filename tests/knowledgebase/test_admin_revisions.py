"""An article's revision history in the admin site: every translation's revisions with who
saved them, when (tenant time) and a line diff against the current text (escaped); restore
saves an old revision again as the newest."""

import pytest

from knowledgebase.models import ArticleTranslation
from knowledgebase.services.articles import translation_save
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope

pytestmark = pytest.mark.django_db


@pytest.mark.outsider("admin")
def test_revisions_are_listed_with_a_diff_and_restored(kb, other_kb, owner, owner_client,
                                                       outsider_client):  # fmt: skip
    kb.tenant.time_zone = "Asia/Shanghai"
    kb.tenant.save()
    article = kb.article({"en": {"title": "Import data", "body": "First <b>line</b>"}})
    membership = Membership.objects.for_tenant(kb.tenant).get(user=owner)
    translation_save(tenant=kb.tenant, article=article, language="en",
                     values={"title": "Import data", "body": "Second line"},
                     saved_by=membership)  # fmt: skip
    url = f"/admin/knowledgebase/article/{article.pk}/revisions/"
    answer = owner_client.get(url)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Times in Asia/Shanghai" in page
    assert "-First &lt;b&gt;line&lt;/b&gt;" in page and "+Second line" in page
    assert "owner@acme.test" in page
    assert outsider_client.get(url).status_code == 404
    with tenant_scope(kb.tenant):
        translation = ArticleTranslation.objects.get(article=article)
        first = translation.revisions.get(number=1)
    foreign = other_kb.article({"en": {"title": "Theirs"}})
    with tenant_scope(other_kb.tenant):
        theirs = ArticleTranslation.objects.get(article=foreign).revisions.get()
    assert owner_client.post(url, {"revision": theirs.pk}).status_code == 404
    assert owner_client.post(url, {"revision": "nope"}).status_code == 404
    done = owner_client.post(url, {"revision": first.pk})
    assert done.status_code == 302 and done["Location"] == url
    with tenant_scope(kb.tenant):
        translation.refresh_from_db()
        newest = translation.revisions.order_by("-number").first()
    assert translation.body == "First <b>line</b>"
    assert newest.number == 3 and newest.body == "First <b>line</b>"
    assert newest.saved_by == membership
    assert "Same as the current text" in owner_client.get(url).content.decode()


def test_restoring_a_slug_another_article_took_since_says_so(kb, owner_client):
    article = kb.article({"en": {"title": "Alpha"}})
    translation_save(tenant=kb.tenant, article=article, language="en",
                     values={"title": "Beta"})  # fmt: skip
    kb.article({"en": {"title": "Alpha again", "slug": "alpha"}})
    with tenant_scope(kb.tenant):
        first = ArticleTranslation.objects.get(article=article).revisions.get(number=1)
    url = f"/admin/knowledgebase/article/{article.pk}/revisions/"
    answer = owner_client.post(url, {"revision": first.pk}, follow=True)
    assert answer.status_code == 200
    assert "already has the slug “alpha”" in answer.content.decode()
    with tenant_scope(kb.tenant):
        assert ArticleTranslation.objects.get(article=article).slug == "beta"
    for odd in ("²", "9" * 40, "-1"):
        assert owner_client.post(url, {"revision": odd}).status_code == 404
    listing = owner_client.get("/admin/knowledgebase/article/", {"category": "²"})
    assert listing.status_code in {200, 302}  # the admin drops a filter value it cannot use
