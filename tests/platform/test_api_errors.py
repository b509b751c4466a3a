"""Every error under the API's paths answers in the JSON error format, also with DEBUG off;
pages keep their HTML error pages."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.platform.error_urls")]


@pytest.fixture
def client(settings):
    settings.DEBUG = False
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "url, status, code",
    [
        ("/api/v1/no-such-thing/", 404, "not_found"),
        ("/api/no-such-thing", 404, "not_found"),
        ("/api/v1/accounts/A/extra/", 404, "not_found"),
        ("/v1/no-such-thing", 404, "not_found"),
        ("/api/v1/test-crash/", 500, "error"),
        ("/api/v1/test-plain-crash/", 500, "error"),
        ("/api/v1/test-suspicious/", 400, "parse_error"),
    ],
)
def test_api_errors_are_json(client, url, status, code):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (status, code) and error["message"]
    assert set(error) == {"status", "code", "message"}


@pytest.mark.parametrize("url, status", [("/no-such-page/", 404), ("/test-crash/", 500)])
def test_pages_keep_html_error_pages(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
