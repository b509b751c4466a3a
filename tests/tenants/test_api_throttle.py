"""The API throttle counts atomically in Redis: concurrent requests cannot exceed the rate, a
wrong key or no key is throttled by address, and an unreachable Redis lets requests through."""

import threading
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import override_settings

from tenants.api.throttling import TenantKeyRateThrottle
from tenants.services.api_keys import api_key_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def hourly(monkeypatch):
    def set_rate(rate):
        monkeypatch.setattr(TenantKeyRateThrottle, "THROTTLE_RATES", {"tenant_key": rate})

    return set_rate


def _request(key):
    return SimpleNamespace(auth=key, user=None, META={"REMOTE_ADDR": "203.0.113.9"})


def test_concurrent_requests_never_exceed_the_rate(tenant, hourly):
    hourly("100/hour")  # an hour: no window boundary falls inside the test
    key, _ = api_key_create(tenant=tenant, name="Busy integration")
    allowed, start = [], threading.Barrier(16)

    def client():
        start.wait()
        for _ in range(10):
            allowed.append(TenantKeyRateThrottle().allow_request(_request(key), None))

    threads = [threading.Thread(target=client) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(allowed) == 160 and allowed.count(True) == 100


def test_keys_are_counted_apart(tenant, other_tenant, hourly):
    hourly("2/hour")
    mine, _ = api_key_create(tenant=tenant, name="Mine")
    theirs, _ = api_key_create(tenant=other_tenant, name="Theirs")
    results = [TenantKeyRateThrottle().allow_request(_request(mine), None) for _ in range(3)]
    assert results == [True, True, False]
    assert TenantKeyRateThrottle().allow_request(_request(theirs), None) is True


@pytest.mark.parametrize(
    "authorization, address",
    [("Bearer abcd1234.not-a-real-key", "198.51.100.7"), (None, "198.51.100.8")],
)
def test_a_wrong_key_or_none_is_throttled_by_address(client, hourly, authorization, address):
    hourly("3/hour")
    headers = {"REMOTE_ADDR": address}  # an address no other test uses: its own count
    if authorization:
        headers["HTTP_AUTHORIZATION"] = authorization
    statuses = [client.get("/api/v1/accounts/", **headers).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    assert client.get("/api/v1/accounts/", **headers)["Retry-After"]


def test_an_unreachable_redis_lets_requests_through(tenant, hourly):
    hourly("1/hour")
    key, _ = api_key_create(tenant=tenant, name="Integration")
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    with override_settings(CACHES=unreachable):
        assert all(TenantKeyRateThrottle().allow_request(_request(key), None) for _ in range(3))


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_count(client, hourly):
    hourly("2/hour")
    statuses = [
        client.get(
            "/api/v1/accounts/",
            REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",  # a new address each time, written by us
        ).status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 429]


def test_window_counts_are_kept_as_the_cache_keeps_them_and_expire(tenant, hourly):
    # Written in one MULTI/EXEC under the cache's own key names: plain integers, each with
    # the expiry that removes it after two windows.
    hourly("5/hour")
    key, _ = api_key_create(tenant=tenant, name="Counted")
    throttle = TenantKeyRateThrottle()
    assert throttle.allow_request(_request(key), None) is True
    assert throttle.allow_request(_request(key), None) is True
    window = int(time.time() // 3600)
    prefix = throttle.get_cache_key(_request(key), None)
    # The two requests may straddle the hour: then each window holds one.
    counts = [cache.get(f"{prefix}:{n}") for n in (window - 1, window)]
    assert sum(count or 0 for count in counts) == 2
    client = cache._cache.get_client()
    for n, count in zip((window - 1, window), counts, strict=True):
        if count:
            assert 0 < client.ttl(cache.make_and_validate_key(f"{prefix}:{n}")) <= 2 * 3600
