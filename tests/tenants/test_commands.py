"""create_tenant and create_api_key: idempotent, clear errors, the key on its own line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tenants.models import Membership, Tenant, TenantAPIKey

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


CREATE = ["create_tenant", "initech", "--name", "Initech", "--owner-email", "bill@initech.test"]


def test_create_tenant_then_again_is_a_noop():
    out, _ = _run(*CREATE, "--owner-password", "tps-reports-2026")
    assert "Created tenant initech" in out
    tenant = Tenant.objects.get(slug="initech")
    owner = Membership.objects.for_tenant(tenant).get()
    assert owner.role == "owner" and owner.user.check_password("tps-reports-2026")
    assert owner.user.is_staff
    out, _ = _run(*CREATE, "--owner-password", "tps-reports-2026")
    assert "Already exists" in out
    assert Tenant.objects.count() == 1 and Membership.objects.unscoped().count() == 1


def test_create_tenant_slug_taken_by_another_owner_fails():
    _run(*CREATE)
    with pytest.raises(CommandError, match="slug: A tenant with slug 'initech' already exists"):
        _run("create_tenant", "initech", "--name", "X", "--owner-email", "other@x.test")


@pytest.mark.parametrize(
    "extra, message",
    [
        (
            ["--time-zone", "Mars/Olympus"],
            "time_zone: 'Mars/Olympus' is not a known IANA time zone",
        ),
        (["--currency", "dollars"], "currency: 'DOLLARS' is not a three-letter ISO 4217 code"),
        (["--owner-password", "123"], "too short"),
    ],
)
def test_create_tenant_bad_input_names_the_problem_and_writes_nothing(extra, message):
    with pytest.raises(CommandError, match=message):
        _run(*CREATE, *extra)
    assert Tenant.objects.count() == 0
    assert Membership.objects.unscoped().count() == 0


def test_create_tenant_bad_slug():
    with pytest.raises(CommandError, match="slug:"):
        _run("create_tenant", "Bad Slug!", "--name", "X", "--owner-email", "a@b.test")


def test_create_api_key_prints_the_key_alone_on_the_last_line():
    _run(*CREATE)
    out, err = _run("create_api_key", "initech", "--name", "Segment")
    key = out.strip().splitlines()[-1]
    assert key == out.strip() and " " not in key
    stored = TenantAPIKey.objects.unscoped().get()
    assert stored.is_valid(key) and stored.name == "Segment"
    assert "Segment" in err


def test_create_api_key_errors():
    with pytest.raises(CommandError, match="No tenant with slug 'nope'"):
        _run("create_api_key", "nope", "--name", "x")
    _run(*CREATE)
    with pytest.raises(CommandError, match="name:"):
        _run("create_api_key", "initech", "--name", " ")
    assert TenantAPIKey.objects.unscoped().count() == 0
