"""WSGI entry point (gunicorn csplatform.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csplatform.settings")
application = get_wsgi_application()

# The views imported now rather than on the first request, then everything loaded so far
# (Django, DRF, the project: about 190,000 objects, nearly all kept for the life of the
# process) left out of the full collections CPython runs every so many allocations. Each
# walked them all: about 3 ms of every 500-event batch, 5% of its time in the process. The
# garbage of start-up is collected first, or freezing would keep it for good.
get_resolver().url_patterns  # noqa: B018 (loads the URLconf and every view module)
gc.collect()
gc.freeze()
