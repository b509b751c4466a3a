"""Account hierarchy: a parent by external id in the API and CSV files, shown on the pages;
a cycle or another tenant's parent is refused naming the field."""

import pytest
from django.core.exceptions import ValidationError

from accounts.csv_io.apply import import_job_apply
from accounts.csv_io.validate import import_job_validate
from accounts.models import Account, ImportJob
from accounts.services.accounts import account_upsert

pytestmark = pytest.mark.django_db


def _account(tenant, external_id, parent=None):
    account, _ = account_upsert(
        tenant=tenant, external_id=external_id, name=external_id.title(), parent=parent
    )
    return account


def _parent_of(tenant, external_id):
    account = (
        Account.objects.for_tenant(tenant).select_related("parent").get(external_id=external_id)
    )
    return account.parent.external_id if account.parent else None


def test_api_sets_reads_and_clears_a_parent(api, tenant):
    _account(tenant, "group")
    created = api.put("/api/v1/accounts/sub/", {"name": "Sub", "parent_external_id": "group"})
    assert created.status_code == 201 and created.json()["parent_external_id"] == "group"
    assert api.get("/api/v1/accounts/sub/").json()["parent_external_id"] == "group"
    listed = {row["external_id"]: row for row in api.get("/api/v1/accounts/").json()["results"]}
    assert listed["sub"]["parent_external_id"] == "group"
    assert listed["group"]["parent_external_id"] is None
    cleared = api.patch("/api/v1/accounts/sub/", {"parent_external_id": None})
    assert cleared.status_code == 200 and _parent_of(tenant, "sub") is None


@pytest.mark.parametrize(
    "external_id, parent",
    [
        ("a", "a"),  # itself
        ("a", "c"),  # its grandchild: a <- b <- c
        ("b", "c"),  # its child
    ],
)
def test_a_cycle_is_refused_naming_the_field(api, tenant, external_id, parent):
    a = _account(tenant, "a")
    b = _account(tenant, "b", parent=a)
    _account(tenant, "c", parent=b)
    response = api.patch(f"/api/v1/accounts/{external_id}/", {"parent_external_id": parent})
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["fields"]["parent_external_id"] == [
        "An account cannot be its own parent or the parent of an account above it."
    ]
    assert [_parent_of(tenant, x) for x in "abc"] == [None, "a", "b"]  # nothing written


def test_a_parent_of_another_tenant_is_not_found(api, tenant, other_tenant):
    _account(other_tenant, "globex-group")
    response = api.put(
        "/api/v1/accounts/sub/", {"name": "Sub", "parent_external_id": "globex-group"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["parent_external_id"] == [
        "No account with external_id 'globex-group' in this tenant."
    ]
    assert not Account.objects.for_tenant(tenant).filter(external_id="sub").exists()


def test_the_service_refuses_a_cycle_and_another_tenants_parent(tenant, other_tenant):
    a = _account(tenant, "a")
    _account(tenant, "b", parent=a)
    b = Account.objects.for_tenant(tenant).get(external_id="b")
    with pytest.raises(ValidationError) as error:
        account_upsert(tenant=tenant, external_id="a", name="A", parent=b)
    assert "parent" in error.value.message_dict
    foreign = _account(other_tenant, "x")
    with pytest.raises(ValidationError):
        account_upsert(tenant=tenant, external_id="a", name="A", parent=foreign)
    assert _parent_of(tenant, "a") is None


def test_deleting_a_parent_keeps_its_children(api, tenant):
    group = _account(tenant, "group")
    _account(tenant, "sub", parent=group)
    assert api.delete("/api/v1/accounts/group/").status_code == 204
    assert _parent_of(tenant, "sub") is None


def _import(tenant, member, text):
    job = ImportJob.objects.for_tenant(tenant).create(
        tenant=tenant, kind="accounts", original_filename="a.csv", content=text
    )
    job = import_job_validate(tenant=tenant, job_id=job.pk)
    if job.status == ImportJob.Status.VALIDATED:
        job.status = ImportJob.Status.APPLYING
        job.save(update_fields=["status"])
        job = import_job_apply(tenant=tenant, job_id=job.pk)
    return job


def test_csv_parents_may_come_earlier_in_the_same_file(tenant, member):
    _account(tenant, "holding")
    job = _import(
        tenant,
        member,
        "external_id,name,parent_external_id\n"
        "group,Group,holding\n"
        "sub-1,Sub one,group\n"
        "sub-2,Sub two,group\n",
    )
    assert job.status == ImportJob.Status.APPLIED, (job.errors, job.message)
    assert [_parent_of(tenant, x) for x in ("group", "sub-1", "sub-2")] == [
        "holding",
        "group",
        "group",
    ]


def test_csv_cycles_and_unknown_parents_are_line_errors(tenant, member):
    _account(tenant, "old")
    job = _import(
        tenant,
        member,
        "external_id,name,parent_external_id\n"
        "new,New,old\n"  # fine alone...
        "old,Old,new\n"  # ...but old would then sit below its own child
        "orphan,Orphan,later\n"  # a parent that comes later in the file is not known yet
        "later,Later,\n",
    )
    assert job.status == ImportJob.Status.INVALID
    assert [(e["line"], e["field"]) for e in job.errors] == [
        (3, "parent_external_id"),
        (4, "parent_external_id"),
    ]
    assert not Account.objects.for_tenant(tenant).filter(external_id="new").exists()


@pytest.mark.outsider("account")
def test_pages_show_the_parent_and_the_children(tenant, owner_client, outsider_client):
    group = _account(tenant, "group")
    sub = _account(tenant, "sub", parent=group)
    group_page = owner_client.get(f"/accounts/{group.pk}/").content.decode()
    assert "1 child account" in group_page and f'href="/accounts/{sub.pk}/"' in group_page
    sub_page = owner_client.get(f"/accounts/{sub.pk}/").content.decode()
    assert "Part of" in sub_page and f'href="/accounts/{group.pk}/"' in sub_page
    listing = owner_client.get("/accounts/?q=sub").content.decode()
    assert "part of Group" in listing
    assert outsider_client.get(f"/accounts/{group.pk}/").status_code == 404


def test_csv_lines_that_change_a_cached_parent_cannot_close_a_cycle(tenant, member):
    """A parent named on an early line is cached for the file; a later line changes its own
    parent. The walk reads the database, so the cycle is still seen when the file applies."""
    _account(tenant, "x")
    _account(tenant, "y")
    job = _import(
        tenant,
        member,
        "external_id,name,parent_external_id\n"
        "c,C,x\n"  # names x while x has no parent
        "x,X,y\n"  # x below y
        "y,Y,x\n",  # y below x: a cycle x -> y -> x
    )
    assert job.status == ImportJob.Status.INVALID  # seen before anything is applied
    assert [(e["line"], e["field"]) for e in job.errors] == [(4, "parent_external_id")]
    assert [_parent_of(tenant, name) for name in ("x", "y")] == [None, None]


def test_applying_rechecks_against_the_database(tenant, member):
    """Rows valid when checked but cyclic by the time they are applied fail the whole file."""
    _account(tenant, "x")
    y = _account(tenant, "y")
    job = ImportJob.objects.for_tenant(tenant).create(
        tenant=tenant, kind="accounts", original_filename="a.csv",
        content="external_id,name,parent_external_id\nx,X,y\n",
    )  # fmt: skip
    job = import_job_validate(tenant=tenant, job_id=job.pk)
    assert job.status == ImportJob.Status.VALIDATED
    account_upsert(
        tenant=tenant,
        external_id="y",
        name="Y",
        parent=Account.objects.for_tenant(tenant).get(external_id="x"),
    )  # meanwhile, by API: y below x
    job.status = ImportJob.Status.APPLYING
    job.save(update_fields=["status"])
    job = import_job_apply(tenant=tenant, job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert "Line 2, parent_external_id" in job.message and "Nothing was imported" in job.message
    assert _parent_of(tenant, "x") is None and y.pk


def test_the_services_own_refusal_is_reported_by_the_api_field_name(tenant):
    from django.core.exceptions import ValidationError as DjangoValidationError

    from accounts.api.serializers import AccountSerializer

    serializer = AccountSerializer(context={"request": None})
    refusal = DjangoValidationError({"parent": ["A cycle."], "name": ["Too long."]})
    assert serializer._by_field_name(refusal) == {
        "parent_external_id": ["A cycle."],
        "name": ["Too long."],
    }


def test_setting_a_parent_locks_the_tenant_row_without_blocking_foreign_keys(
    tenant, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    group = _account(tenant, "group")
    with CaptureQueriesContext(connection) as queries:
        _account(tenant, "sub", parent=group)
    locks = [q["sql"] for q in queries.captured_queries if "FOR" in q["sql"]]
    assert any("FOR NO KEY UPDATE" in sql and "tenants_tenant" in sql for sql in locks)
