"""Scheduled publishing by the beat: the fan-out queues a run for each tenant with articles
due, each run publishes them; nothing before its time; a second run changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from csplatform.celery import app
from knowledgebase.models import Status
from knowledgebase.tasks import articles_publish, articles_publish_due_all

pytestmark = pytest.mark.django_db


def test_scheduled_articles_are_published_by_the_beat_task(kb, other_kb):
    now = timezone.now()
    due = kb.article({"en": {"title": "Due"}}, status=Status.SCHEDULED,
                     publish_at=now - timedelta(minutes=1))  # fmt: skip
    later = kb.article({"en": {"title": "Later"}}, status=Status.SCHEDULED,
                       publish_at=now + timedelta(hours=1))  # fmt: skip
    draft = other_kb.article({"en": {"title": "Draft"}}, status=Status.DRAFT)
    assert articles_publish_due_all() == 1  # only acme has articles due; run eagerly
    for article in (due, later, draft):
        article.refresh_from_db()
    assert due.status == Status.PUBLISHED and due.published_at is not None
    assert later.status == Status.SCHEDULED and later.published_at is None
    assert draft.status == Status.DRAFT
    published_at = due.published_at
    assert articles_publish_due_all() == 0  # idempotent: nothing due any more
    assert articles_publish.delay(kb.tenant.pk).get() == 0
    due.refresh_from_db()
    assert due.published_at == published_at


def test_the_beat_runs_it_every_minute():
    entry = app.conf.beat_schedule["knowledgebase-publish-due"]
    assert entry["task"] == "knowledgebase.tasks.articles_publish_due_all"
    assert entry["schedule"] == 60.0
    app.loader.import_default_modules()
    assert "knowledgebase.tasks.articles_publish_due_all" in app.tasks
    assert "knowledgebase.tasks.articles_publish" in app.tasks
