"""One JSON log line per request, with its request id, tenant, user, route, status and
duration; task log lines carry the task's id and tenant's id."""

import io
import json
import logging

import pytest

from tenants.tenancy.tasks import tenant_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    """What the configured console handler (formatter and filters) writes, as JSON lines."""
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for log_filter in console.filters:
        handler.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def request_lines(records):
    return [r for r in records if r["logger"] == "csplatform.request"]


def test_a_page_request_logs_one_json_line_with_its_ids(owner_client, owner, tenant, lines):
    response = owner_client.get("/", HTTP_X_REQUEST_ID="lb-7f3a.91")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-7f3a.91"
    [line] = request_lines(lines())
    assert line["message"] == "request"
    assert line["request_id"] == "lb-7f3a.91"
    assert (line["tenant_id"], line["user_id"]) == (tenant.pk, owner.pk)
    assert (line["route"], line["method"], line["status"]) == ("home", "GET", 200)
    assert line["duration_ms"] > 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_an_api_request_logs_the_key_s_tenant(api, tenant, lines):
    response = api.get("/api/v1/accounts/")
    assert response.status_code == 200
    [line] = request_lines(lines())
    assert (line["tenant_id"], line["user_id"], line["status"]) == (tenant.pk, None, 200)
    assert line["route"] == "account-list"
    # No X-Request-ID sent: one is made, and handed back.
    assert len(line["request_id"]) == 32 and response["X-Request-ID"] == line["request_id"]


def test_an_unfit_request_id_is_replaced(client, lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID='x" injected\tvalue')
    [line] = request_lines(lines())
    assert line["request_id"] != 'x" injected\tvalue' and len(line["request_id"]) == 32
    assert response["X-Request-ID"] == line["request_id"]
    assert (line["tenant_id"], line["user_id"], line["route"]) == (None, None, "healthz")


@tenant_task(name="tests.ops.log_something")
def _log_something(tenant) -> None:
    logging.getLogger("tests.ops").info("working for %s", tenant.slug)


def test_task_log_lines_carry_the_task_id_and_tenant_id(tenant, lines):
    result = _log_something.delay(tenant.pk)
    [line] = [r for r in lines() if r["logger"] == "tests.ops"]
    assert (line["message"], line["tenant_id"]) == ("working for acme", tenant.pk)
    assert line["task_id"] == result.id
    assert line["request_id"] is None
    # Celery's own line, written once the task has left its tenant, names it too.
    [done] = [r for r in lines() if r["logger"] == "celery.app.trace"]
    assert "succeeded" in done["message"]
    assert (done["task_id"], done["tenant_id"]) == (result.id, tenant.pk)
