"""CSV files crafted or broken: a quote left open is a line error, never a merged cell;
exported cells that a spreadsheet would run as a formula are neutralised, full-width too."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Account, ImportJob
from accounts.services.accounts import account_upsert
from tenants.spreadsheet import escape_cell, unescape_cell

pytestmark = pytest.mark.django_db


def _post(client, content):
    upload = SimpleUploadedFile("data.csv", content.encode(), content_type="text/csv")
    return client.post("/data/", {"kind": "accounts", "file": upload})


def test_a_quote_left_open_to_the_end_is_a_form_error_naming_its_line(tenant, member_client):
    response = _post(member_client, 'external_id,name\nacc-1,"Initech\nacc-2,Hooli\n')
    assert response.status_code == 400
    assert "Line 2 cannot be read" in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.for_tenant(tenant).exists()


def test_a_quote_left_open_mid_file_is_a_line_error(
    tenant, member_client, django_capture_on_commit_callbacks
):
    content = (
        "external_id,name\n"
        "acc-1,Initech\n"
        'acc-2,"Hooli\n'  # line 3: never closed, the next quote is another cell's
        'acc-3,"Pied Piper"\n'
        "acc-4,Aviato\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(member_client, content)
    assert response.status_code == 302
    job = ImportJob.objects.for_tenant(tenant).get()
    assert job.status == ImportJob.Status.INVALID
    [error] = job.errors
    assert error["line"] == 3 and "Line 3 cannot be read" in error["message"]
    assert not Account.objects.for_tenant(tenant).exists()


def test_a_quoted_value_across_lines_is_still_one_cell(
    tenant, member_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(member_client, 'external_id,name\nacc-1,"Initech\nCorp"\nacc-2,"Say ""hi"""\n')
    job = ImportJob.objects.for_tenant(tenant).get()
    assert job.status == ImportJob.Status.VALIDATED, job.errors


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20"])
def test_exported_formula_starts_are_neutralised_full_width_too(tenant, member_client, start):
    account_upsert(tenant=tenant, external_id="acc-1", name=f"{start}HYPERLINK(1)")
    response = member_client.get("/data/export/accounts.csv")
    raw = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[1][1] == f"'{start}HYPERLINK(1)"
    assert unescape_cell(escape_cell(f"{start}x")) == f"{start}x"  # the import reads it back
