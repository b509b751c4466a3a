"""CSV import applied set-based: large files, data changed since validation, query counts,
tenant isolation and what metrics are told."""

import hashlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.csv_io import apply as apply_module
from accounts.csv_io import staging as staging_module
from accounts.csv_io.apply import import_job_apply
from accounts.csv_io.rows import FileChecker
from accounts.csv_io.validate import import_job_validate
from accounts.models import Account, Contact, ImportJob, Subscription
from accounts.services.accounts import account_upsert, subscription_upsert
from metrics.models import DirtyDay, UsageEvent

pytestmark = pytest.mark.django_db

Status = ImportJob.Status


def _validated(tenant, kind, content) -> ImportJob:
    job = ImportJob.objects.for_tenant(tenant).create(
        tenant=tenant, kind=kind, original_filename="f.csv", content=content
    )
    job = import_job_validate(tenant=tenant, job_id=job.pk)
    assert job.status == Status.VALIDATED, job.errors[:3]
    return job


def _apply(tenant, job) -> ImportJob:
    ImportJob.objects.for_tenant(tenant).filter(pk=job.pk).update(status=Status.APPLYING)
    return import_job_apply(tenant=tenant, job_id=job.pk)


def _accounts_file(rows: int, start: int = 0) -> str:
    return "external_id,name,segment,parent_external_id,traits\n" + "".join(
        f"a{n},Name {n},{'SMB' if n % 2 else 'Ent'},{f'a{n - 1}' if n % 3 == 1 else ''},"
        f'"{{""n"": {n}}}"\n'
        for n in range(start, start + rows)
    )


def test_a_large_file_creates_and_updates_in_one_go(tenant):
    for n in range(0, 3000, 3):  # a third exists already
        account_upsert(tenant=tenant, external_id=f"a{n}", name="Old", domain="kept.test")
    job = _validated(tenant, "accounts", _accounts_file(3000))
    assert (job.create_count, job.update_count) == (2000, 1000)
    job = _apply(tenant, job)
    assert job.status == Status.APPLIED, job.message
    assert (job.create_count, job.update_count) == (2000, 1000)
    accounts = {a.external_id: a for a in Account.objects.for_tenant(tenant)}
    assert len(accounts) == 3000
    assert accounts["a0"].name == "Name 0" and accounts["a0"].domain == "kept.test"
    assert accounts["a1"].domain == "" and accounts["a1"].traits == {"n": 1}
    assert accounts["a2998"].segment == "Ent" and accounts["a2999"].segment == "SMB"
    # Parents on the line before, whether created by the file (a0 exists, a3 does not).
    assert accounts["a1"].parent_id == accounts["a0"].pk
    assert accounts["a4"].parent_id == accounts["a3"].pk
    assert accounts["a5"].parent_id is None


def test_a_row_invalidated_after_validation_fails_the_whole_file(tenant):
    for xid in ("acc-1", "acc-2"):
        account_upsert(tenant=tenant, external_id=xid, name=xid)
    content = "external_id,account_external_id,name\n" + "".join(
        f"ct-{n},{'acc-2' if n == 1500 else 'acc-1'},Person {n}\n" for n in range(3000)
    )
    job = _validated(tenant, "contacts", content)
    Account.objects.for_tenant(tenant).filter(external_id="acc-2").delete()  # meanwhile
    job = _apply(tenant, job)
    assert job.status == Status.FAILED
    assert job.message == (
        "Line 1502, account_external_id: No account with external_id 'acc-2' in this tenant. "
        "Nothing was imported."
    )
    assert not Contact.objects.for_tenant(tenant).exists()


def test_apply_queries_do_not_grow_with_rows(tenant):
    account_upsert(tenant=tenant, external_id="a0", name="Existing")
    counts = []
    for start, rows in ((1, 5), (300, 600)):
        job = _validated(tenant, "accounts", _accounts_file(rows, start))
        ImportJob.objects.for_tenant(tenant).filter(pk=job.pk).update(status=Status.APPLYING)
        with CaptureQueriesContext(connection) as queries:
            job = import_job_apply(tenant=tenant, job_id=job.pk)
        assert job.status == Status.APPLIED, job.message
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_an_external_id_of_another_tenant_creates_a_row_in_this_one(tenant, other_tenant):
    theirs, _ = account_upsert(tenant=other_tenant, external_id="acc-1", name="Theirs")
    account_upsert(tenant=other_tenant, external_id="parent", name="Their parent")
    job = _validated(tenant, "accounts", "external_id,name\nacc-1,Ours\nparent,Our parent\n")
    assert (job.create_count, job.update_count) == (2, 0)
    job = _apply(tenant, job)
    assert (job.status, job.create_count) == (Status.APPLIED, 2)
    ours = Account.objects.for_tenant(tenant).get(external_id="acc-1")
    assert ours.pk != theirs.pk and ours.name == "Ours"
    theirs.refresh_from_db()
    assert theirs.name == "Theirs" and theirs.tenant_id == other_tenant.pk
    assert Account.objects.for_tenant(other_tenant).count() == 2
    # A parent is found in the job's tenant only.
    job = _validated(tenant, "accounts", "external_id,name,parent_external_id\nacc-2,B,parent\n")
    _apply(tenant, job)
    child = Account.objects.for_tenant(tenant).get(external_id="acc-2")
    assert child.parent == Account.objects.for_tenant(tenant).get(external_id="parent")


def test_unchanged_rows_are_not_written(tenant):
    account, _ = account_upsert(tenant=tenant, external_id="a1", name="Same")
    job = _apply(tenant, _validated(tenant, "accounts", "external_id,name\na1,Same\n"))
    assert (job.status, job.update_count) == (Status.APPLIED, 1)
    assert Account.objects.for_tenant(tenant).get().updated_at == account.updated_at


def test_metrics_hear_of_created_accounts_and_contacts_and_changed_terms(tenant):
    moment = datetime(2025, 3, 4, 12, tzinfo=UTC)
    for number, (account_xid, contact_xid) in enumerate([("acc-new", ""), ("", "ct-new")]):
        UsageEvent.objects.for_tenant(tenant).create(
            tenant=tenant, message_id=f"m{number}", event="Login", timestamp=moment,
            received_at=moment, account_external_id=account_xid, contact_external_id=contact_xid,
        )  # fmt: skip
    _apply(tenant, _validated(tenant, "accounts", "external_id,name\nacc-new,New\n"))
    account = Account.objects.for_tenant(tenant).get(external_id="acc-new")
    assert UsageEvent.objects.for_tenant(tenant).get(message_id="m0").account == account
    content = "external_id,account_external_id\nct-new,acc-new\n"
    _apply(tenant, _validated(tenant, "contacts", content))
    event = UsageEvent.objects.for_tenant(tenant).get(message_id="m1")
    assert event.contact.external_id == "ct-new" and event.account == account  # via the person
    assert DirtyDay.objects.for_tenant(tenant).filter(kind=DirtyDay.Kind.EVENTS).exists()

    subscription_upsert(
        tenant=tenant, external_id="sub-1", account=account, mrr=Decimal("10"),
        start_date=date(2025, 6, 1),
    )  # fmt: skip
    DirtyDay.objects.for_tenant(tenant).delete()
    content = "external_id,account_external_id,mrr,start_date\nsub-1,acc-new,20,2025-05-01\n"
    _apply(tenant, _validated(tenant, "subscriptions", content))
    assert Subscription.objects.for_tenant(tenant).get().mrr == Decimal("20.00")
    [mark] = DirtyDay.objects.for_tenant(tenant).filter(kind=DirtyDay.Kind.FIGURES)
    assert mark.day == date(2025, 5, 1) - timedelta(days=tenant.renewal_grace_days)


def test_validation_stores_the_files_hash_and_apply_trusts_only_that_file(tenant, monkeypatch):
    content = "external_id,name,segment\na1,Initech,SMB\na2,Hooli,Ent\n"
    job = _validated(tenant, "accounts", content)
    assert job.content_sha256 == hashlib.sha256(content.encode()).hexdigest()
    seen = []
    real_init = FileChecker.__init__

    def spy(self, *args, trusted=False, **kwargs):
        seen.append(trusted)
        real_init(self, *args, trusted=trusted, **kwargs)

    monkeypatch.setattr(FileChecker, "__init__", spy)
    job = _apply(tenant, job)
    assert (job.status, job.create_count, seen) == (Status.APPLIED, 2, [True])
    assert Account.objects.for_tenant(tenant).get(external_id="a2").segment == "Ent"


def test_a_file_changed_after_validation_is_checked_again_in_full(tenant):
    job = _validated(tenant, "accounts", "external_id,name,segment\na1,Initech,SMB\na2,Hooli,Ent\n")
    # The stored text no longer is the file that was checked: a cell too long for the field.
    long_name = "x" * 300
    ImportJob.objects.for_tenant(tenant).filter(pk=job.pk).update(
        content=f"external_id,name,segment\na1,Initech,SMB\na2,{long_name},Ent\n"
    )
    job = _apply(tenant, job)
    assert job.status == Status.FAILED
    assert job.message == (
        "Line 3, name: Ensure this field has no more than 255 characters. Nothing was imported."
    )
    assert not Account.objects.for_tenant(tenant).exists()


def test_a_row_created_by_someone_else_during_the_apply_fails_naming_it(tenant, monkeypatch):
    job = _validated(tenant, "accounts", "external_id,name\na1,Ours\na2,Ours too\n")
    real_stage = staging_module.rows_stage

    def stage_then_race(checker):
        real_stage(checker)
        # As if another transaction had created a2 since the file's rows were looked up.
        Account.objects.for_tenant(tenant).create(tenant=tenant, external_id="a2", name="Theirs")

    monkeypatch.setattr(apply_module, "rows_stage", stage_then_race)
    job = _apply(tenant, job)
    assert job.status == Status.FAILED
    assert job.message == (
        "Line 3, external_id: Was created by someone else while the file was applied; "
        "apply it again. Nothing was imported."
    )
    assert not Account.objects.for_tenant(tenant).exists()
