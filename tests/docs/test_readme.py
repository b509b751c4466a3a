"""Every example in the README runs, as written, and shows what the product really answers.

Each code block of the README is either run here (its commands against a live server or
through manage.py, its JSON sample against the real response) or named in EXEMPT with the
reason; a new block fails `test_every_block_is_run_or_exempt` until it is one or the other.
"""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import Account, Subscription
from metrics.models import UsageEvent
from metrics.services.recompute import metrics_backfill
from tenants.models import Tenant
from tenants.services.api_keys import api_key_create
from tenants.services.tenants import tenant_create
from tenants.tenancy.context import tenant_scope
from tests.conftest import _database_url

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
LOCAL = "http://127.0.0.1:8000"

# Blocks not run by this file, by their first line.
EXEMPT = {
    "make run": "CI's smoke test runs `make run` on the embedded servers (.ci/run)",
    "csplatform is running at http://127.0.0.1:8000/": "make run's banner; CI checks it",
    "make test": "CI runs `make test` itself",
    "cat > .env <<EOF": "needs Docker, which this machine does not have",
    '<iframe src="https://csplatform.example.com/embed/checklist/?token=TOKEN"': (
        "the in-app checklist's snippet; tests/onboarding/test_embed.py opens its page"
    ),
    "# In-app checklist token (Python 3, standard library only)": (
        "run by tests/onboarding/test_embed.py, whose tokens open the checklist"
    ),
    "// Node.js": "run by tests/onboarding/test_embed.py where Node.js is installed",
}


def _blocks() -> list[tuple[str, str]]:
    """(language, text) of every fenced block, in order."""
    return re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.M | re.S)


def _block(first_line: str) -> str:
    found = [text for _, text in _blocks() if text.strip().splitlines()[0].strip() == first_line]
    assert len(found) == 1, f"README block starting {first_line!r}: {len(found)} found"
    return found[0]


RUN_HERE = {
    'curl -H "Authorization: Bearer $KEY" \\',  # reading metrics
    '{"from": "2026-01-01", "to": "2026-01-31", "dimension": "segment", "key": "SMB", "currency": "USD",',  # noqa: E501
    "KEY=...   # from Settings → API keys, or create_api_key",
    "import segment.analytics as analytics",
    "from standardwebhooks import Webhook",  # verifying a webhook's signature
    "python manage.py recompute_metrics --tenant acme                     # what the nightly run does",  # noqa: E501
    "python manage.py create_tenant acme --name \"Acme Corp\" --owner-email owner@acme.example --owner-password 'a-long-password'",  # noqa: E501
}


def test_every_block_is_run_or_exempt():
    firsts = [text.strip().splitlines()[0].strip() for _, text in _blocks()]
    unknown = [first for first in firsts if first not in EXEMPT and first not in RUN_HERE]
    assert not unknown, f"README blocks neither run by a test nor exempt: {unknown}"
    assert set(EXEMPT) | RUN_HERE == set(firsts), "EXEMPT or RUN_HERE name a block that is gone"


# What a person's shell has: none of this project's settings.
UNSET = ("DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")


def _shell(script: str, **environ) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(environ, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _checked_curl(script: str, base: str) -> str:
    """The block's curl commands against `base`, each failing on an HTTP error and printing
    its body on a line of its own."""
    script = script.replace(LOCAL, base)
    return re.sub(r"^curl ", "curl -sS --fail-with-body -w '\\n' ", script, flags=re.M)


@pytest.fixture
def acme_with_history(transactional_db):
    """The README's tenant `acme`, with a small demo history up to the README's sample day."""
    tenant, _ = tenant_create(
        slug="acme", name="Acme Corp", owner_email="owner@acme.example", currency="USD"
    )
    call_command(
        "seed_demo", "acme", "--accounts", "40", "--days", "420", "--seed", "7",
        "--end-date", "2026-01-31", stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    with tenant_scope(tenant):
        metrics_backfill(
            tenant=tenant, since=Subscription.objects.earliest("start_date").start_date
        )
    _, key = api_key_create(tenant=tenant, name="README")
    return tenant, key


def test_reading_metrics_answers_the_sample(acme_with_history, live_server):
    _, key = acme_with_history
    result = _shell(
        _checked_curl(_block('curl -H "Authorization: Bearer $KEY" \\'), live_server.url), KEY=key
    )
    assert result.returncode == 0, result.stderr + result.stdout
    daily, monthly = (json.loads(line) for line in result.stdout.splitlines() if line.strip())
    assert monthly["from"] == "2025-02" and len(monthly["results"]) == 12
    sample = json.loads(
        _block(
            '{"from": "2026-01-01", "to": "2026-01-31", "dimension": "segment", "key": "SMB", "currency": "USD",'  # noqa: E501
        )
    )
    first = daily["results"][0]
    for name, value in sample.items():
        if name != "results":
            assert daily[name] == value, name
    for name, figure in sample["results"][0].items():
        if name != "...":
            assert first[name] == figure, (name, first[name])


def test_sending_customer_data_works_as_written(
    tenant, api_key, live_server, transactional_db, settings
):
    # The example's event has a fixed date, which ages out of the window in which events
    # are accepted (tested in tests/metrics/test_event_storage.py).
    settings.EVENTS_MAX_AGE_DAYS = 36500
    script = _checked_curl(
        _block("KEY=...   # from Settings → API keys, or create_api_key"), live_server.url
    )
    script = script.replace("KEY=...", f"KEY={api_key[1]}")
    result = _shell(script)
    assert result.returncode == 0, result.stderr + result.stdout
    account = Account.objects.for_tenant(tenant).get(external_id="acme-42")
    assert account.name == "Initech"
    assert Subscription.objects.for_tenant(tenant).get(account=account).plan == "Growth"
    event = UsageEvent.objects.for_tenant(tenant).get(message_id="m-1")
    assert event.account_id == account.pk
    assert event.event == tenant_first_value_event_of_the_demo()


def tenant_first_value_event_of_the_demo() -> str:
    """The README's events use the demo tenant's names, so they light up its KPIs."""
    source = (ROOT / "csplatform/demo/management/commands/bootstrap_demo.py").read_text()
    return re.search(r'first_value_event="([^"]+)"', source).group(1)


def test_the_segment_example_delivers(tenant, api_key, live_server, transactional_db):
    script = _block("import segment.analytics as analytics")
    script = script.replace('"<csplatform API key>"', repr(api_key[1]))
    script = script.replace('"https://cs.example.com"', repr(live_server.url))
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert Account.objects.for_tenant(tenant).get(external_id="acme-42").name == "Initech"
    event = UsageEvent.objects.for_tenant(tenant).get(type="track")
    assert event.event == tenant_first_value_event_of_the_demo()


def test_recompute_commands_run_as_written(acme_with_history):
    block = _block(
        "python manage.py recompute_metrics --tenant acme                     # what the nightly run does"  # noqa: E501
    )
    script = block.replace("python manage.py", f"{sys.executable} manage.py")
    result = _shell(script, DEBUG="1", DATABASE_URL=_database_url(), REDIS_URL=settings.REDIS_URL)
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.count("Recomputed acme") + result.stdout.count("up to date") == 3


def test_setting_up_a_tenant_works_on_a_fresh_machine(tmp_path, db):
    """Exactly the README's commands, with nothing set: manage.py starts the embedded servers
    (in a fresh var directory) with development settings."""
    environ = {"CSPLATFORM_VAR_DIR": str(tmp_path / "var")}
    python = f"{sys.executable} manage.py"
    migrate = _shell(f"{python} migrate --noinput", **environ)
    assert migrate.returncode == 0, migrate.stderr
    block = _block(
        "python manage.py create_tenant acme --name \"Acme Corp\" --owner-email owner@acme.example --owner-password 'a-long-password'"  # noqa: E501
    )
    result = _shell(block.replace("python manage.py", python), **environ)
    assert result.returncode == 0, result.stderr + result.stdout
    key = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"[A-Za-z0-9]{8}\.[A-Za-z0-9]{32}", key), result.stdout
    again = _shell(block.replace("python manage.py", python).splitlines()[0], **environ)
    assert again.returncode == 0, again.stderr  # running it again changes nothing
    assert not Tenant.objects.filter(slug="acme").exists()  # that was another database


@pytest.mark.django_db
def test_the_webhook_verification_example_accepts_our_deliveries_and_refuses_forgeries(
    settings, django_capture_on_commit_callbacks
):
    """The README's receiver, run as written (its secret filled in), on a real delivery."""
    from django.db import transaction

    from tenants.services.webhooks import webhook_endpoint_create, webhook_event_emit
    from tests.tenants.webhook_receiver import receiver

    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    tenant, _ = tenant_create(slug="hooks", name="Hooks", owner_email="o@hooks.test")
    with receiver(200) as hook:
        endpoint = webhook_endpoint_create(
            tenant=tenant, url=hook.url, event_types=["account.churned"]
        )
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            webhook_event_emit(tenant=tenant, event_type="account.churned", data={"id": 1})
    (request,) = hook.requests
    code = _block("from standardwebhooks import Webhook").replace("whsec_...", endpoint.secret)
    handled = []
    namespace = {"already_handled": lambda msg_id: False, "handle": lambda *a: handled.append(a)}
    exec(code, namespace)  # noqa: S102 - the README's own example
    assert namespace["receive"](request.body, request.headers) == 200
    assert handled == [("account.churned", {"id": 1})]
    assert namespace["receive"](request.body + b" ", request.headers) == 400
