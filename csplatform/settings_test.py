"""Test settings: the real PostgreSQL and Redis, with fast hashing and isolated cache keys."""

import os
import tempfile

os.environ.setdefault("CSPLATFORM_TESTING", "1")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from csplatform.settings import *  # noqa: E402,F403
from csplatform.settings import CACHES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each pytest-xdist worker (and each run) gets its own cache namespace in the shared Redis.
CACHES["default"]["KEY_PREFIX"] = f"csp-test-{os.getpid()}"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Files the tests store (help center images) go to a folder of the run's own, not the checkout.
MEDIA_ROOT = os.path.join(tempfile.gettempdir(), f"csplatform-test-media-{os.getpid()}")
INSTALLED_APPS = [*INSTALLED_APPS, "tests.support"]  # noqa: F405
# Messages queued during a test land in a queue of this run's own, not the shared one; a
# worker started by a test is told its test process's queue, so what it queues goes there too.
CELERY_TASK_DEFAULT_QUEUE = (
    os.environ.get("CSPLATFORM_TEST_QUEUE") or f"csplatform-test-{os.getpid()}"
)
CELERY_WEBHOOK_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-webhooks"
CELERY_TASK_ROUTES = (
    "tenants.tenancy.routing.route_task",
    {"tenants.tasks.webhook_delivery_send": {"queue": CELERY_WEBHOOK_QUEUE}},
)
# The suite signs in many times from 127.0.0.1 within a minute; the tests of the limit set
# their own (tests/tenants/test_signin_limits.py).
LOGIN_RATE_LIMIT = "10000/m"
PUBLIC_RATE_LIMIT = "10000/m"
