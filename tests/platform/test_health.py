"""/healthz checks the database and Redis for real, and names the last failure of each; a
request that finds the database unreachable is answered 503 (JSON under the API), not 500."""

from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client, override_settings

from tenants.api.handlers import database_unavailable


@pytest.mark.django_db
def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "redis": "ok"}
    assert isinstance(body["last_failures"], dict)  # what failed earlier, if anything did
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_fails_when_redis_is_unreachable_and_says_so_once_it_is_back(client):
    # Django resets its cache connections when CACHES changes (setting_changed).
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")
    assert response.json()["last_failures"]["redis"]["error"] == "ConnectionError"
    back = client.get("/healthz")
    assert back.status_code == 200
    assert back.json()["last_failures"]["redis"]["error"] == "ConnectionError"
    # ... written to the cache now that it is back, for the other web processes to report.
    assert "redis" in cache.get("outages:last")


@contextmanager
def database_down():
    """The real connection pointed at a port nothing listens on: PostgreSQL is down."""
    connection.close()
    saved = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = "1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved


@pytest.mark.django_db(transaction=True)
def test_healthz_names_the_database_when_it_is_unreachable(client):
    with database_down():
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"] == {"database": "error: OperationalError", "redis": "ok"}
    back = client.get("/healthz")
    assert back.status_code == 200  # back without a restart
    # ... and still saying what was down, and when.
    failure = back.json()["last_failures"]["database"]
    assert failure["error"] == "OperationalError"
    assert failure["at"].endswith("Z") and 0 <= failure["seconds_ago"] < 3600


@pytest.mark.django_db(transaction=True)
def test_a_request_with_the_database_down_is_refused_with_503(api_key, owner_client):
    client = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {api_key[1]}"}
    with database_down():
        response = client.post(
            "/api/v1/events/batch/", {"events": []}, content_type="application/json",
            headers=headers,
        )  # fmt: skip
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    error = response.json()["error"]
    assert error["status"] == 503 and error["code"] == "database_unavailable"
    assert "database" in error["message"]
    owner_client.raise_request_exception = False
    with database_down():
        page = owner_client.get("/accounts/")  # a page: plain text, in the user's language
    assert page.status_code == 503 and b"database" in page.content
    assert page["Retry-After"] == "5"
    again = client.post(
        "/api/v1/events/batch/", {"events": []}, content_type="application/json", headers=headers
    )
    assert again.status_code == 200  # served again by the same process


@pytest.mark.django_db(transaction=True)
def test_only_a_connection_failure_counts_as_the_database_unavailable():
    # A statement cancelled by its timeout is an OperationalError with a SQLSTATE (57014) of
    # its own: the database answered, so it is a 500 to look into, not an outage.
    with pytest.raises(OperationalError) as cancelled, connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 1")
        cursor.execute("SELECT pg_sleep(0.2)")
    connection.close()
    assert not database_unavailable(cancelled.value)
    with pytest.raises(OperationalError) as refused, database_down():
        connection.ensure_connection()
    assert database_unavailable(refused.value)
    assert not database_unavailable(ValueError("x"))
    assert not database_unavailable(None)
