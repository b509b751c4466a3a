"""Saving translations: rendering, revisions, slug redirects, slug collisions, scheduled
publishing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from knowledgebase.models import ArticleTranslation, SlugRedirect, Status
from knowledgebase.services.articles import articles_publish_due, revision_restore, translation_save
from tenants.tenancy.context import tenant_scope


def test_a_save_renders_keeps_a_revision_and_builds_the_search_vector(kb):
    article = kb.article({"en": {"title": "Invite your team", "body": "## Why\nTeams <b>win</b>."}})
    with tenant_scope(kb.tenant):
        translation = ArticleTranslation.objects.get(article=article)
        assert translation.slug == "invite-your-team"
        assert '<h2 id="why">Why</h2>' in translation.body_html
        assert "&lt;b&gt;win&lt;/b&gt;" in translation.body_html
        assert translation.toc == [{"id": "why", "text": "Why", "level": 2}]
        assert "'invit':1A" in str(ArticleTranslation.objects.values_list("search", flat=True)[0])
        assert [r.number for r in translation.revisions.all()] == [1]


def test_an_unchanged_save_adds_no_revision_and_a_restore_adds_one(kb):
    article = kb.article({"en": {"title": "Import data", "body": "First"}})
    translation_save(tenant=kb.tenant, article=article, language="en",
                     values={"title": "Import data", "body": "First"})  # fmt: skip
    translation_save(tenant=kb.tenant, article=article, language="en",
                     values={"title": "Import data", "body": "Second"})  # fmt: skip
    with tenant_scope(kb.tenant):
        translation = ArticleTranslation.objects.get(article=article)
        first = translation.revisions.get(number=1)
        assert translation.revisions.count() == 2
    revision_restore(tenant=kb.tenant, revision=first)
    with tenant_scope(kb.tenant):
        translation.refresh_from_db()
        assert translation.body == "First" and translation.revisions.count() == 3


def test_a_renamed_slug_leaves_a_redirect_and_taking_it_back_removes_it(kb):
    article = kb.article({"en": {"title": "Old name", "body": ""}})
    translation_save(tenant=kb.tenant, article=article, language="en",
                     values={"title": "New name", "slug": "new-name"})  # fmt: skip
    with tenant_scope(kb.tenant):
        assert SlugRedirect.objects.get(old_slug="old-name").article == article
    translation_save(tenant=kb.tenant, article=article, language="en",
                     values={"title": "Old name", "slug": "old-name"})  # fmt: skip
    with tenant_scope(kb.tenant):
        assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["new-name"]


def test_colliding_slugs_and_bad_values_are_named(kb, other_kb):
    kb.article({"en": {"title": "Billing"}})
    other_kb.article({"en": {"title": "Billing"}})  # another tenant may use the same slug
    with pytest.raises(ValidationError) as error:
        kb.article({"en": {"title": "Billing"}})
    assert "already has the slug" in str(error.value.message_dict["slug"])
    with pytest.raises(ValidationError) as error:
        kb.article({"xx": {"title": ""}})
    assert set(error.value.message_dict) == {"language", "title"}
    with pytest.raises(ValidationError) as error:
        kb.article({"en": {"title": "Fine", "slug": "no spaces/here"}})
    assert "slug" in error.value.message_dict


def test_scheduled_articles_are_published_when_their_time_comes(kb):
    now = timezone.now()
    due = kb.article({"en": {"title": "Due"}}, status=Status.SCHEDULED, publish_at=now)
    later = kb.article(
        {"en": {"title": "Later"}}, status=Status.SCHEDULED, publish_at=now + timedelta(hours=1)
    )
    assert articles_publish_due(tenant=kb.tenant, now=now) == 1
    assert articles_publish_due(tenant=kb.tenant, now=now) == 0  # idempotent
    due.refresh_from_db(), later.refresh_from_db()
    assert (due.status, later.status) == (Status.PUBLISHED, Status.SCHEDULED)
    assert due.published_at == now


def test_lengths_are_named_not_left_to_the_database(kb):
    values = {"title": "t" * 201, "summary": "s" * 501, "slug": "a" * 201,
              "tags": [f"tag{n}" for n in range(21)]}  # fmt: skip
    with pytest.raises(ValidationError) as error:
        kb.article({"en": values})
    assert set(error.value.message_dict) == {"title", "summary", "slug", "tags"}
