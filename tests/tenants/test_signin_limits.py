"""Sign-in abuse: django-axes locks a (username, address) pair, never a name or an address
alone; the client's address is read behind the configured proxies only; and each address may
send only LOGIN_RATE_LIMIT sign-in POSTs to the site's and the admin's sign-in pages."""

import pytest
from django.test import Client, RequestFactory

from tenants.client_ip import client_ip
from tests.support.addresses import fresh_ip

pytestmark = pytest.mark.django_db

OWNER = {"username": "owner@acme.test", "password": "pass-word-123"}


def _fail(client, username, times, **extra):
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "wrong"}, **extra)


def test_failures_lock_only_the_pair_of_name_and_address(owner):
    attacker, victim = fresh_ip(), fresh_ip()
    _fail(Client(), "owner@acme.test", 5, REMOTE_ADDR=attacker)

    locked = Client().post("/login/", OWNER, REMOTE_ADDR=attacker)
    assert locked.status_code == 429
    # The owner signs in from their own address: knowing an email does not lock anyone out.
    response = Client().post("/login/", OWNER, REMOTE_ADDR=victim)
    assert response.status_code == 302 and response["Location"] == "/"


def test_failures_against_made_up_names_do_not_lock_out_the_address(owner):
    shared = fresh_ip()  # an office behind one address
    for n in range(6):
        _fail(Client(), f"made-up-{n}@acme.test", 5, REMOTE_ADDR=shared)
    response = Client().post("/login/", OWNER, REMOTE_ADDR=shared)
    assert response.status_code == 302 and response["Location"] == "/"


def test_lock_out_follows_the_forwarded_address_behind_a_trusted_proxy(owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy, attacker, victim = fresh_ip(), fresh_ip(), fresh_ip()
    _fail(Client(), "owner@acme.test", 5, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=attacker)

    locked = Client().post("/login/", OWNER, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=attacker)
    assert locked.status_code == 429
    # Everyone comes through the same proxy; the victim's own address is what counts.
    response = Client().post("/login/", OWNER, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=victim)
    assert response.status_code == 302


def test_a_forged_forwarded_header_is_ignored_without_a_trusted_proxy(owner, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    attacker = fresh_ip()
    for n in range(5):
        Client().post(
            "/login/",
            {"username": "owner@acme.test", "password": "wrong"},
            REMOTE_ADDR=attacker,
            HTTP_X_FORWARDED_FOR=f"10.9.9.{n}",
        )
    locked = Client().post("/login/", OWNER, REMOTE_ADDR=attacker, HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert locked.status_code == 429


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "203.0.113.9", "192.0.2.1"),  # no proxy configured: the header is the client's own
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the left entry was forged by the client
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "192.0.2.1"),  # fewer entries than proxies: not through them all
        (1, "not-an-address", "192.0.2.1"),
        (1, "", "192.0.2.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_behind_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_sign_in_posts_are_rate_limited_per_address(path, settings):
    settings.LOGIN_RATE_LIMIT = "3/d"
    address, other = fresh_ip(), fresh_ip()
    # Different names each time, so that the lock-out of a pair plays no part.
    for n in range(3):
        response = Client().post(
            path, {"username": f"n{n}@x.test", "password": "x"}, REMOTE_ADDR=address
        )
        assert response.status_code == 200, n
    limited = Client().post(path, {"username": "n9@x.test", "password": "x"}, REMOTE_ADDR=address)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "86400"
    assert "Too many sign-in attempts" in limited.content.decode()
    # Another address is not affected, and reading the page is never limited.
    assert (
        Client()
        .post(path, {"username": "a@x.test", "password": "x"}, REMOTE_ADDR=other)
        .status_code
        == 200
    )
    assert Client().get(path, REMOTE_ADDR=address).status_code == 200


def test_the_site_and_admin_sign_in_share_one_limit(settings):
    settings.LOGIN_RATE_LIMIT = "2/d"
    address = fresh_ip()
    Client().post("/login/", {"username": "a@x.test", "password": "x"}, REMOTE_ADDR=address)
    Client().post("/admin/login/", {"username": "b@x.test", "password": "x"}, REMOTE_ADDR=address)
    limited = Client().post(
        "/login/", {"username": "c@x.test", "password": "x"}, REMOTE_ADDR=address
    )
    assert limited.status_code == 429


def test_with_redis_down_people_sign_in_and_failures_still_lock_the_pair(owner, settings):
    """The rate limit is counted in Redis and skipped without it; the lock-out is counted in
    the database and still holds."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    settings.LOGIN_RATE_LIMIT = "1/d"
    address = fresh_ip()
    response = Client().post("/login/", OWNER, REMOTE_ADDR=address)
    assert response.status_code == 302 and response["Location"] == "/"
    _fail(Client(), "owner@acme.test", 5, REMOTE_ADDR=address)
    assert Client().post("/login/", OWNER, REMOTE_ADDR=address).status_code == 429
