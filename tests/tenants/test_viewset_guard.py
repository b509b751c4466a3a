"""TenantViewSet subclasses cannot swap the scoped queryset for another by accident."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tenants.models import Membership
from tenants.tenancy.context import tenant_scope
from tenants.tenancy.viewsets import TenantReadOnlyViewSet
from tests.support.models import Memo

pytestmark = pytest.mark.django_db


def test_a_class_level_queryset_is_refused_when_the_class_is_defined():
    with pytest.raises(TypeError, match="must set `model`"):

        class Leaky(TenantReadOnlyViewSet):  # noqa: F841
            queryset = Memo.objects.unscoped()


@pytest.mark.parametrize(
    "queryset",
    [
        lambda tenant: Memo.objects.unscoped(),
        lambda tenant: Memo._base_manager.all(),  # not the tenant manager at all
        lambda tenant: Memo.objects.unscoped().filter(text="x"),
    ],
)
def test_an_unscoped_get_queryset_fails_before_any_row_is_read(tenant, queryset):
    class Leaky(TenantReadOnlyViewSet):
        model = Memo

        def get_queryset(self):
            return queryset(tenant)

    with pytest.raises(ImproperlyConfigured, match="Leaky.get_queryset"):
        Leaky().filter_queryset(Leaky().get_queryset())


def test_scoped_querysets_pass_however_they_are_narrowed(tenant, owner):
    class Fine(TenantReadOnlyViewSet):
        model = Membership

    view = Fine()
    with tenant_scope(tenant):
        for queryset in (
            Membership.objects.all(),
            Membership.objects.select_related("user").filter(role="owner").order_by("-id"),
            Membership.objects.for_tenant(tenant),
        ):
            assert list(view.filter_queryset(queryset)) == list(queryset)
