"""A database filled under the old layout (the platform inside accounts/, NPS answers inside
health/) upgrades with `migrate` and keeps every row, and migrates back with them too.

Each test migrates a copy of the test database (CREATE DATABASE ... TEMPLATE), dropped when
it ends: the test database itself is never left half-migrated, so nothing has to migrate it
forward again afterwards (as long as a whole upgrade) or empty it (a flush)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Account, AccountNote, Contact, ImportJob, NpsResponse, Subscription
from metrics.models import ChurnRecord, RecomputeJob, UsageEvent
from tenants.db.rls import rls_ensure
from tenants.models import Invitation, Membership, Tenant, TenantAPIKey
from tests.support.models import Memo

# Outside a transaction: migrations run DDL of their own, on a copy (scratch_database).
pytestmark = pytest.mark.django_db(transaction=True)

# The old layout: before the tenants app existed (unapplying it unapplies all that follows),
# and the last migration of each app then.
OLD = [("tenants", None)]
OLD_LEAVES = [
    ("accounts", "0004_tenant_metric_settings"),
    ("health", "0001_initial"),
    ("metrics", "0005_contact_time_index"),
    ("test_support", "0001_initial"),
]


def _migrate(targets):
    """Migrate to `targets` (None: today's layout); the models of the state reached."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(targets or leaves)
    ContentType.objects.clear_cache()
    if targets is None:
        # As `manage.py migrate` does: grants and policies of the tables just made again.
        rls_ensure(connection, global_apps)
    if targets not in (None, OLD):
        return None
    nodes = OLD_LEAVES if targets == OLD else leaves
    return MigrationExecutor(connection).loader.project_state(nodes).apps


def _fill_old_layout(apps) -> dict:
    """One row in every moved table and in every table pointing at them, through the old
    models, as an installation of the old layout would hold them."""
    get = apps.get_model
    User = get("auth", "User")
    user = User.objects.create(username="o@acme.test", email="o@acme.test")
    tenant = get("accounts", "Tenant").objects.create(
        name="Acme", slug="acme", time_zone="Europe/Bucharest", renewal_grace_days=45
    )
    other = get("accounts", "Tenant").objects.create(name="Globex", slug="globex")
    membership = get("accounts", "Membership").objects.create(
        tenant=tenant, user=user, role="owner"
    )
    get("accounts", "Invitation").objects.create(
        tenant=tenant, email="new@acme.test", role="csm", token_hash="f" * 64,
        expires_at=datetime(2030, 1, 1, tzinfo=UTC), invited_by=user,
    )  # fmt: skip
    get("accounts", "TenantAPIKey").objects.create(
        id="abcd1234.hash", prefix="abcd1234", hashed_key="hash", name="CRM sync", tenant=other
    )
    account = get("accounts", "Account").objects.create(
        tenant=tenant, external_id="acc-1", name="Initech", owner=membership
    )
    contact = get("accounts", "Contact").objects.create(
        tenant=tenant, external_id="u-1", account=account, name="Peter"
    )
    get("accounts", "Subscription").objects.create(
        tenant=tenant, external_id="s-1", account=account, mrr=Decimal("99.00"),
        currency="USD", start_date=date(2026, 1, 1),
    )  # fmt: skip
    get("accounts", "AccountNote").objects.create(
        tenant=tenant, account=account, author=membership, body="QBR",
        occurred_at=datetime(2026, 2, 1, tzinfo=UTC),
    )  # fmt: skip
    get("accounts", "ImportJob").objects.create(
        tenant=tenant, kind="accounts", original_filename="a.csv", content="x",
        created_by=membership,
    )  # fmt: skip
    get("health", "NpsResponse").objects.create(
        tenant=tenant, contact=contact, account=account, score=9, external_id="nps-1",
        answered_at=datetime(2026, 2, 2, tzinfo=UTC),
    )  # fmt: skip
    get("metrics", "UsageEvent").objects.create(
        tenant=tenant, message_id="m-1", event="report_exported", account=account,
        contact=contact, timestamp=datetime(2026, 2, 3, tzinfo=UTC),
        received_at=datetime(2026, 2, 3, tzinfo=UTC),
    )  # fmt: skip
    get("metrics", "ChurnRecord").objects.create(
        tenant=tenant, account=account, churned_on=date(2026, 3, 1), last_mrr=Decimal("99"),
    )  # fmt: skip
    get("metrics", "RecomputeJob").objects.create(
        tenant=tenant, requested_by=membership, since=date(2026, 1, 1), until=date(2026, 1, 2)
    )
    get("test_support", "Memo").objects.create(tenant=tenant, membership=membership, text="m")
    # Permissions and admin history point at the old content type.
    old_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="tenant")
    Permission.objects.get_or_create(
        content_type=old_type, codename="change_tenant", defaults={"name": "Can change tenant"}
    )
    return {"tenant": tenant.pk, "membership": membership.pk, "contact": contact.pk}


def _old_tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.fixture
def scratch_database(transactional_db):
    """The connection, for the test, on a copy of the test database as migrated today."""
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    scratch = f"{original}_migrations"
    connection.close()  # a template must have no session open on it
    _create_from(scratch, original)
    settings_dict["NAME"] = scratch
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = original
        ContentType.objects.clear_cache()  # those of the copy, ids included
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE {connection.ops.quote_name(scratch)}")


def _create_from(name: str, template: str) -> None:
    quoted, quoted_template = map(connection.ops.quote_name, (name, template))
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        # Idle sessions an earlier test left on the test database (a live server's, kept
        # open for CONN_MAX_AGE) would make the copy fail; they hold no transaction.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid() AND state = 'idle'",
            [template],
        )
        cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE {quoted_template}")


def test_upgrade_keeps_every_row_and_downgrade_restores_the_old_tables(scratch_database):
    old_apps = _migrate(OLD)
    assert "accounts_tenant" in _old_tables() and "tenants_tenant" not in _old_tables()
    ids = _fill_old_layout(old_apps)

    _migrate(None)  # forward to today's layout
    tables = _old_tables()
    assert {"tenants_tenant", "tenants_membership", "accounts_npsresponse"} <= tables
    assert not {"accounts_tenant", "accounts_membership", "health_npsresponse"} & tables

    tenant = Tenant.objects.get(pk=ids["tenant"])
    assert (tenant.slug, tenant.time_zone, tenant.renewal_grace_days) == (
        "acme",
        "Europe/Bucharest",
        45,
    )
    membership = Membership.objects.unscoped().get(pk=ids["membership"])
    assert membership.tenant == tenant and membership.user.email == "o@acme.test"
    assert Invitation.objects.unscoped().get().invited_by == membership.user
    key = TenantAPIKey.objects.unscoped().get()
    assert key.tenant.slug == "globex" and key.name == "CRM sync"
    account = Account.objects.unscoped().get()
    assert account.owner == membership and account.tenant == tenant
    assert Contact.objects.unscoped().get().account == account
    assert Subscription.objects.unscoped().get().mrr == Decimal("99.00")
    assert AccountNote.objects.unscoped().get().author == membership
    assert ImportJob.objects.unscoped().get().created_by == membership
    answer = NpsResponse.objects.unscoped().get()
    assert (answer.contact_id, answer.score, answer.external_id) == (ids["contact"], 9, "nps-1")
    assert UsageEvent.objects.unscoped().get().account == account
    assert ChurnRecord.objects.unscoped().get().account == account
    assert RecomputeJob.objects.unscoped().get().requested_by == membership
    assert Memo.objects.unscoped().get().membership == membership
    # The content type moved with the model: its permissions still name it.
    moved = ContentType.objects.get(app_label="tenants", model="tenant")
    assert Permission.objects.filter(content_type=moved, codename="change_tenant").exists()
    assert not ContentType.objects.filter(app_label="accounts", model="tenant").exists()
    # New rows get ids after the old ones: the sequences came along.
    assert Tenant.objects.create(name="New", slug="new").pk > ids["tenant"]

    old_apps = _migrate(OLD)  # and back
    assert "accounts_tenant" in _old_tables() and "tenants_tenant" not in _old_tables()
    get = old_apps.get_model
    assert get("accounts", "Tenant").objects.filter(slug="acme").exists()
    assert get("accounts", "Membership").objects.get().tenant_id == ids["tenant"]
    assert get("health", "NpsResponse").objects.get().score == 9
    assert get("accounts", "Account").objects.get().owner_id == ids["membership"]
    assert ContentType.objects.filter(app_label="accounts", model="tenant").exists()


def test_migrating_one_app_back_gives_its_old_tables_back(scratch_database):
    _migrate(None)
    _migrate([("health", "0001_initial")])
    tables = _old_tables()
    assert "health_npsresponse" in tables and "accounts_npsresponse" not in tables
    _migrate(None)
    _migrate([("accounts", "0004_tenant_metric_settings")])
    tables = _old_tables()
    assert {"accounts_tenant", "accounts_membership", "health_npsresponse"} <= tables
    assert not {"tenants_tenant", "accounts_npsresponse"} & tables
