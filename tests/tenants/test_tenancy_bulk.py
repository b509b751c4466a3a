"""Bulk writes keep the promises of save(): bulk_create sets and checks the tenant, update
never moves a row to another tenant or points it at another tenant's row."""

import pytest
from django.core.exceptions import ValidationError

from tenants.models import Membership
from tenants.tenancy.context import TenantRequired, tenant_scope
from tests.support.models import Memo

pytestmark = pytest.mark.django_db


@pytest.fixture
def memberships(tenant, other_tenant, owner, outsider):
    mine = Membership.objects.for_tenant(tenant).get()
    theirs = Membership.objects.for_tenant(other_tenant).get()
    return mine, theirs


def test_bulk_create_takes_the_active_tenant(tenant, memberships):
    mine, _ = memberships
    with tenant_scope(tenant):
        memos = Memo.objects.bulk_create([Memo(membership=mine, text="a"), Memo(membership=mine)])
    assert {memo.tenant_id for memo in memos} == {tenant.pk}
    assert Memo.objects.for_tenant(tenant).count() == 2


def test_bulk_create_refuses_without_a_tenant(memberships):
    mine, _ = memberships
    with pytest.raises(TenantRequired):
        Memo.objects.bulk_create([Memo(membership=mine, text="a")])
    assert not Memo.objects.unscoped().exists()


def test_bulk_create_refuses_a_row_of_another_tenant(tenant, other_tenant, memberships):
    _, theirs = memberships
    with tenant_scope(tenant), pytest.raises(ValidationError) as error:
        Memo.objects.bulk_create([Memo(tenant=other_tenant, membership=theirs, text="x")])
    assert "tenant" in error.value.message_dict
    with pytest.raises(ValidationError):
        Memo.objects.for_tenant(tenant).bulk_create([Memo(tenant=other_tenant, membership=theirs)])
    assert not Memo.objects.unscoped().exists()


def test_bulk_create_refuses_a_foreign_key_into_another_tenant(tenant, memberships):
    mine, theirs = memberships
    rows = [Memo(membership=mine, text="ok"), Memo(membership=theirs, text="leak")]
    with tenant_scope(tenant), pytest.raises(ValidationError) as error:
        Memo.objects.bulk_create(rows)
    assert "membership" in error.value.message_dict
    # unscoped() crosses tenants on purpose, but a row still points inside its own tenant.
    with pytest.raises(ValidationError):
        Memo.objects.unscoped().bulk_create([Memo(tenant=tenant, membership=theirs)])
    assert not Memo.objects.unscoped().exists()


def test_bulk_create_checks_all_foreign_keys_in_one_query(
    tenant, memberships, django_assert_num_queries
):
    mine, _ = memberships
    with tenant_scope(tenant), django_assert_num_queries(2):  # the check, the insert
        Memo.objects.bulk_create([Memo(membership=mine, text=str(n)) for n in range(50)])


def test_update_never_changes_the_tenant(tenant, other_tenant, memberships):
    mine, _ = memberships
    with tenant_scope(tenant):
        Memo.objects.create(membership=mine, text="a")
        with pytest.raises(ValidationError):
            Memo.objects.update(tenant=other_tenant)
        with pytest.raises(ValidationError):
            Memo.objects.update(tenant_id=other_tenant.pk)
    assert Memo.objects.for_tenant(tenant).count() == 1


def test_update_refuses_a_foreign_key_into_another_tenant(tenant, other_tenant, memberships):
    mine, theirs = memberships
    with tenant_scope(tenant):
        Memo.objects.create(membership=mine, text="a")
        for value in (theirs, theirs.pk):
            with pytest.raises(ValidationError) as error:
                Memo.objects.update(membership=value)
            assert "membership" in error.value.message_dict
        with pytest.raises(ValidationError):
            Memo.objects.update(membership_id=theirs.pk)
        with pytest.raises(ValidationError):  # a row that does not exist at all
            Memo.objects.update(membership_id=10**9)
        assert Memo.objects.update(membership=mine, text="b") == 1  # inside the tenant: fine
    # Rows of two tenants pointed at one tenant's row: refused as a whole.
    with tenant_scope(other_tenant):
        Memo.objects.create(membership=theirs, text="c")
    with pytest.raises(ValidationError):
        Memo.objects.unscoped().update(membership=mine)
    assert set(Memo.objects.unscoped().values_list("membership", flat=True)) == {
        mine.pk,
        theirs.pk,
    }


def test_bulk_update_writes_each_rows_values_in_one_statement(
    tenant, other_tenant, memberships, django_assert_num_queries
):
    mine, theirs = memberships
    with tenant_scope(tenant):
        memos = Memo.objects.bulk_create([Memo(membership=mine, text=str(n)) for n in range(30)])
    with tenant_scope(other_tenant):
        outside = Memo.objects.create(membership=theirs, text="theirs")
    for n, memo in enumerate(memos):
        memo.text = f"changed {n}" if n % 2 else ""
    with tenant_scope(tenant), django_assert_num_queries(1):
        assert Memo.objects.bulk_update(memos, ["text"]) == 30
    texts = dict(Memo.objects.for_tenant(tenant).values_list("pk", "text"))
    assert texts == {memo.pk: memo.text for memo in memos}
    # Only the queryset's rows: another tenant's row named in the list is left as it is.
    outside.text = "overwritten"
    with tenant_scope(tenant):
        assert Memo.objects.bulk_update([outside, memos[0]], ["text"]) == 1
    outside.refresh_from_db()
    assert outside.text == "theirs"


def test_bulk_update_refuses_a_foreign_key_into_another_tenant(tenant, memberships):
    mine, theirs = memberships
    with tenant_scope(tenant):
        memos = Memo.objects.bulk_create([Memo(membership=mine, text="a") for _ in range(3)])
        memos[1].membership = theirs
        with pytest.raises(ValidationError) as error:
            Memo.objects.bulk_update(memos, ["membership", "text"])
        assert "membership" in error.value.message_dict
        with pytest.raises(ValidationError):
            Memo.objects.bulk_update(memos, ["tenant"])
    assert set(Memo.objects.unscoped().values_list("membership", flat=True)) == {mine.pk}
