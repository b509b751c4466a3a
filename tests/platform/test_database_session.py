"""The application runs as the row-level-security role, acting for the right tenant.

Requests, API calls, Celery tasks and commands each start as the application role with no
tenant; the tenant they resolve is the one PostgreSQL filters by; a persistent connection
hands no tenant to the next request, and a rolled-back setting is never trusted.
"""

import importlib
import pkgutil

import pytest
from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from accounts.models import Account
from accounts.services.accounts import account_upsert
from tenants.cli import ApplicationCommand, OwnerCommand
from tenants.db.session import application_role
from tenants.tenancy.context import cross_tenant, tenant_scope
from tenants.tenancy.tasks import tenant_task

pytestmark = pytest.mark.django_db

APP_ROLE = settings.DATABASE_APP_ROLE


def _server_session() -> tuple[str, str, str]:
    """What the server says the session is (the raw connection: no sync first)."""
    with connection.connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, current_setting('csplatform.tenant_id', true),"
            " current_setting('csplatform.cross_tenant', true)"
        )
        return cursor.fetchone()


def _probe() -> tuple[str, str, str]:
    """What the next statement of the application runs as (through the backend)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, coalesce(current_setting('csplatform.tenant_id', true), ''),"
            " coalesce(current_setting('csplatform.cross_tenant', true), 'off')"
        )
        return cursor.fetchone()


@shared_task(name="tests.platform.session_probe")
def session_probe():
    return list(_probe())


@tenant_task(name="tests.platform.session_probe_in_tenant")
def session_probe_in_tenant(tenant):
    return list(_probe())


def test_entry_points_act_as_the_application_role_with_their_tenant(tenant, other_tenant):
    with application_role():
        assert _probe() == (APP_ROLE, "", "off")
        with tenant_scope(tenant):
            assert _probe() == (APP_ROLE, str(tenant.pk), "off")
            with cross_tenant():
                assert _probe() == (APP_ROLE, str(tenant.pk), "on")
        assert _probe() == (APP_ROLE, "", "off")
    # A task never inherits its caller's tenant; a tenant task acts for its own.
    with tenant_scope(other_tenant):
        assert session_probe.delay().get() == [APP_ROLE, "", "off"]
        assert session_probe_in_tenant.delay(tenant.pk).get() == [APP_ROLE, str(tenant.pk), "off"]


def test_what_the_backend_believes_is_what_the_server_has(tenant):
    with application_role(), tenant_scope(tenant):
        _probe()
        assert _server_session() == (APP_ROLE, str(tenant.pk), "off")
        assert connection.session_state == (APP_ROLE, str(tenant.pk), "off")


def test_every_statement_of_a_request_runs_as_the_application_role(tenant, member_client):
    account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    seen = []

    def record(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        seen.append((connection.session_state, sql))
        return result

    with connection.execute_wrapper(record):
        assert member_client.get("/accounts/").status_code == 200
        assert member_client.get("/api/v1/accounts/").status_code == 200
    roles = {state[0] for state, _ in seen}
    assert roles == {APP_ROLE}, roles
    # The tenant's pages read as the tenant; only sign-in's lookup crosses tenants.
    tenants = {state[1] for state, sql in seen if "accounts_account" in sql}
    assert tenants == {str(tenant.pk)}
    crossing = [sql for state, sql in seen if state[2] == "on"]
    assert crossing and all('FROM "tenants_membership"' in sql for sql in crossing), crossing


@pytest.mark.django_db(transaction=True)
def test_a_persistent_connection_hands_no_tenant_to_the_next_request(
    tenant, member_client, outsider_client, other_tenant
):
    with tenant_scope(tenant):
        account_upsert(tenant=tenant, external_id="acc-a", name="Initech")
    with tenant_scope(other_tenant):
        account_upsert(tenant=other_tenant, external_id="acc-b", name="Hooli")
    assert member_client.get("/api/v1/accounts/").json()["results"][0]["name"] == "Initech"
    # The same connection, kept open, carries neither the tenant nor a cross-tenant flag.
    assert _server_session()[1:] == ("", "off")
    names = [row["name"] for row in outsider_client.get("/api/v1/accounts/").json()["results"]]
    assert names == ["Hooli"]
    assert _server_session()[1:] == ("", "off")
    with application_role():
        with connection.cursor() as cursor:  # raw SQL, no WHERE, no tenant: nothing
            cursor.execute("SELECT count(*) FROM accounts_account")
            assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_setting_is_never_trusted(tenant, other_tenant):
    with tenant_scope(tenant):
        account_upsert(tenant=tenant, external_id="acc-a", name="Initech")
    with tenant_scope(other_tenant):
        account_upsert(tenant=other_tenant, external_id="acc-b", name="Hooli")

    def names():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM accounts_account")
            return [row[0] for row in cursor.fetchall()]

    with application_role():
        with tenant_scope(tenant):
            assert names() == ["Initech"]  # committed: the session now has A
        with transaction.atomic():
            with tenant_scope(other_tenant):
                try:
                    with transaction.atomic():  # a savepoint
                        assert names() == ["Hooli"]  # set inside the savepoint...
                        raise RuntimeError
                except RuntimeError:
                    pass  # ...and rolled back with it: the server is back to A
                assert names() == ["Hooli"]
        with tenant_scope(other_tenant):
            assert names() == ["Hooli"]
        with tenant_scope(tenant):
            with transaction.atomic():
                assert names() == ["Initech"]
                transaction.set_rollback(True)
            assert names() == ["Initech"]
        assert names() == []


def test_every_command_of_the_project_declares_its_role():
    """A new command must choose: the application role (row-level security) or the owner."""
    undeclared = []
    for app in apps.get_app_configs():
        if not app.name.startswith(("tenants", "accounts", "health", "onboarding",
                                    "knowledgebase", "metrics", "csplatform")):  # fmt: skip
            continue
        package = f"{app.name}.management.commands"
        try:
            commands = importlib.import_module(package)
        except ModuleNotFoundError:
            continue
        for info in pkgutil.iter_modules(commands.__path__):
            command = importlib.import_module(f"{package}.{info.name}").Command
            if not issubclass(command, ApplicationCommand | OwnerCommand):
                undeclared.append(f"{package}.{info.name}")
    assert not undeclared, undeclared


def test_accounts_of_one_tenant_stay_invisible_to_the_other_through_the_orm(tenant, other_tenant):
    with tenant_scope(tenant):
        account_upsert(tenant=tenant, external_id="acc-a", name="Initech")
    with application_role(), tenant_scope(other_tenant):
        # for_tenant() names A, but the session acts for B: PostgreSQL returns nothing.
        assert list(Account.objects.for_tenant(tenant)) == []


def test_deployment_check_warns_when_row_level_security_is_off(settings):
    from tenants.db.checks import row_security_on

    assert row_security_on(None) == []
    settings.DATABASE_ROW_SECURITY = False
    assert [warning.id for warning in row_security_on(None)] == ["tenants.W001"]
    with application_role():
        assert _probe()[0] != APP_ROLE  # off: the login role, beyond the policies
