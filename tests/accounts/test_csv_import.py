"""CSV import from the Data page: upload checks, validation, preview, apply, progress, access."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.csv_io import apply as apply_module
from accounts.csv_io import progress
from accounts.csv_io import validate as validate_module
from accounts.csv_io.formats import FORMATS, MAX_FILE_BYTES
from accounts.csv_io.rows import FileChecker
from accounts.models import Account, Contact, ImportJob, Subscription
from accounts.services.accounts import account_upsert, contact_upsert, subscription_upsert
from accounts.tasks import apply_import, validate_import
from tenants.models import Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

Status = ImportJob.Status


def _file(content, name="data.csv"):
    raw = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, raw, content_type="text/csv")


def _upload(client, capture, content, kind="accounts", name="data.csv"):
    """POST the file to the import page; validation runs (eagerly) once the upload commits."""
    with capture(execute=True):
        return client.post("/data/", {"kind": kind, "file": _file(content, name)})


def _apply(client, capture, job):
    with capture(execute=True):
        return client.post(f"/data/imports/{job.pk}/apply/")


def _job(tenant) -> ImportJob:
    return ImportJob.objects.for_tenant(tenant).latest("id")


def _messages(job) -> list[tuple[int, str, str]]:
    return [(e["line"], e["field"], e["message"]) for e in job.errors]


# --- Happy paths ------------------------------------------------------------------------------


def test_accounts_import_previews_then_applies(
    tenant, member, member_client, django_capture_on_commit_callbacks
):
    account_upsert(tenant=tenant, external_id="acc-1", name="Initech", segment="SMB")
    content = (
        "external_id,name,domain,owner_email,segment,lifecycle_stage,traits\n"
        "acc-1,Initech Corp,,,,adoption,\n"
        'acc-2,Umbrella,umbrella.test,CSM@acme.test,Enterprise,trial,"{""plan"": ""pro""}"\n'
        "acc-3,Globex,,,,,\n"
    )
    response = _upload(member_client, django_capture_on_commit_callbacks, content)
    job = _job(tenant)
    assert response.status_code == 302 and response["Location"] == f"/data/imports/{job.pk}/"
    assert job.status == Status.VALIDATED, job.errors
    assert (job.row_count, job.create_count, job.update_count) == (3, 2, 1)
    assert job.created_by.user == member and job.original_filename == "data.csv"
    assert [row["action"] for row in job.preview] == ["update", "create", "create"]
    assert Account.objects.for_tenant(tenant).count() == 1  # nothing written yet

    page = member_client.get(f"/data/imports/{job.pk}/").content.decode()
    assert "2 will be created and 1 updated" in page
    assert "Umbrella" in page and "umbrella.test" in page  # the preview table
    assert 'class="primary">Apply 3 rows</button>' in page

    response = _apply(member_client, django_capture_on_commit_callbacks, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.APPLIED, job.message
    assert (job.create_count, job.update_count) == (2, 1) and job.applied_at is not None
    accounts = {a.external_id: a for a in Account.objects.for_tenant(tenant)}
    assert accounts["acc-1"].name == "Initech Corp"
    assert accounts["acc-1"].segment == "SMB"  # blank cell: not given, kept
    assert accounts["acc-1"].lifecycle_stage == "adoption"
    umbrella = accounts["acc-2"]
    assert umbrella.owner == Membership.objects.for_tenant(tenant).get(user=member)
    assert umbrella.traits == {"plan": "pro"} and umbrella.domain == "umbrella.test"
    assert accounts["acc-3"].traits == {} and accounts["acc-3"].owner is None
    assert "2 created, 1 updated" in member_client.get(f"/data/imports/{job.pk}/").content.decode()


def test_semicolons_bom_any_column_order_and_blank_owner_clears(
    tenant, member, owner_client, django_capture_on_commit_callbacks
):
    csm = Membership.objects.for_tenant(tenant).get(user=member)
    account_upsert(tenant=tenant, external_id="acc-1", name="Initech", owner=csm)
    content = "\ufeffName ; EXTERNAL_ID;owner_email\nInitech;acc-1;\nHooli;acc-2;csm@acme.test\n"
    _upload(owner_client, django_capture_on_commit_callbacks, content)
    job = _job(tenant)
    assert job.status == Status.VALIDATED, job.errors
    assert job.columns == ["name", "external_id", "owner_email"]
    _apply(owner_client, django_capture_on_commit_callbacks, job)
    accounts = {a.external_id: a for a in Account.objects.for_tenant(tenant)}
    assert accounts["acc-1"].owner is None  # a blank nullable cell means null
    assert accounts["acc-2"].owner == csm


def test_contacts_import(tenant, member_client, django_capture_on_commit_callbacks):
    account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    content = (
        "external_id,account_external_id,email,name,traits\n"
        'ct-1,acc-1,peter@initech.test,Peter,"{""title"": ""Engineer""}"\n'
        "ct-2,,bill@example.test,,\n"
    )
    _upload(member_client, django_capture_on_commit_callbacks, content, kind="contacts")
    job = _job(tenant)
    assert job.status == Status.VALIDATED, job.errors
    _apply(member_client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.status == Status.APPLIED and job.create_count == 2
    contacts = {c.external_id: c for c in Contact.objects.for_tenant(tenant)}
    assert contacts["ct-1"].account.external_id == "acc-1"
    assert contacts["ct-1"].traits == {"title": "Engineer"}
    assert contacts["ct-2"].account is None and contacts["ct-2"].email == "bill@example.test"


def test_subscriptions_import(tenant, member_client, django_capture_on_commit_callbacks):
    account = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")[0]
    subscription_upsert(
        tenant=tenant,
        external_id="sub-1",
        account=account,
        mrr=Decimal("10"),
        start_date=date(2024, 1, 1),
        end_date=date(2025, 1, 1),
    )
    content = (
        "external_id,account_external_id,plan,mrr,currency,start_date,end_date,status\n"
        "sub-1,acc-1,Pro,49.50,,2024-01-01,,active\n"
        "sub-2,acc-1,Team,100,EUR,2024-03-01,2025-03-01,ended\n"
    )
    _upload(member_client, django_capture_on_commit_callbacks, content, kind="subscriptions")
    job = _job(tenant)
    assert (job.status, job.create_count, job.update_count) == (Status.VALIDATED, 1, 1)
    _apply(member_client, django_capture_on_commit_callbacks, job)
    subs = {s.external_id: s for s in Subscription.objects.for_tenant(tenant)}
    assert subs["sub-1"].mrr == Decimal("49.50") and subs["sub-1"].plan == "Pro"
    assert subs["sub-1"].end_date is None  # blank end_date: the term is open again
    assert subs["sub-1"].currency == tenant.currency
    assert subs["sub-2"].currency == "EUR" and subs["sub-2"].end_date == date(2025, 3, 1)
    assert subs["sub-2"].status == "ended"


# --- Errors found by validation ---------------------------------------------------------------


def test_row_errors_have_spreadsheet_line_numbers_and_the_apis_messages(
    tenant, member_client, api, django_capture_on_commit_callbacks
):
    content = (
        "external_id,name,lifecycle_stage,owner_email,traits\n"  # line 1
        'acc-1,"Initech\nCorp",adoption,,\n'  # line 2: one spreadsheet row, two text lines
        ",,,,\n"  # line 3: blank row, skipped but counted
        "acc-2,Hooli,zombie,,\n"  # line 4
        "acc-3,,,,\n"  # line 5
        'acc-4,Pied Piper,,,"{""a"": 1,}"\n'  # line 6
        "acc-5,Aviato,,stranger@x.test,[1]\n"  # line 7
    )
    _upload(member_client, django_capture_on_commit_callbacks, content)
    job = _job(tenant)
    assert job.status == Status.INVALID
    assert job.row_count == 5 and job.error_count == 5
    errors = _messages(job)
    assert [(line, field) for line, field, _ in errors] == [
        (4, "lifecycle_stage"),
        (5, "name"),
        (6, "traits"),
        (7, "owner_email"),
        (7, "traits"),
    ]
    assert "not valid JSON" in errors[2][2]
    # The same values sent to the API get the same messages.
    for line, field, message in [errors[0], errors[1], errors[3], errors[4]]:
        payload = {"external_id": f"x{line}", "name": "X"}
        payload[field] = {"lifecycle_stage": "zombie", "owner_email": "stranger@x.test"}.get(
            field, [1]
        )
        if field == "name":
            payload.pop("name")
        fields = api.post("/api/v1/accounts/", payload, format="json").json()["error"]["fields"]
        assert fields[field] == [message]
    assert Account.objects.for_tenant(tenant).count() == 0


def test_invalid_job_page_lists_errors_and_disables_apply(
    tenant, member_client, django_capture_on_commit_callbacks
):
    _upload(member_client, django_capture_on_commit_callbacks, "external_id,name\na,\nb,B\n")
    job = _job(tenant)
    page = member_client.get(f"/data/imports/{job.pk}/").content.decode()
    assert "Found 1 error" in page and "This field is required." in page
    assert 'class="primary" disabled>Apply 2 rows</button>' in page
    assert "upload the file again" in page
    response = _apply(member_client, django_capture_on_commit_callbacks, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.INVALID
    assert Account.objects.for_tenant(tenant).count() == 0
    assert (
        "fix them and upload it again" in member_client.get(response["Location"]).content.decode()
    )


def test_duplicate_external_ids_name_both_lines(
    tenant, member_client, django_capture_on_commit_callbacks
):
    content = "external_id,name\nacc-1,A\nacc-2,B\n acc-1 ,C\n"
    _upload(member_client, django_capture_on_commit_callbacks, content)
    job = _job(tenant)
    assert job.status == Status.INVALID
    [(line, field, message)] = _messages(job)
    assert (line, field) == (4, "external_id")
    assert message == "Lines 2 and 4 have the same external_id 'acc-1'; keep one of them."


def test_contacts_must_reference_existing_accounts(
    tenant, member_client, django_capture_on_commit_callbacks
):
    content = "external_id,account_external_id\nct-1,acc-404\n"
    _upload(member_client, django_capture_on_commit_callbacks, content, kind="contacts")
    job = _job(tenant)
    assert _messages(job) == [
        (2, "account_external_id", "No account with external_id 'acc-404' in this tenant.")
    ]
    assert "Import accounts first" in member_client.get("/data/").content.decode()


def test_row_wider_than_header_is_an_error(
    tenant, member_client, django_capture_on_commit_callbacks
):
    _upload(member_client, django_capture_on_commit_callbacks, "external_id,name\na,Acme,Inc\n")
    [(line, field, message)] = _messages(_job(tenant))
    assert line == 2 and field == "" and "3 cells but the header has 2 columns" in message


def test_short_rows_are_blank_and_json_is_strict(
    tenant, member_client, django_capture_on_commit_callbacks
):
    account = account_upsert(tenant=tenant, external_id="acc-1", name="Initech")[0]
    contact_upsert(tenant=tenant, external_id="ct-1", account=account, name="Peter")
    content = 'external_id,name,traits,account_external_id\nct-1\nct-2,Bill,{"a": NaN}\n'
    _upload(member_client, django_capture_on_commit_callbacks, content, kind="contacts")
    job = _job(tenant)
    assert _messages(job) == [(3, "traits", "Is not valid JSON (NaN is not allowed).")]
    _upload(
        member_client, django_capture_on_commit_callbacks, content.split("ct-2")[0], kind="contacts"
    )
    _apply(member_client, django_capture_on_commit_callbacks, _job(tenant))
    contact = Contact.objects.for_tenant(tenant).get()
    assert contact.account is None and contact.name == "Peter"  # missing cells are blank


def test_stored_errors_are_capped_but_counted(
    tenant, member_client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(validate_module, "MAX_STORED_ERRORS", 3)
    content = "external_id,name\n" + "".join(f"a{n},\n" for n in range(5))
    _upload(member_client, django_capture_on_commit_callbacks, content)
    job = _job(tenant)
    assert job.error_count == 5 and len(job.errors) == 3
    assert (
        "Showing the first 3 of 5 errors"
        in member_client.get(f"/data/imports/{job.pk}/").content.decode()
    )


@pytest.mark.parametrize("kind", ["accounts", "contacts", "subscriptions"])
def test_formats_follow_the_api_serializers(kind):
    fmt = FORMATS[kind]
    fields = fmt.serializer().fields
    writable = {name for name, field in fields.items() if not field.read_only}
    assert set(fmt.columns) == writable
    assert fmt.required == {name for name in writable if fields[name].required}
    assert all(fields[name].allow_null for name in fmt.nullable)


def test_validation_queries_do_not_grow_with_rows(tenant, member):
    """Existing rows are found a chunk at a time and each account is looked up once."""
    account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    counts = []
    for rows in (3, 60):
        content = "external_id,account_external_id\n" + "".join(
            f"ct-{n},acc-1\n" for n in range(rows)
        )
        job = ImportJob.objects.create(
            tenant=tenant, kind="contacts", original_filename="c.csv", content=content
        )
        with CaptureQueriesContext(connection) as queries:
            validate_import.delay(tenant.pk, job.pk)
        job.refresh_from_db()
        assert job.status == Status.VALIDATED and job.create_count == rows
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("task", [validate_import, apply_import])
def test_an_unexpected_error_fails_the_job_and_writes_nothing(tenant, monkeypatch, task):
    job = ImportJob.objects.create(
        tenant=tenant,
        kind="accounts",
        original_filename="a.csv",
        content="external_id,name\na,A\n",
        status=Status.UPLOADED if task is validate_import else Status.APPLYING,
        row_count=1,
    )

    def boom(self, rows, **options):
        raise RuntimeError("worker bug")

    monkeypatch.setattr(FileChecker, "read", boom)
    assert task.delay(tenant.pk, job.pk).get() == Status.FAILED
    job.refresh_from_db()
    assert "failed unexpectedly" in job.message
    assert not Account.objects.for_tenant(tenant).exists()


# --- Upload checks: form errors, nothing stored -----------------------------------------------


@pytest.mark.parametrize(
    "content, name, expected",
    [
        (None, None, "Choose a CSV file to upload."),
        (b"", "empty.csv", "The file is empty"),
        ("\ufeff\n\n", "blank.csv", "The file is empty"),
        ("external_id,name\n", "header.csv", "no rows of data"),
        ("external_id,name\nacc-1,Soci\xe9t\xe9\n".encode("latin-1"), "l1.csv", "line 2"),
        (b"PK\x03\x04\x14\x00\x06\x00", "book.xlsx", "not a CSV file"),
        (b"\xff\xfee\x00x\x00", "u16.csv", "UTF-16"),
        ("external_id,name\x00\n", "bin.csv", "binary data"),
        ("external_id,domain\na,b\n", "x.csv", "Missing required column: name."),
        ("external_id,name,colour,size\na,b,c,d\n", "x.csv", "Unknown columns: colour, size."),
        ("external_id,name,name\na,b,c\n", "x.csv", "named more than once: name"),
    ],
)
def test_bad_files_get_form_errors_and_store_nothing(
    tenant, member_client, content, name, expected
):
    data = {"kind": "accounts"}
    if content is not None:
        data["file"] = _file(content, name)
    response = member_client.post("/data/", data)
    assert response.status_code == 400
    assert expected in " ".join(response.context["form"].errors["file"])
    assert expected in response.content.decode().replace("&#x27;", "'")
    assert not ImportJob.objects.for_tenant(tenant).exists()


def test_not_utf8_error_says_how_to_fix(tenant, member_client):
    raw = "external_id,name\nacc-1,Soci\xe9t\xe9\n".encode("latin-1")
    response = member_client.post("/data/", {"kind": "accounts", "file": _file(raw)})
    [message] = response.context["form"].errors["file"]
    assert "not UTF-8" in message and "CSV UTF-8" in message


def test_unknown_columns_error_lists_allowed_ones(tenant, member_client):
    response = member_client.post(
        "/data/", {"kind": "contacts", "file": _file("external_id,phone\nc,1\n")}
    )
    [message] = response.context["form"].errors["file"]
    assert "Unknown column: phone." in message
    assert ", ".join(FORMATS["contacts"].columns) in message


def test_file_over_20_mb_is_refused(tenant, member_client):
    header = b"external_id,name\n"
    raw = header + b"a,b\n" * ((MAX_FILE_BYTES - len(header)) // 4 + 1)
    assert len(raw) > MAX_FILE_BYTES
    response = member_client.post("/data/", {"kind": "accounts", "file": _file(raw)})
    assert response.status_code == 400
    assert "the limit is 20 MB" in response.context["form"].errors["file"][0]
    assert not ImportJob.objects.for_tenant(tenant).exists()


def test_kind_is_required(tenant, member_client):
    response = member_client.post("/data/", {"kind": "people", "file": _file("external_id\na\n")})
    assert response.status_code == 400 and "kind" in response.context["form"].errors


# --- Apply: one transaction --------------------------------------------------------------------


def test_database_failure_on_one_row_rolls_back_the_whole_file(
    tenant, member_client, django_capture_on_commit_callbacks
):
    account_upsert(tenant=tenant, external_id="acc-1", name="Initech")
    with connection.cursor() as cursor:  # a real refusal by PostgreSQL, at apply time only
        cursor.execute(
            """
            CREATE FUNCTION csv_test_refuse() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'refused by the test trigger' USING ERRCODE = 'check_violation';
            END $$ LANGUAGE plpgsql;
            CREATE TRIGGER csv_test_refuse BEFORE INSERT ON accounts_account
            FOR EACH ROW WHEN (NEW.external_id = 'boom') EXECUTE FUNCTION csv_test_refuse();
            """
        )
    content = "external_id,name\nacc-1,Initech Renamed\nacc-2,Hooli\nboom,Boom\nacc-4,Late\n"
    _upload(member_client, django_capture_on_commit_callbacks, content)
    job = _job(tenant)
    assert job.status == Status.VALIDATED
    _apply(member_client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.message.startswith("Line 4: The database refused this row")
    assert "refused by the test trigger" in job.message
    assert job.message.endswith("Nothing was imported.")
    assert _messages(job)[0][0] == 4
    assert list(Account.objects.for_tenant(tenant).values_list("external_id", "name")) == [
        ("acc-1", "Initech")
    ]
    page = member_client.get(f"/data/imports/{job.pk}/").content.decode()
    assert "refused by the test trigger" in page


def test_row_invalid_at_apply_time_rolls_back_and_names_the_row(
    tenant, member_client, django_capture_on_commit_callbacks
):
    for xid in ("acc-1", "acc-2"):
        account_upsert(tenant=tenant, external_id=xid, name=xid)
    content = (
        "external_id,account_external_id,mrr,start_date\n"
        "sub-1,acc-1,10,2024-01-01\n"
        "sub-2,acc-2,20,2024-01-01\n"
    )
    _upload(member_client, django_capture_on_commit_callbacks, content, kind="subscriptions")
    job = _job(tenant)
    assert job.status == Status.VALIDATED
    Account.objects.for_tenant(tenant).filter(external_id="acc-2").delete()  # meanwhile
    _apply(member_client, django_capture_on_commit_callbacks, job)
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.message == (
        "Line 3, account_external_id: No account with external_id 'acc-2' in this tenant. "
        "Nothing was imported."
    )
    assert not Subscription.objects.for_tenant(tenant).exists()


def test_tasks_are_idempotent(tenant, member_client, django_capture_on_commit_callbacks):
    _upload(member_client, django_capture_on_commit_callbacks, "external_id,name\na,A\n")
    job = _job(tenant)
    validated_at = job.validated_at
    assert validate_import.delay(tenant.pk, job.pk).get() == Status.VALIDATED
    job.refresh_from_db()
    assert job.validated_at == validated_at  # not checked twice
    assert apply_import.delay(tenant.pk, job.pk).get() == Status.VALIDATED  # not requested
    # A task redelivered after its worker died checks a `validating` job again.
    ImportJob.objects.for_tenant(tenant).filter(pk=job.pk).update(status=Status.VALIDATING)
    assert validate_import.delay(tenant.pk, job.pk).get() == Status.VALIDATED
    _apply(member_client, django_capture_on_commit_callbacks, job)
    assert apply_import.delay(tenant.pk, job.pk).get() == Status.APPLIED  # not applied twice
    response = _apply(member_client, django_capture_on_commit_callbacks, job)
    assert (
        "cannot be applied: it is applied"
        in member_client.get(response["Location"]).content.decode()
    )
    assert Account.objects.for_tenant(tenant).count() == 1


# --- Progress ----------------------------------------------------------------------------------


def test_progress_is_reported_in_the_cache_for_both_passes(
    tenant, member_client, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(validate_module, "CHUNK_ROWS", 2)
    monkeypatch.setattr(apply_module, "CHUNK_ROWS", 2)
    seen = []
    real_report = progress.report

    def spy(job, **values):
        real_report(job, **values)
        stored = progress.read(job)  # readable at once, though apply's transaction is open
        seen.append((stored.phase, stored.done, stored.total))

    monkeypatch.setattr(progress, "report", spy)
    content = "external_id,name\n" + "".join(f"a{n},A{n}\n" for n in range(5))
    _upload(member_client, django_capture_on_commit_callbacks, content)
    job = _job(tenant)
    _apply(member_client, django_capture_on_commit_callbacks, job)
    steps = [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert seen == [("validating", *s) for s in steps] + [("applying", *s) for s in steps]


def test_running_job_page_polls_and_shows_progress(tenant, member, member_client):
    job = ImportJob.objects.create(
        tenant=tenant,
        kind="accounts",
        original_filename="big.csv",
        content="external_id,name\n",
        status=Status.APPLYING,
        row_count=10,
    )
    progress.report(job, phase="validating", done=10, total=10)  # left by the check
    assert "10 of 10 rows" not in member_client.get(f"/data/imports/{job.pk}/").content.decode()
    progress.report(job, phase="applying", done=3, total=10)
    page = member_client.get(f"/data/imports/{job.pk}/")
    content = page.content.decode()
    assert '<progress value="3" max="10">' in content and "3 of 10 rows" in content
    assert 'hx-trigger="every 1s"' in content
    assert f'hx-get="/data/imports/{job.pk}/"' in content
    assert f'<a href="/data/imports/{job.pk}/">Refresh</a>' in content  # works without JS
    assert "HX-Request" in page["Vary"]

    partial = member_client.get(f"/data/imports/{job.pk}/", headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<section class="card" id="job-status"')
    assert "<html" not in body and "3 of 10 rows" in body
    assert "HX-Refresh" not in partial

    ImportJob.objects.for_tenant(tenant).filter(pk=job.pk).update(status=Status.APPLIED)
    done = member_client.get(f"/data/imports/{job.pk}/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"  # the whole page reloads with the result
    assert "every 1s" not in done.content.decode()  # and polling stops


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.outsider("data-import")
def test_import_page_lists_only_this_tenants_imports(
    tenant, other_tenant, owner_client, outsider, client, django_capture_on_commit_callbacks
):
    _upload(
        owner_client, django_capture_on_commit_callbacks, "external_id,name\na,A\n", name="ours.csv"
    )
    ImportJob.objects.create(
        tenant=other_tenant, kind="accounts", original_filename="theirs.csv", content=""
    )
    page = owner_client.get("/data/").content.decode()
    assert "ours.csv" in page and "theirs.csv" not in page
    assert "Ready to apply" in page
    client.force_login(outsider, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/data/").content.decode()
    assert "theirs.csv" in page and "ours.csv" not in page


@pytest.mark.outsider("data-import-job", "data-import-apply")
def test_outsider_gets_404_on_job_pages_partial_and_apply(
    tenant, member_client, outsider, client, django_capture_on_commit_callbacks
):
    _upload(member_client, django_capture_on_commit_callbacks, "external_id,name\na,A\n")
    job = _job(tenant)
    client.force_login(outsider, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/data/imports/{job.pk}/"
    assert client.get(url).status_code == 404
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{url}apply/").status_code == 404
    job.refresh_from_db()
    assert job.status == Status.VALIDATED
    assert not Account.objects.for_tenant(tenant).exists()


def test_viewer_can_look_but_not_import_or_apply(
    tenant, viewer_client, member_client, django_capture_on_commit_callbacks
):
    page = viewer_client.get("/data/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'type="file"' not in content and "Your role can view imports" in content
    assert "/data/export/accounts.csv" in content
    response = viewer_client.post(
        "/data/", {"kind": "accounts", "file": _file("external_id,name\na,A\n")}
    )
    assert response.status_code == 403
    assert not ImportJob.objects.for_tenant(tenant).exists()

    _upload(member_client, django_capture_on_commit_callbacks, "external_id,name\na,A\n")
    job = _job(tenant)
    job_page = viewer_client.get(f"/data/imports/{job.pk}/")
    assert job_page.status_code == 200
    assert "a customer success manager or an admin can apply it" in job_page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert viewer_client.post(f"/data/imports/{job.pk}/apply/").status_code == 403
    job.refresh_from_db()
    assert job.status == Status.VALIDATED
    assert not Account.objects.for_tenant(tenant).exists()


def test_anonymous_users_are_sent_to_login(client):
    for url in ["/data/", "/data/imports/1/", "/data/export/accounts.csv"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_nav_links_to_the_data_page(member_client):
    assert (
        'href="/data/" aria-current="page">Data</a>' in member_client.get("/data/").content.decode()
    )


# --- Query counts ------------------------------------------------------------------------------


def _make_jobs(tenant, n):
    creator = MembershipFactory(tenant=tenant)
    for i in range(n):
        ImportJob.objects.create(
            tenant=tenant,
            kind="accounts",
            original_filename=f"f{i}.csv",
            content="x" * 1000,
            created_by=creator,
            status=Status.INVALID,
            errors=[{"line": 2, "field": "name", "message": "This field is required."}] * 5,
            error_count=5,
        )


def test_import_page_query_count_is_constant(tenant, member_client, django_assert_num_queries):
    _make_jobs(tenant, 1)
    member_client.get("/data/")
    with django_assert_num_queries(4):
        member_client.get("/data/")
    _make_jobs(tenant, 6)
    with django_assert_num_queries(4):
        member_client.get("/data/")


def test_job_page_query_count_is_constant(
    tenant, member_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    small = "external_id,name\na,A\n"
    large = "external_id,name\n" + "".join(f"a{n},\n" for n in range(40))
    counts = []
    for content in (small, large):
        _upload(member_client, django_capture_on_commit_callbacks, content)
        url = f"/data/imports/{_job(tenant).pk}/"
        with django_assert_num_queries(4):
            member_client.get(url)
        with django_assert_num_queries(4):
            member_client.get(url, headers={"HX-Request": "true"})
        counts.append(_job(tenant).row_count)
    assert counts == [1, 40]


def test_admin_shows_jobs_read_only_to_their_tenants_staff(tenant, other_tenant, owner, client):
    ours = ImportJob.objects.create(
        tenant=tenant, kind="accounts", original_filename="ours.csv", content="secret,cells"
    )
    ImportJob.objects.create(
        tenant=other_tenant, kind="accounts", original_filename="theirs.csv", content=""
    )
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    listing = client.get("/admin/accounts/importjob/").content.decode()
    assert "ours.csv" in listing and "theirs.csv" not in listing
    detail = client.get(f"/admin/accounts/importjob/{ours.pk}/change/")
    assert detail.status_code == 200 and "secret,cells" not in detail.content.decode()
    assert client.get("/admin/accounts/importjob/add/").status_code == 403
    client.post(f"/admin/accounts/importjob/{ours.pk}/change/", {"status": "applied"})
    ours.refresh_from_db()
    assert ours.status == Status.UPLOADED


# --- With the broker (Redis) down ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_upload_and_its_apply_are_accepted_with_the_broker_down(
    tenant, member_client, broker_down
):
    from tenants.models import OutboxTask
    from tenants.tenancy.outbox import outbox_relay
    from tests.conftest import broker_back

    def queued():
        return [e.task_name for e in OutboxTask.objects.for_tenant(tenant).filter(sent_at=None)]

    response = member_client.post(
        "/data/", {"kind": "accounts", "file": _file("external_id,name\na,Acme\n")}
    )
    assert response.status_code == 302  # answered as usual: the upload is stored
    job = _job(tenant)
    assert job.status == Status.UPLOADED and queued() == ["accounts.tasks.validate_import"]
    with broker_back():
        assert outbox_relay().sent == 1
    job.refresh_from_db()
    assert job.status == Status.VALIDATED and job.create_count == 1

    response = member_client.post(f"/data/imports/{job.pk}/apply/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Status.APPLYING and queued() == ["accounts.tasks.apply_import"]
    assert not Account.objects.for_tenant(tenant).exists()
    with broker_back():
        assert outbox_relay().sent == 1
    job.refresh_from_db()
    assert job.status == Status.APPLIED
    assert Account.objects.for_tenant(tenant).get().name == "Acme"


def test_the_job_page_works_with_redis_down(tenant, member_client, settings):
    """The progress bar is read from Redis: without it the page shows the job's state."""
    ImportJob.objects.create(
        tenant=tenant, kind="accounts", original_filename="a.csv", content="x",
        status=Status.VALIDATING,
    )  # fmt: skip
    job = _job(tenant)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    assert progress.read(job) is None
    progress.report(job, phase="validating", done=1, total=2)  # dropped, not raised
    response = member_client.get(f"/data/imports/{job.pk}/")
    assert response.status_code == 200
