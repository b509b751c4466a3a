"""Web and worker processes hold no state of their own: two gunicorn servers and two Celery
workers, started apart on the one database and Redis, serve one tenant as one would.

A session signed in on one server is good on the other (and signed out from either); the
sign-in rate limit counts every server's attempts together; what the API writes through one
is read through the other; an event batch sent to both at once is stored once; two nightly
fan-outs sent at once are taken by the two workers, and the tenant's figures are computed
once, equal through either server and unchanged by a recompute asked for on the other."""

import hashlib
import os
import secrets
import threading
import time
from datetime import timedelta

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone

from bench.scratch import server_environment
from csplatform.celery import app as celery_app
from metrics.models import MetricFigure, MetricsState, RecomputeJob, UsageEvent
from tenants.services.api_keys import api_key_create
from tenants.services.tenants import tenant_create
from tests.conftest import _database_url, broker_back
from tests.ops.processes import celery_worker, gunicorn, queues_delete, tasks_succeeded

PASSWORD = "a-long-enough-pass-phrase-9"
CONTACTS = ["c1", "c2", "c3", "c4"]


def environment(queue: str) -> dict:
    """What every web and worker process of one deployment shares: the production settings
    (static files aside: bench/load/settings.py), the same secret key, database, Redis, cache
    prefix and queue."""
    env = server_environment(_database_url())
    env.pop("CSPLATFORM_TESTING", None)
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "REDIS_URL": settings.REDIS_URL,
        "SESSION_COOKIE_SECURE": "0",  # plain HTTP on the loopback
        "CSRF_COOKIE_SECURE": "0",
        # Per address, and every request here comes from 127.0.0.1: a day's window, so the
        # count cannot start again half-way through the test.
        "LOGIN_RATE_LIMIT": "4/d",
        # This run's own counters: a day's count must not meet a later run's.
        "CACHE_KEY_PREFIX": f"two-of-each-{queue}",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "LOG_FORMAT": "json",
        "PYTHONWARNINGS": f"{env['PYTHONWARNINGS']},ignore:You're running the worker",
    }


@pytest.mark.django_db(transaction=True)
def test_two_web_servers_and_two_workers_serve_one_tenant_as_one(tmp_path):
    tenant, _ = tenant_create(slug="acme", name="Acme", owner_email="owner@acme.test")
    # Hashed as the servers' production settings check it (the tests' own hasher is MD5).
    owner = get_user_model().objects.get(email="owner@acme.test")
    owner.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    owner.save(update_fields=["password"])
    _, key = api_key_create(tenant=tenant, name="Integration")
    queue = f"two-of-each-{os.getpid()}-{secrets.token_hex(4)}"
    env = environment(queue)
    logs = {"w1": tmp_path / "w1.log", "w2": tmp_path / "w2.log"}
    try:
        with (
            gunicorn(env) as web_a,
            gunicorn(env) as web_b,
            celery_worker(env, name="w1", queues=[queue], log=logs["w1"]),
            celery_worker(env, name="w2", queues=[queue], log=logs["w2"]),
        ):
            session = _sessions_are_shared(web_a, web_b)
            _the_sign_in_limit_is_shared(web_a, web_b)
            api_a, api_b = _api(web_a, key), _api(web_b, key)
            _writes_on_one_are_read_on_the_other(api_a, api_b)
            yesterday = _events_are_stored_once(api_a, api_b, tenant)
            _both_workers_take_the_nightly(queue, logs, tenant)
            figures = _figures(tenant)
            assert _dau(tenant, yesterday) == len(CONTACTS)
            assert _daily(api_a, yesterday) == _daily(api_b, yesterday)
            assert _daily(api_a, yesterday)["dau"]["value"] == len(CONTACTS)
            _a_recompute_asked_on_b_changes_nothing(session, web_b, tenant, yesterday, figures)
            _signing_out_on_one_signs_out_on_the_other(session, web_a, web_b)
    finally:
        for name, log in logs.items():
            if log.exists():
                print(f"--- worker {name}\n{log.read_text()[-5000:]}")
        queues_delete(settings.REDIS_URL, [queue])


def _sessions_are_shared(web_a: str, web_b: str) -> requests.Session:
    """Signed in through A's sign-in form; the same cookies open pages and the API on B."""
    session = requests.Session()
    form = session.get(f"{web_a}/login/")
    assert form.status_code == 200
    signed_in = session.post(
        f"{web_a}/login/",
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"],
              "username": "owner@acme.test", "password": PASSWORD},
        headers={"Referer": f"{web_a}/login/"}, allow_redirects=False,
    )  # fmt: skip
    assert signed_in.status_code == 302, signed_in.text[:500]
    assert "sessionid" in session.cookies
    # The cookies are the host's, not the port's: B gets them as a load balancer would send.
    page = session.get(f"{web_b}/accounts/", allow_redirects=False)
    assert page.status_code == 200 and "Acme" in page.text
    assert session.get(f"{web_b}/api/v1/accounts/").status_code == 200
    assert requests.get(f"{web_b}/accounts/", allow_redirects=False, timeout=60).status_code == 302
    return session


def _the_sign_in_limit_is_shared(web_a: str, web_b: str) -> None:
    """LOGIN_RATE_LIMIT=4/d per address: the sign-in above and three wrong passwords on A and
    B make four; the fifth attempt is refused on either, as one server would refuse it."""
    statuses = [_wrong_sign_in(web) for web in (web_b, web_a, web_b)]
    assert statuses == [200, 200, 200]  # the form again, with its error
    assert _wrong_sign_in(web_a) == 429
    assert _wrong_sign_in(web_b) == 429


def _wrong_sign_in(web: str) -> int:
    client = requests.Session()
    client.get(f"{web}/login/")
    answer = client.post(
        f"{web}/login/",
        data={"csrfmiddlewaretoken": client.cookies["csrftoken"],
              "username": "nobody@acme.test", "password": "wrong"},
        headers={"Referer": f"{web}/login/"}, allow_redirects=False,
    )  # fmt: skip
    return answer.status_code


def _api(web: str, key: str):
    client = requests.Session()
    client.headers["Authorization"] = f"Bearer {key}"

    def call(method: str, path: str, **kwargs):
        return client.request(method, f"{web}/api/v1/{path}", timeout=60, **kwargs)

    return call


def _writes_on_one_are_read_on_the_other(api_a, api_b) -> None:
    created = api_a("POST", "accounts/", json={"external_id": "acc-1", "name": "Initech"})
    assert created.status_code == 201, created.text
    read = api_b("GET", "accounts/acc-1/")
    assert read.status_code == 200, read.text
    assert (read.json()["id"], read.json()["name"]) == (created.json()["id"], "Initech")
    start = (timezone.now() - timedelta(days=40)).date().isoformat()
    term = {"external_id": "sub-1", "account_external_id": "acc-1", "plan": "Growth",
            "mrr": "499.00", "start_date": start}  # fmt: skip
    assert api_b("POST", "subscriptions/", json=term).status_code == 201
    for n, contact in enumerate(CONTACTS):
        api = (api_a, api_b)[n % 2]
        answer = api(
            "POST", "contacts/", json={"external_id": contact, "account_external_id": "acc-1"}
        )
        assert answer.status_code == 201, answer.text
    listed = api_a("GET", "contacts/").json()["results"]
    assert sorted(row["external_id"] for row in listed) == CONTACTS


def _events_are_stored_once(api_a, api_b, tenant):
    """Batches through either server, one resent through the other, one sent to both at once:
    each event stored once, and the duplicates said so."""
    yesterday = (timezone.now() - timedelta(days=1)).date()
    at = f"{yesterday.isoformat()}T12:00:00Z"

    def events(ids, contact):
        return {"events": [{"message_id": id, "event": "Report Exported", "timestamp": at,
                            "account_external_id": "acc-1", "contact_external_id": contact}
                           for id in ids]}  # fmt: skip

    first = api_a("POST", "events/batch/", json=events([f"a{n}" for n in range(5)], "c1"))
    assert (first.json()["accepted"], first.json()["duplicates"]) == (5, 0), first.text
    again = api_b("POST", "events/batch/", json=events([f"a{n}" for n in range(5)], "c1"))
    assert (again.json()["accepted"], again.json()["duplicates"]) == (0, 5), again.text
    second = api_b("POST", "events/batch/", json=events([f"b{n}" for n in range(5)], "c2"))
    assert second.json()["accepted"] == 5, second.text
    both = events([f"x{n}" for n in range(50)], "c3")
    answers = {}
    threads = [
        threading.Thread(target=lambda name=name, api=api: answers.update(
            {name: api("POST", "events/batch/", json=both).json()}))
        for name, api in (("a", api_a), ("b", api_b))
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sum(answer["accepted"] for answer in answers.values()) == 50, answers
    assert sum(answer["duplicates"] for answer in answers.values()) == 50, answers
    last = api_a("POST", "events/batch/", json=events(["d0"], "c4"))
    assert last.json()["accepted"] == 1
    ids = list(
        UsageEvent.objects.unscoped().filter(tenant=tenant).values_list("message_id", flat=True)
    )
    assert len(ids) == len(set(ids)) == 5 + 5 + 50 + 1
    return yesterday


def _both_workers_take_the_nightly(queue: str, logs: dict, tenant) -> None:
    """Two nightly fan-outs at once, as from two beats: one per worker. Each queues the
    tenant's run; one run computes, the other finds the tenant locked or up to date."""
    _wait(lambda: _names(logs).count("tenants.tasks.relay_outbox") >= 2, "the start-up relays")
    with broker_back(eager=False):
        sent = [celery_app.send_task("metrics.tasks.nightly_all", queue=queue).id for _ in range(2)]
    # The run that found the tenant locked is retried within a minute (retry_backoff).
    _wait(lambda: _names(logs).count("metrics.tasks.nightly") >= 2, "both nightly runs", 240)
    ran_by = {
        task_id: worker for worker, log in logs.items() for _, task_id in tasks_succeeded(log)
    }
    assert {ran_by.get(task_id) for task_id in sent} == {"w1", "w2"}, ran_by
    state = MetricsState.objects.unscoped().get(tenant=tenant)
    assert state.computed_through == (timezone.now() - timedelta(days=1)).date()


def _a_recompute_asked_on_b_changes_nothing(session, web_b, tenant, yesterday, figures):
    """The recompute form, on B with A's session (its CSRF cookie too): the job runs on a
    worker, and the figures it writes again are the same, none twice."""
    since = (yesterday - timedelta(days=7)).isoformat()
    asked = session.post(
        f"{web_b}/metrics/recompute/",
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"], "since": since,
              "until": yesterday.isoformat()},
        headers={"Referer": f"{web_b}/metrics/recompute/"}, allow_redirects=False,
    )  # fmt: skip
    assert asked.status_code == 302, asked.text[:1000]
    job = RecomputeJob.objects.unscoped().get(tenant=tenant)
    _wait(lambda: _job_status(job) == RecomputeJob.Status.DONE, "the recompute", 240)
    assert _figures(tenant) == figures


def _signing_out_on_one_signs_out_on_the_other(session, web_a, web_b) -> None:
    out = session.post(
        f"{web_b}/logout/", data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{web_b}/accounts/"}, allow_redirects=False,
    )  # fmt: skip
    assert out.status_code == 302
    assert session.get(f"{web_a}/accounts/", allow_redirects=False).status_code == 302


def _job_status(job):
    job.refresh_from_db()
    assert job.status != RecomputeJob.Status.FAILED, job.error
    return job.status


def _names(logs: dict) -> list[str]:
    return [name for log in logs.values() for name, _ in tasks_succeeded(log)]


def _wait(condition, what: str, seconds: int = 90) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.3)


def _figures(tenant) -> tuple[int, str]:
    """The tenant's figures: how many, and a digest of every one (not when computed)."""
    rows = (
        MetricFigure.objects.unscoped()
        .filter(tenant=tenant)
        .order_by("grain", "dimension", "key", "period", "metric")
        .values_list("grain", "dimension", "key", "period", "metric", "value", "numerator",
                     "denominator")
    )  # fmt: skip
    rows = list(rows)
    assert len(rows) == len({row[:5] for row in rows})  # none twice
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def _dau(tenant, day) -> int:
    figure = MetricFigure.objects.unscoped().get(
        tenant=tenant, grain="day", dimension="all", key="", period=day, metric="dau"
    )
    return int(figure.value)


def _daily(api, day) -> dict:
    answer = api("GET", "metrics/daily/", params={"from": day.isoformat(), "to": day.isoformat()})
    assert answer.status_code == 200, answer.text
    [row] = answer.json()["results"]
    return row
