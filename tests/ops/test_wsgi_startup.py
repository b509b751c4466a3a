"""The WSGI module a server loads: the views are imported before the first request and the
objects of start-up are frozen out of the garbage collector's full collections."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
import csplatform.wsgi
print(gc.get_freeze_count(), "metrics.api.events" in sys.modules, "accounts.views" in sys.modules)
"""


def test_the_wsgi_module_loads_the_views_and_freezes_start_up_objects():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "csplatform.settings_test"}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    frozen, events_view, account_views = done.stdout.split()
    assert int(frozen) > 50_000, done.stdout
    assert events_view == account_views == "True", done.stdout
