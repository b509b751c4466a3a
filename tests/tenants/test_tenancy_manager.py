"""The fail-closed manager: no tenant, no query; unscoped() only where named."""

import pytest
from django.core.exceptions import ValidationError

from tenants.models import Invitation, Membership
from tenants.tenancy.context import TenantRequired, get_current_tenant, tenant_scope
from tests.support.models import Memo

pytestmark = pytest.mark.django_db


def test_query_without_tenant_raises(owner, outsider):
    with pytest.raises(TenantRequired):
        list(Membership.objects.all())
    with pytest.raises(TenantRequired):
        Membership.objects.count()
    with pytest.raises(TenantRequired):
        Membership.objects.filter(role="owner").exists()
    with pytest.raises(TenantRequired):
        Membership.objects.update(role="viewer")
    with pytest.raises(TenantRequired):
        Membership.objects.all().delete()


def test_scope_returns_only_that_tenants_rows(tenant, other_tenant, owner, member, outsider):
    with tenant_scope(tenant):
        emails = sorted(Membership.objects.values_list("user__email", flat=True))
    assert emails == ["csm@acme.test", "owner@acme.test"]
    with tenant_scope(other_tenant):
        assert list(Membership.objects.values_list("user__email", flat=True)) == [
            "owner@globex.test"
        ]
    assert get_current_tenant() is None


def test_queryset_built_outside_a_scope_uses_the_tenant_active_when_evaluated(
    tenant, other_tenant, owner, outsider
):
    queryset = Membership.objects.all()  # built with no tenant, as a serializer field would
    with tenant_scope(other_tenant):
        assert [m.user.email for m in queryset.select_related("user")] == ["owner@globex.test"]
    with tenant_scope(tenant):
        assert [m.user.email for m in queryset.select_related("user")] == ["owner@acme.test"]


def test_unscoped_and_for_tenant_are_explicit(tenant, other_tenant, owner, outsider):
    assert Membership.objects.unscoped().count() == 2
    assert Membership.objects.for_tenant(other_tenant).get().user == outsider


def test_save_takes_the_active_tenant_and_refuses_without_one(tenant, owner):
    membership = Membership.objects.for_tenant(tenant).get()
    with pytest.raises(TenantRequired):
        Memo(membership=membership, text="no tenant").save()
    with tenant_scope(tenant):
        memo = Memo.objects.create(membership=membership, text="scoped")
    assert memo.tenant == tenant


def test_foreign_key_across_tenants_is_rejected(tenant, other_tenant, owner, outsider):
    foreign = Membership.objects.for_tenant(other_tenant).get()
    with tenant_scope(tenant), pytest.raises(ValidationError) as error:
        Memo.objects.create(membership=foreign, text="leak")
    assert "membership" in error.value.message_dict
    # Also when only the id is given (no cached object to compare).
    with tenant_scope(tenant), pytest.raises(ValidationError):
        Memo(membership_id=foreign.pk, text="leak").save()
    assert Memo.objects.unscoped().count() == 0


def test_scope_is_restored_after_an_error(tenant):
    with pytest.raises(KeyError), tenant_scope(tenant):
        {}["missing"]
    assert get_current_tenant() is None


def test_scope_refuses_none():
    with pytest.raises(TenantRequired), tenant_scope(None):
        pass


def test_related_managers_are_scoped_too(tenant, other_tenant, owner, outsider):
    with tenant_scope(tenant):
        assert Invitation.objects.count() == 0
        assert owner.memberships.count() == 1
