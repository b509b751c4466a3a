"""The audit log: what is recorded (and by whom), the page, its filters and its CSV export."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import Account, ImportJob
from accounts.services.accounts import account_upsert
from tenants.models import AuditEntry, Membership, Role, Tenant, TenantAPIKey
from tenants.services.api_keys import api_key_create, api_key_revoke
from tenants.services.tenants import tenant_settings_update
from tenants.tenancy.context import tenant_scope

CREATE, UPDATE, DELETE = 0, 1, 2


def _entries(tenant, model):
    return AuditEntry.objects.for_tenant(tenant).filter(
        content_type=ContentType.objects.get_for_model(model)
    )


def test_role_change_on_the_team_page_names_the_owner(tenant, owner, member, owner_client):
    membership = Membership.objects.for_tenant(tenant).get(user=member)
    owner_client.post(f"/settings/team/members/{membership.pk}/role/", {"role": "viewer"})
    entry = _entries(tenant, Membership).get(action=UPDATE, object_id=membership.pk)
    assert entry.actor == owner
    assert entry.actor_email == "owner@acme.test"
    assert entry.tenant_id == tenant.pk
    assert entry.changes == {"role": ["csm", "viewer"]}


def test_api_keys_created_and_revoked_without_the_hash(tenant, owner, owner_client):
    owner_client.post("/settings/api-keys/", {"name": "CRM sync"})
    key = TenantAPIKey.objects.for_tenant(tenant).get(name="CRM sync")
    owner_client.post(f"/settings/api-keys/{key.pk}/revoke/")
    created = _entries(tenant, TenantAPIKey).get(action=CREATE)
    revoked = _entries(tenant, TenantAPIKey).get(action=UPDATE)
    assert "hashed_key" not in created.changes
    assert revoked.changes["revoked"] == [False, True]
    assert {created.actor, revoked.actor} == {owner}


def test_invitation_is_recorded_without_its_token(tenant, owner, owner_client):
    owner_client.post("/settings/team/", {"email": "new@acme.test", "role": "csm"})
    entry = AuditEntry.objects.for_tenant(tenant).get(object_repr__icontains="new@acme.test")
    assert entry.action == CREATE
    assert "token_hash" not in entry.changes
    assert entry.changes["email"] == [None, "new@acme.test"]


def test_tenant_settings_are_recorded_in_that_tenant(tenant, other_tenant):
    tenant_settings_update(tenant=tenant, nps_window_days=30)
    entry = _entries(tenant, Tenant).get(action=UPDATE)
    assert entry.changes == {"nps_window_days": [90, 30]}
    assert entry.actor is None  # no request: the system
    assert not AuditEntry.objects.for_tenant(other_tenant).filter(action=UPDATE).exists()


def test_an_api_key_is_the_actor_of_its_deletions(tenant, api, api_key, owner_client):
    account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    assert not _entries(tenant, Account).exists()  # edits of accounts are routine
    assert api.delete("/api/v1/accounts/acc-1/").status_code == 204
    entry = _entries(tenant, Account).get()
    assert entry.action == DELETE
    assert entry.api_key == api_key[0]
    assert entry.actor is None
    assert entry.changes["external_id"] == ["acc-1", None]
    response = owner_client.get("/settings/audit-log/", {"actor": f"key-{api_key[0].pk}"})
    assert [shown.pk for shown in response.context["page"].object_list] == [entry.pk]
    assert "API key Test integration" in response.content.decode()


def test_imports_are_recorded_from_upload_to_result(
    tenant, member, member_client, django_capture_on_commit_callbacks
):
    upload = io.BytesIO(b"external_id,name\nacc-1,Initech\n")
    upload.name = "accounts.csv"
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/data/", {"kind": "accounts", "file": upload})
    job = ImportJob.objects.for_tenant(tenant).get()
    entries = list(_entries(tenant, ImportJob).order_by("id"))
    assert entries[0].action == CREATE
    assert entries[0].actor == member
    assert entries[0].changes["original_filename"] == [None, "accounts.csv"]
    assert job.status == ImportJob.Status.VALIDATED
    member_client.post(f"/data/imports/{job.pk}/apply/")
    applied = _entries(tenant, ImportJob).filter(action=UPDATE).latest("id")
    assert applied.actor == member
    assert applied.changes == {"status": ["validated", "applying"]}


@pytest.mark.outsider("audit-log", "audit-log-export")
def test_each_tenant_sees_only_its_own_entries(tenant, other_tenant, owner_client, outsider_client):
    api_key_create(tenant=tenant, name="Acme secret pipeline")
    api_key_create(tenant=other_tenant, name="Globex pipeline")
    page = outsider_client.get("/settings/audit-log/").content.decode()
    export = b"".join(outsider_client.get("/settings/audit-log.csv").streaming_content).decode()
    for body in (page, export):
        assert "Globex pipeline" in body
        assert "Acme secret pipeline" not in body
    assert (
        "API key: Acme secret pipeline" in owner_client.get("/settings/audit-log/").content.decode()
    )


def test_only_owners_and_admins_open_it(member_client, viewer_client):
    for client in (member_client, viewer_client):
        assert client.get("/settings/audit-log/").status_code == 403
        assert client.get("/settings/audit-log.csv").status_code == 403


def test_superusers_see_every_tenant_in_the_admin(tenant, other_tenant, client):
    from tests.factories import UserFactory

    api_key_create(tenant=tenant, name="Acme pipeline")
    api_key_create(tenant=other_tenant, name="Globex pipeline")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    body = client.get("/admin/tenants/auditentry/").content.decode()
    assert "Acme pipeline" in body and "Globex pipeline" in body


def test_filters_by_actor_model_and_day(tenant, owner, member, owner_client):
    membership = Membership.objects.for_tenant(tenant).get(user=member)
    owner_client.post(f"/settings/team/members/{membership.pk}/role/", {"role": "viewer"})
    api_key_create(tenant=tenant, name="Nightly")
    old = AuditEntry.objects.for_tenant(tenant).get(object_repr="Nightly")
    old.timestamp = timezone.now() - datetime.timedelta(days=10)
    old.save(update_fields=["timestamp"])
    key_type = ContentType.objects.get_for_model(TenantAPIKey).pk

    def shown(**params):
        response = owner_client.get("/settings/audit-log/", params)
        assert response.status_code == 200
        return {entry.pk for entry in response.context["page"].object_list}

    mine = set(AuditEntry.objects.for_tenant(tenant).filter(actor=owner).values_list("pk", flat=1))
    assert mine and shown(actor=f"user-{owner.pk}") == mine
    assert shown(model=key_type) == {old.pk}
    today = tenant.today().isoformat()
    assert old.pk not in shown(since=today)
    assert shown(until=(tenant.today() - datetime.timedelta(days=5)).isoformat()) == {old.pk}


def test_bad_filters_answer_400_with_field_messages(owner_client):
    response = owner_client.get("/settings/audit-log/", {"since": "2026-13-40", "actor": "x"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"since", "actor"}
    response = owner_client.get(
        "/settings/audit-log/", {"since": "2026-02-02", "until": "2026-02-01"}
    )
    assert response.context["form"].errors["until"]
    assert owner_client.get("/settings/audit-log.csv", {"until": "nope"}).status_code == 400
    # Days at the ends of the calendar cannot overflow into an error page.
    for params in ({"since": "0001-01-01"}, {"until": "9999-12-31"}):
        response = owner_client.get("/settings/audit-log/", params)
        assert response.status_code == 400
        assert response.context["form"].errors


def test_page_query_count_is_constant(
    tenant, owner, owner_client, api_key, django_assert_num_queries
):
    for number in range(3):
        api_key_revoke(tenant=tenant, api_key=api_key_create(tenant=tenant, name=f"k{number}")[0])
    owner_client.get("/settings/audit-log/")
    # Session, user, membership, the two filter lists, the count and the page.
    with django_assert_num_queries(7) as first:
        owner_client.get("/settings/audit-log/")
    for number in range(30):
        api_key_create(tenant=tenant, name=f"more{number}")
    with django_assert_num_queries(len(first.captured_queries)):
        response = owner_client.get("/settings/audit-log/")
    assert (
        len(response.context["page"].object_list) == AuditEntry.objects.for_tenant(tenant).count()
    )
    assert len(response.context["page"].object_list) > 33


def test_csv_export_in_the_tenant_time_zone(tenant, owner, owner_client):
    tenant_settings_update(tenant=tenant, time_zone="Asia/Shanghai")
    tenant.refresh_from_db()
    api_key_create(tenant=tenant, name="=HYPERLINK(1)")
    response = owner_client.get("/settings/audit-log.csv")
    assert response["Content-Type"] == "text/csv"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("time,time_zone,actor,action,record")
    assert "+08:00,Asia/Shanghai" in lines[1]
    assert "'=HYPERLINK(1)" in "\n".join(lines)
    assert len(lines) == 1 + AuditEntry.objects.for_tenant(tenant).count()
    page = owner_client.get("/settings/audit-log/").content.decode()
    entry = AuditEntry.objects.for_tenant(tenant).latest("id")
    local = timezone.localtime(entry.timestamp, datetime.UTC) + datetime.timedelta(hours=8)
    assert "Time (Asia/Shanghai)" in page
    assert f"{local:%b} {local.day}, {local:%Y}, {local:%H:%M}" in page


def test_deleting_a_tenant_keeps_no_dangling_constraint(tenant, owner):
    # The entries written while a tenant's rows cascade away must not stop the deletion.
    api_key_create(tenant=tenant, name="k")
    pk = tenant.pk
    Tenant.objects.get(pk=pk).delete()
    assert not Tenant.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.unscoped().filter(tenant_id=pk, action=DELETE).exists()


def test_roles_recorded_when_members_join(tenant):
    from tenants.services.tenants import membership_add
    from tests.factories import UserFactory

    user = UserFactory(email="joiner@acme.test")
    membership_add(tenant=tenant, user=user, role=Role.ADMIN)
    entry = _entries(tenant, Membership).get(action=CREATE)
    assert entry.changes["role"] == [None, "admin"]


def test_a_client_header_cannot_break_or_fill_entries(tenant, member, owner_client):
    membership = Membership.objects.for_tenant(tenant).get(user=member)
    response = owner_client.post(
        f"/settings/team/members/{membership.pk}/role/",
        {"role": "viewer"},
        HTTP_X_CORRELATION_ID="x" * 300,
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert response.status_code == 302
    entry = _entries(tenant, Membership).get(action=UPDATE)
    assert entry.cid is None and entry.remote_addr is None


def test_api_key_entries_hold_no_part_of_the_key_hash_and_members_no_relations(tenant, owner):
    key, _ = api_key_create(tenant=tenant, name="Hash check")
    stored = TenantAPIKey.objects.for_tenant(tenant).get(pk=key.pk)
    with tenant_scope(tenant):
        texts = [str(entry.changes) for entry in AuditEntry.objects.all()]
        member_entries = [
            e.changes for e in AuditEntry.objects.filter(object_pk__in=[
                str(pk) for pk in Membership.objects.values_list("pk", flat=True)])
        ]  # fmt: skip
    assert texts and not any(stored.hashed_key in text for text in texts)
    assert not any(stored.pk in text for text in texts)  # the id is prefix.hash
    assert all("owned_accounts" not in str(changes) for changes in member_entries)
