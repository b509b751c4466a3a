"""Parallel creates of one new key, as real concurrent requests on their own connections:
exactly one answers 201 and the others 200, for one row."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Account, Contact, NpsResponse, Subscription
from accounts.services.accounts import account_upsert, contact_upsert
from metrics.models import AcquisitionSpend, Feature

PARALLEL = 8

CASES = {
    "accounts": (Account, "post", "/api/v1/accounts/", {"external_id": "new", "name": "N"}),
    "accounts-put": (Account, "put", "/api/v1/accounts/new/", {"name": "N"}),
    "contacts": (Contact, "put", "/api/v1/contacts/new/", {"name": "N"}),
    "subscriptions": (
        Subscription,
        "put",
        "/api/v1/subscriptions/new/",
        {"account_external_id": "A", "plan": "P", "mrr": "10.00", "start_date": "2026-01-01"},
    ),
    "features": (Feature, "put", "/api/v1/features/signed_in/", {"feature": "Sign-in"}),
    "spend": (AcquisitionSpend, "put", "/api/v1/spend/2026-01/", {"amount": "100.00"}),
    "nps-responses": (
        NpsResponse,
        "post",
        "/api/v1/nps-responses/",
        {
            "external_id": "new",
            "contact_external_id": "C",
            "score": 9,
            "answered_at": "2026-01-01T10:00:00Z",
        },
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", sorted(CASES))
def test_parallel_creates_of_one_key_answer_201_once(tenant, api_key, case):
    model, method, url, body = CASES[case]
    account = account_upsert(tenant=tenant, external_id="A", name="Alpha")[0]
    contact_upsert(tenant=tenant, external_id="C", account=account)
    barrier = threading.Barrier(PARALLEL)
    statuses, errors = [], []

    def send():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key[1]}")
        try:
            barrier.wait()
            statuses.append(getattr(client, method)(url, body, format="json").status_code)
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(statuses) == [200] * (PARALLEL - 1) + [201]
    existing = {Account: 1, Contact: 1}.get(model, 0)
    assert model.objects.for_tenant(tenant).count() == existing + 1
