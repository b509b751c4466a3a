"""The production settings the load benchmark serves with, static files aside: pages name
their scripts and styles without the manifest's hashes, so no collectstatic is needed."""

from csplatform.settings import *  # noqa: F403
from csplatform.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
