"""CSV export from the Data page: the import format, streamed, one query, tenant-scoped."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts.csv_io import export as export_module
from accounts.csv_io.formats import FORMATS
from accounts.models import Account, Contact, ImportJob, Subscription
from accounts.services.accounts import account_upsert, contact_upsert, subscription_upsert
from tenants.models import Membership

pytestmark = pytest.mark.django_db


def _download(client, kind) -> tuple[StreamingHttpResponse, bytes]:
    response = client.get(f"/data/export/{kind}.csv")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return response, b"".join(response.streaming_content)


def _rows(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def _seed(tenant, member_user=None, prefix=""):
    owner = None
    if member_user is not None:
        owner = Membership.objects.for_tenant(tenant).get(user=member_user)
    initech, _ = account_upsert(
        tenant=tenant,
        external_id=f"{prefix}acc-1",
        name="Initech",
        domain="initech.test",
        owner=owner,
        segment="SMB",
        lifecycle_stage="adoption",
        traits={"plan": "pro", "seats": 12, "tags": ["a", "b"], "note": "Ça, “quoted”"},
    )
    account_upsert(tenant=tenant, external_id=f"{prefix}acc-2", name="=HYPERLINK(1)")
    contact_upsert(
        tenant=tenant,
        external_id=f"{prefix}ct-1",
        account=initech,
        email="peter@initech.test",
        name="Peter; Gibbons",
        traits={"title": "Engineer"},
    )
    contact_upsert(tenant=tenant, external_id=f"{prefix}ct-2", email="", name="Bill")
    subscription_upsert(
        tenant=tenant,
        external_id=f"{prefix}sub-1",
        account=initech,
        plan="Pro",
        mrr=Decimal("49.50"),
        start_date=date(2024, 1, 1),
        end_date=None,
    )
    subscription_upsert(
        tenant=tenant,
        external_id=f"{prefix}sub-2",
        account=initech,
        plan="",
        mrr=Decimal("0"),
        currency="EUR",
        start_date=date(2023, 1, 1),
        end_date=date(2024, 1, 1),
        status="ended",
    )


def test_accounts_export_is_the_import_format(tenant, member, member_client):
    _seed(tenant, member)
    parent = Account.objects.for_tenant(tenant).get(external_id="acc-1")
    account_upsert(tenant=tenant, external_id="acc-2", name="=HYPERLINK(1)", parent=parent)
    response, raw = _download(member_client, "accounts")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="acme-accounts-{today}.csv"')
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read the file as UTF-8
    assert _rows(raw) == [
        list(FORMATS["accounts"].columns),
        [
            "acc-1",
            "Initech",
            "initech.test",
            "csm@acme.test",
            "",
            "SMB",
            "adoption",
            '{"note": "Ça, “quoted”", "plan": "pro", "seats": 12, "tags": ["a", "b"]}',
        ],
        ["acc-2", "'=HYPERLINK(1)", "", "", "acc-1", "", "", ""],  # formulas are not run
    ]


def test_contacts_and_subscriptions_exports(tenant, member_client):
    _seed(tenant)
    _, contacts = _download(member_client, "contacts")
    assert _rows(contacts) == [
        ["external_id", "account_external_id", "email", "name", "traits", "language"],
        ["ct-1", "acc-1", "peter@initech.test", "Peter; Gibbons", '{"title": "Engineer"}', ""],
        ["ct-2", "", "", "Bill", "", ""],
    ]
    _, subscriptions = _download(member_client, "subscriptions")
    assert _rows(subscriptions) == [
        list(FORMATS["subscriptions"].columns),
        ["sub-1", "acc-1", "Pro", "49.50", "USD", "2024-01-01", "", "active"],
        ["sub-2", "acc-1", "", "0.00", "EUR", "2023-01-01", "2024-01-01", "ended"],
    ]


@pytest.mark.parametrize("kind", ["accounts", "contacts", "subscriptions"])
def test_round_trip_changes_nothing_and_reports_updates(
    tenant, member, member_client, django_capture_on_commit_callbacks, kind
):
    _seed(tenant, member)
    model = {"accounts": Account, "contacts": Contact, "subscriptions": Subscription}[kind]
    before = list(model.objects.for_tenant(tenant).order_by("id").values())
    _, raw = _download(member_client, kind)
    upload = SimpleUploadedFile(f"{kind}.csv", raw, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post("/data/", {"kind": kind, "file": upload})
    job = ImportJob.objects.for_tenant(tenant).get()
    assert job.status == ImportJob.Status.VALIDATED, job.errors
    assert (job.create_count, job.update_count) == (0, len(before))
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(f"/data/imports/{job.pk}/apply/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED, job.message
    assert (job.create_count, job.update_count) == (0, len(before))
    # Not a field changed, not even updated_at: the upserts found nothing to write.
    assert list(model.objects.for_tenant(tenant).order_by("id").values()) == before


@pytest.mark.outsider("data-export")
def test_export_contains_only_the_users_tenant(
    tenant, other_tenant, member_client, outsider, client
):
    _seed(tenant)
    _seed(other_tenant, prefix="globex-")
    for kind in FORMATS:
        _, raw = _download(member_client, kind)
        assert b"globex-" not in raw and b"acc-1" in raw
    client.force_login(outsider, backend="django.contrib.auth.backends.ModelBackend")
    for kind in FORMATS:
        response, raw = _download(client, kind)
        assert "globex-" in response["Content-Disposition"]
        assert all(row[0].startswith("globex-") for row in _rows(raw)[1:])
        assert len(_rows(raw)) == 3


@pytest.mark.parametrize("kind", ["accounts", "contacts", "subscriptions"])
def test_export_query_count_is_constant(
    tenant, member, member_client, django_assert_num_queries, monkeypatch, kind
):
    monkeypatch.setattr(export_module, "FLUSH_ROWS", 7)
    _seed(tenant, member)
    initech = Account.objects.for_tenant(tenant).get(external_id="acc-1")
    with django_assert_num_queries(4):  # session, user, memberships, the export
        _download(member_client, kind)
    for n in range(30):
        account, _ = account_upsert(tenant=tenant, external_id=f"more-{n}", name=f"M{n}")
        contact_upsert(tenant=tenant, external_id=f"more-{n}", account=account)
        subscription_upsert(
            tenant=tenant,
            external_id=f"more-{n}",
            account=initech,
            mrr=Decimal(n),
            start_date=date(2024, 1, 1),
        )
    with django_assert_num_queries(4):
        _, raw = _download(member_client, kind)
    assert len(_rows(raw)) > 30


def test_viewer_can_export(tenant, viewer_client):
    _seed(tenant)
    _, raw = _download(viewer_client, "accounts")
    assert len(_rows(raw)) == 3


def test_unknown_export_is_404(member_client):
    assert member_client.get("/data/export/invoices.csv").status_code == 404


def test_empty_export_has_the_header(tenant, member_client):
    _, raw = _download(member_client, "contacts")
    assert _rows(raw) == [list(FORMATS["contacts"].columns)]
