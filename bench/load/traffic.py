"""The load benchmark's traffic: locust users against a running server, for a bounded time.

    python -m bench.load.traffic PLAN.json RESULT.json

PLAN names the server (host), the seeded tenant's addresses (bench/load/seed.py), how many
users of each kind and for how many seconds. Kinds of user: an integration sending event
batches and Segment calls, a CSM who signs in and opens the portfolio and accounts' pages,
an API client reading, and customers ticking their onboarding checklist in the portal and
searching the help center. Every event sent carries a message id; the ids of the events a
2xx answer acknowledged are written to RESULT with each request kind's figures, for the
caller to count in the database. Some event batches are sent again as a client retrying
after a lost answer would, and some hold an id twice: both must still store it once.

Importing locust patches the standard library for gevent, so this runs in a process of its
own.
"""

import base64
import json
import random
import re
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, task
from locust.env import Environment

RETRY_SHARE = 0.05  # batches sent again as a retry
DUPLICATE_SHARE = 0.02  # events repeated inside their batch
ACKED = "accepted", "duplicate"
PERCENTILES = {"p50": 0.50, "p95": 0.95, "p99": 0.99}


class Ledger:
    """Message ids sent and acknowledged, events acknowledged by kind, and what went wrong
    in an answer that its status alone does not show."""

    def __init__(self):
        self.sent: set[str] = set()
        self.acknowledged: set[str] = set()
        self.events: dict[str, int] = {}
        self.problems: list[str] = []

    def ack(self, kind: str, ids) -> None:
        ids = list(ids)
        self.acknowledged.update(ids)
        self.events[kind] = self.events.get(kind, 0) + len(ids)


LEDGER = Ledger()
PLAN: dict = {}
rng = random.Random(11)  # noqa: S311 - reproducible traffic, not secrets


def now_iso(back_seconds: int = 0) -> str:
    return (datetime.now(UTC) - timedelta(seconds=back_seconds)).isoformat()


def new_id() -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def every_task_once(user) -> None:
    """Each kind of request is made at least once by every user, however short the run."""
    for method in dict.fromkeys(user.tasks):
        method(user)


class Integration(FastHttpUser):
    """The tenant's product sending usage: the batch API and Segment's tracking API."""

    wait_time = between(0.05, 0.3)

    def on_start(self):
        key = PLAN["api_key"]
        self.bearer = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        basic = base64.b64encode(f"{key}:".encode()).decode()
        self.basic = {"Authorization": f"Basic {basic}", "Content-Type": "application/json"}
        self.sent_bodies: list[tuple[bytes, list[str]]] = []
        every_task_once(self)

    def event(self) -> dict:
        contact = rng.choice(PLAN["contacts"])
        event = {
            "message_id": new_id(),
            "event": rng.choice(PLAN["events"]),
            "timestamp": now_iso(rng.randrange(86_400)),
            "contact_external_id": contact["external_id"],
            "properties": {"source": "load", "n": rng.randrange(100)},
        }
        if rng.random() < 0.7:
            event["account_external_id"] = contact["account"]
        return event

    @task(6)
    def events_batch(self):
        retry = bool(self.sent_bodies) and rng.random() < RETRY_SHARE
        if retry:
            body, ids = rng.choice(self.sent_bodies)  # every event acknowledged before
        else:
            events = [self.event() for _ in range(rng.randint(1, PLAN["batch"]))]
            events += [dict(e) for e in events if rng.random() < DUPLICATE_SHARE]
            ids = [e["message_id"] for e in events]
            body = json.dumps({"events": events}).encode()
            LEDGER.sent.update(ids)
        with self.client.post(
            "/api/v1/events/batch/", data=body, headers=self.bearer, name="events batch",
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            results = response.json()["results"]
            refused = [r for r in results if r["status"] not in ACKED]
            if refused or len(results) != len(ids):
                response.failure(f"not acknowledged: {refused[:1]}")
                return
            if retry and any(r["status"] == "accepted" for r in results):
                LEDGER.problems.append(f"a retried batch was accepted again: {ids[:1]}")
            LEDGER.ack("events batch", (r["message_id"] for r in results))
            response.success()
        if not retry and len(self.sent_bodies) < 50:
            self.sent_bodies.append((body, ids))

    @task(3)
    def segment_batch(self):
        contact = rng.choice(PLAN["contacts"])
        user = contact["external_id"]
        messages = [
            {"type": "identify", "userId": user, "traits": {"plan": "pro"},
             "messageId": new_id(), "timestamp": now_iso()},
            {"type": "group", "userId": user, "groupId": contact["account"],
             "traits": {"seats": rng.randrange(5, 50)}, "messageId": new_id()},
        ]  # fmt: skip
        tracks = [
            {"type": rng.choice(["track", "track", "page"]), "userId": user,
             "event": rng.choice(PLAN["events"]), "messageId": new_id(),
             "timestamp": now_iso(rng.randrange(3600)),
             "context": {"groupId": contact["account"]}, "properties": {"source": "load"}}
            for _ in range(rng.randint(1, 20))
        ]  # fmt: skip
        for message in tracks:
            if message["type"] == "page":
                message.pop("event")
        ids = [m["messageId"] for m in tracks]
        LEDGER.sent.update(ids)
        body = json.dumps({"batch": messages + tracks, "sentAt": now_iso()}).encode()
        self.segment("/v1/batch", body, ids, "segment batch")

    @task(1)
    def segment_track(self):
        contact = rng.choice(PLAN["contacts"])
        message = {"userId": contact["external_id"], "event": rng.choice(PLAN["events"]),
                   "messageId": new_id(), "timestamp": now_iso(),
                   "context": {"groupId": contact["account"]}}  # fmt: skip
        LEDGER.sent.add(message["messageId"])
        self.segment("/v1/track", json.dumps(message).encode(), [message["messageId"]],
                     "segment track")  # fmt: skip

    def segment(self, path: str, body: bytes, ids: list[str], kind: str) -> None:
        with self.client.post(
            path, data=body, headers=self.basic, name=kind, catch_response=True
        ) as response:
            if response.status_code != 200 or response.json() != {"success": True}:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            LEDGER.ack(kind, ids)
            response.success()


class Csm(FastHttpUser):
    """A CSM, signed in through the sign-in form, going through the portfolio and accounts."""

    wait_time = between(0.1, 0.5)
    _next = 0

    def on_start(self):
        Csm._next += 1
        email = PLAN["csms"][Csm._next % len(PLAN["csms"])]
        form = self.client.get("/login/", name="sign-in form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        with self.client.post(
            "/login/",
            data=urlencode({"csrfmiddlewaretoken": token.group(1) if token else "",
                            "username": email, "password": PLAN["password"]}),
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Referer": f"{self.host}/login/"},
            name="sign-in", allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
            else:
                response.success()
        every_task_once(self)

    @task(3)
    def portfolio(self):
        query = rng.choice(["", "?sort=-mrr", "?band=poor&renewal=90&sort=-mrr", "?owner=me",
                            "?q=a", "?page=2"])  # fmt: skip
        self.page(f"/accounts/{query}", "portfolio")

    @task(3)
    def account(self):
        self.page(f"/accounts/{rng.choice(PLAN['accounts'])['pk']}/", "account 360")

    def page(self, path: str, kind: str) -> None:
        with self.client.get(path, name=kind, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{path} answered {r.status_code}")
            else:
                r.success()


class ApiClient(FastHttpUser):
    """A tenant's script reading through the REST API with its key."""

    wait_time = between(0.1, 0.5)

    def on_start(self):
        self.headers = {"Authorization": f"Bearer {PLAN['api_key']}"}
        every_task_once(self)

    @task
    def read(self):
        account = rng.choice(PLAN["accounts"])["external_id"]
        path = rng.choice(
            ["/api/v1/accounts/", f"/api/v1/accounts/{account}/", "/api/v1/contacts/",
             "/api/v1/health-scores/", "/api/v1/subscriptions/"]
        )  # fmt: skip
        with self.client.get(path, headers=self.headers, name="api read", catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{path} answered {r.status_code}: {r.text[:200]}")
            else:
                r.success()


class Customer(FastHttpUser):
    """A customer's contact: the onboarding checklist in the portal, the help center."""

    wait_time = between(0.2, 1.0)

    def on_start(self):
        every_task_once(self)

    @task(1)
    def portal_tick(self):
        if not PLAN["portal"]:
            return
        link = rng.choice(PLAN["portal"])
        with self.client.post(
            f"/p/{link['token']}/tick/", data=urlencode({"step": rng.choice(link["steps"])}),
            headers={"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"},
            name="portal tick", catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 200 or 'role="alert"' in response.text:
                response.failure(f"tick answered {response.status_code}")
            else:
                response.success()

    @task(2)
    def help_search(self):
        language, word = rng.choice(PLAN["search"])
        path = f"/help/{PLAN['slug']}/{language}/search/?{urlencode({'q': word})}"
        with self.client.get(path, name="help search", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")
            else:
                response.success()


USERS = {"integration": Integration, "csm": Csm, "api": ApiClient, "customer": Customer}


def kinds_of(user_class) -> set[str]:
    return {KIND_OF[method.__name__] for method in user_class.tasks}


KIND_OF = {
    "events_batch": "events batch", "segment_batch": "segment batch",
    "segment_track": "segment track", "portfolio": "portfolio", "account": "account 360",
    "read": "api read", "portal_tick": "portal tick", "help_search": "help search",
}  # fmt: skip


def errors_of(env: Environment, runner) -> list[str]:
    errors = [
        f"{e.method} {e.name}: {e.error} (x{e.occurrences})" for e in env.stats.errors.values()
    ]
    return errors + [f"exception: {e['msg']} (x{e['count']})" for e in runner.exceptions.values()]


def run(plan: dict) -> dict:
    PLAN.update(plan)
    classes = []
    for name, count in plan["users"].items():
        if count:
            USERS[name].fixed_count = count
            classes.append(USERS[name])
    env = Environment(user_classes=classes, host=plan["host"], stop_timeout=30)
    runner = env.create_local_runner()
    seen = set()
    env.events.request.add_listener(lambda name, **_: seen.add(name))
    total = sum(plan["users"].values())
    runner.start(total, spawn_rate=total)
    # A warm-up, left out of the figures: each server worker imports most of the project on
    # its first requests, and the CSMs sign in. What failed in it still fails the run.
    gevent.sleep(plan["warmup"])
    warmup_errors = [f"warm-up: {error}" for error in errors_of(env, runner)]
    if env.stats.total.num_failures and not warmup_errors:
        warmup_errors = [f"warm-up: {env.stats.total.num_failures} requests failed"]
    env.stats.reset_all()
    runner.exceptions.clear()
    LEDGER.events.clear()  # the ids stay: what the warm-up sent is checked too
    started = time.monotonic()
    gevent.spawn_later(plan["seconds"], runner.quit)
    runner.greenlet.join()
    seconds = time.monotonic() - started
    expected = set().union(*(kinds_of(user_class) for user_class in classes))
    missing = [f"no request made: {kind}" for kind in sorted(expected - seen)]
    kinds = {}
    for (name, _method), entry in sorted(env.stats.entries.items()):
        if not entry.num_requests:
            continue
        kinds[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "per_second": entry.num_requests / seconds,
            "events": LEDGER.events.get(name, 0),
            **{label: entry.get_response_time_percentile(q) for label, q in PERCENTILES.items()},
        }
    return {
        "seconds": seconds,
        "kinds": kinds,
        "errors": warmup_errors + errors_of(env, runner) + LEDGER.problems + missing,
        "sent": sorted(LEDGER.sent),
        "acknowledged": sorted(LEDGER.acknowledged),
    }


def main(argv) -> int:
    plan_path, result_path = argv
    with open(plan_path) as plan_file:
        plan = json.load(plan_file)
    result = run(plan)
    with open(result_path, "w") as result_file:
        json.dump(result, result_file)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
