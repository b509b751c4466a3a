"""csplatform: the project package (settings, URLs, Celery app, embedded dev servers)."""

from csplatform.celery import app as celery_app

__all__ = ["celery_app"]
