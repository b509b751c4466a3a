"""Every route, tried from the wrong tenant: tenant B's owner, in the browser and with B's API
key, calls every page and every API operation with tenant A's ids and external ids.

Routes and operations are enumerated from the URL patterns and the OpenAPI schema, so those
added later are tried without new code. Each call naming one of A's rows answers 404 (or 405
where the method does not exist there), no value of A (names, emails, external ids, notes)
appears in any response of B's, and A's rows are the same afterwards.

The two tenants are made once for the module (minutes of demo history and metrics), in a
transaction rolled back after its last test; each test runs in a savepoint of its own inside
it, so each starts from the same rows, B's own writes of the test before undone.
"""

import functools
import json
import re

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import Account, AccountNote, Contact, NpsResponse, Subscription
from metrics.models import AcquisitionSpend, Feature
from tenants.api.throttling import TenantKeyRateThrottle
from tenants.models import Invitation, Membership, Role, Tenant, TenantAPIKey
from tenants.services.api_keys import api_key_create
from tenants.tenancy.context import tenant_scope
from tests.conftest import MODEL_BACKEND
from tests.platform.tenant_data import tenant_owned_models, tenants_fill
from tests.platform.test_route_guard import PUBLIC

pytestmark = pytest.mark.django_db

# Routes not tried here, with the reason: those public by design (sign-in, sign-out and the
# password pages, which are the user's own; the API description), and the switcher.
SKIPPED_ROUTES = {**PUBLIC, "tenant-switch": "tried on its own below"}
SKIPPED_PREFIXES = ("admin:", "segment-")  # admin: test_admin.py; Segment: the key's tenant
# Statuses that say "not here" to a caller naming another tenant's row.
NOT_FOUND = {404, 405}


@pytest.fixture(scope="module")
def _filled_once(django_db_setup, django_db_blocker):
    """(A's pk, B's pk), made in a transaction that ends, rolled back, with the module."""
    with django_db_blocker.unblock():
        # As django.test.TestCase does for setUpTestData: its tests' own atomic blocks (the
        # db fixture's) become savepoints inside this one.
        outer = transaction.atomic()
        outer._from_testcase = True
        outer.__enter__()
        try:
            a, b = tenants_fill()
            yield a.pk, b.pk
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def filled_tenants(_filled_once, db):
    """Tenant A with a row in every table, tenant B with its owner only (tenant_data.py), as
    instances of this test's own."""
    return tuple(Tenant.objects.get(pk=pk) for pk in _filled_once)


def _secrets(a: Tenant) -> set[str]:
    """Values of A that must never reach B."""
    with tenant_scope(a):
        values = {a.name, "hidden-csm@acme.test", "invited-secret@acme.test", "boss@acme.test"}
        values |= {"Acme hidden integration", "Acme confidential renewal plan", "acme-secret.csv"}
        for account in Account.objects.all():
            values |= {account.name, account.external_id, account.domain}
        values |= set(Contact.objects.exclude(email="").values_list("email", flat=True))
        values |= set(Subscription.objects.values_list("external_id", flat=True))
    return {value for value in values if value and len(value) > 5}


def _snapshot(a: Tenant) -> dict:
    """A's rows, every field, in every tenant-owned table."""
    with tenant_scope(a):
        return {
            model._meta.label: sorted(
                map(_row, model.objects.order_by().values_list(*_fields(model)))
            )
            for model in tenant_owned_models()
        }


def _row(values: tuple) -> str:
    # Binary fields come back as memoryviews, whose repr is their address, not their bytes.
    return repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in values))


def _fields(model):
    # Times that a read may touch (a key's last use) are not A's data.
    return [f.attname for f in model._meta.concrete_fields if f.name not in {"last_used_at"}]


def _ids(a: Tenant, b: Tenant) -> dict[str, list]:
    """One of A's primary keys per tenant-owned table (none that is also the key of one of
    B's own rows in some table), A's external ids, and other keys."""
    with tenant_scope(b):
        b_keys = {
            pk
            for model in tenant_owned_models()
            for pk in model.objects.values_list("pk", flat=True)
            if isinstance(pk, int)
        }
    with tenant_scope(a):
        pks = []
        for model in tenant_owned_models():
            pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
            if isinstance(pk, int) and pk not in b_keys:  # composite keys are never in a URL
                pks.append(pk)
        external = [
            Account.objects.order_by("pk").first().external_id,
            Contact.objects.order_by("pk").first().external_id,
            Subscription.objects.order_by("pk").first().external_id,
        ]
        external += list(
            NpsResponse.objects.exclude(external_id=None).values_list("external_id", flat=True)[:1]
        )
        return {
            "int": sorted(set(pks)),
            "str": external
            + [TenantAPIKey.objects.first().pk]
            + list(Feature.objects.values_list("event_name", flat=True)[:1]),
            "month": [AcquisitionSpend.objects.order_by("month").first().month.strftime("%Y-%m")],
        }


def _patterns(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            nested = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern), nested)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def _page_routes():
    for name, route in _patterns(get_resolver().url_patterns):
        if name in SKIPPED_ROUTES or name.startswith(SKIPPED_PREFIXES):
            continue
        if route.startswith(("api/", "^api/", "v1/")) or "schema" in name or "swagger" in name:
            continue  # the API is swept through its schema below
        yield name, route


def _fill(route: str, ids: dict) -> list[str]:
    """Every URL of `route` with A's keys in its parameters (none: the route itself)."""
    route = route.lstrip("^").rstrip("$")
    params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
    if not params:
        return ["/" + route]
    converter = params[0][0]
    values = ids["int"] if converter == "int" else ids["str"] + [str(n) for n in ids["int"]]
    return ["/" + re.sub(r"<(?:\w+:)?\w+>", str(value), route, count=1) for value in values]


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _leaks(body, secrets: set[str], sent: str = "") -> list[str]:
    """A's values in a response, other than those the caller itself sent (echoed in an
    error message, or the key of a row of its own it created)."""
    if not isinstance(body, bytes):
        body = _body(body)
    text = body.decode(errors="replace")
    return sorted(secret for secret in secrets if secret in text and secret not in sent)


def test_every_page_from_the_wrong_tenant(filled_tenants, client):
    a, b = filled_tenants
    secrets, ids, before = _secrets(a), _ids(a, b), _snapshot(a)
    client.force_login(
        Membership.objects.for_tenant(b).get(role=Role.OWNER).user, backend=MODEL_BACKEND
    )
    tried, problems = 0, []
    for name, route in _page_routes():
        has_key = "<" in route
        for url in _fill(route, ids):
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                tried += 1
                if has_key and response.status_code not in NOT_FOUND:
                    problems.append(f"{method.upper()} {url} ({name}): {response.status_code}")
                if leaked := _leaks(response, secrets, sent=url):
                    problems.append(f"{method.upper()} {url} ({name}) shows A's {leaked[:3]}")
    # Searches, filters and exports with A's values find nothing of A.
    for value in sorted(secrets)[:20]:
        for url in (f"/accounts/?q={value}", f"/accounts/?segment={value}"):
            if leaked := _leaks(client.get(url), secrets, sent=url):
                problems.append(f"GET {url} shows A's {leaked[:3]}")
    for kind in ("accounts", "contacts", "subscriptions"):
        if leaked := _leaks(client.get(f"/data/export/{kind}.csv"), secrets):
            problems.append(f"export {kind} shows A's {leaked[:3]}")
    switch = client.post("/tenants/switch/", {"tenant": a.slug})
    if switch.status_code != 404:
        problems.append(f"switching to A answered {switch.status_code}")
    assert client.get("/").status_code == 200  # still signed in: nothing above signed out
    assert tried > 50
    assert not problems, "\n".join(problems)
    assert _snapshot(a) == before


@functools.cache  # the schema is the code's: the same for both callers
def _operations():
    """Every operation; reads and deletes first, while B has no rows of its own yet (a write
    may create one under a key that A uses too: keys are per tenant)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    order = {"get": 0, "delete": 1}
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    return tuple(sorted(operations, key=lambda op: order.get(op[1], 2)))


def _api_urls(path: str, ids: dict) -> list[str]:
    params = re.findall(r"{(\w+)}", path)
    if not params:
        return [path]
    values = {
        "month": ids["month"],
        "id": ids["int"],
    }.get(params[0], ids["str"])
    return [re.sub(r"{\w+}", str(value), path, count=1) for value in values]


def _a_bodies(a: Tenant):
    """`body(path)`: A's own representation of a row of this resource, as B would copy it
    into a write. Read once per collection: A's rows stay the same throughout (asserted)."""
    owner = Membership.objects.for_tenant(a).get(role=Role.OWNER).user
    reader = APIClient()
    reader.force_login(owner, backend=MODEL_BACKEND)
    bodies = {}

    def body(path: str) -> dict:
        collection = re.sub(r"{\w+}/$", "", path)
        if collection not in bodies:
            bodies[collection] = _first_row(reader.get(collection))
        return dict(bodies[collection])

    return body


def _first_row(response) -> dict:
    if response.status_code != 200:
        return {}
    data = response.json()
    rows = data.get("results", []) if isinstance(data, dict) else data
    row = rows[0] if rows and isinstance(rows[0], dict) else {}
    return {k: v for k, v in row.items() if k not in {"id", "created_at", "updated_at"}}


@pytest.mark.parametrize("authentication", ["api_key", "session"])
def test_every_api_operation_from_the_wrong_tenant(filled_tenants, authentication, monkeypatch):
    # One caller tries every operation, more than a minute's worth of the API's rate limit.
    monkeypatch.setattr(TenantKeyRateThrottle, "THROTTLE_RATES", {"tenant_key": "1000000/minute"})
    a, b = filled_tenants
    secrets, ids, before = _secrets(a), _ids(a, b), _snapshot(a)
    api = APIClient()
    if authentication == "api_key":
        _, raw = api_key_create(tenant=b, name="Globex integration")
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    else:
        api.force_login(
            Membership.objects.for_tenant(b).get(role=Role.OWNER).user, backend=MODEL_BACKEND
        )
    a_body = _a_bodies(a)
    tried, problems = 0, []
    for path, method, _operation in _operations():
        body = a_body(path) if method in ("post", "put", "patch") else None
        # What this caller gets for a key no tenant has: A's keys must get the same.
        nowhere = re.sub(r"{\w+}", "0000-01" if "{month}" in path else "999999999", path)
        baseline = getattr(api, method)(nowhere, body, format="json").status_code
        for url in _api_urls(path, ids):
            response = getattr(api, method)(url, body, format="json")
            tried += 1
            named = "{" in path and method in ("get", "delete")
            status = response.status_code
            if named and status not in NOT_FOUND and status != baseline:
                # Keys every tenant has (the default churn reasons) find B's own row.
                if not (status == 200 and "churn-reasons" in path):
                    problems.append(f"{method.upper()} {url}: {status} (unknown key: {baseline})")
            if status >= 500:
                problems.append(f"{method.upper()} {url}: {status}")
            sent = url + json.dumps(body or {})
            if leaked := _leaks(response, secrets, sent=sent):
                problems.append(f"{method.upper()} {url} shows A's {leaked[:3]}")
    # Metrics cut by A's segment or A's member are not B's to read.
    member = Membership.objects.for_tenant(a).order_by("pk").first()
    for query in ("segment=Enterprise", f"owner={member.pk}"):
        response = api.get(f"/api/v1/metrics/daily/?{query}")
        if response.status_code != 400 or _leaks(response, secrets):
            problems.append(f"metrics/daily/?{query}: {response.status_code}")
    assert tried > 100
    assert not problems, "\n".join(problems[:40])
    assert _snapshot(a) == before
    assert json.dumps(before)  # the snapshot is plain data
    assert Invitation.objects.for_tenant(a).count() == 1 and AccountNote.objects.for_tenant(a)
