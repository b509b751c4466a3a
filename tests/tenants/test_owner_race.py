"""A tenant keeps an owner even when two owners demote or remove each other at the same time,
each on a connection of its own."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tenants.models import Membership, Role
from tenants.services.tenants import membership_change_role, membership_remove
from tests.factories import MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_owners():
    tenant = TenantFactory(slug="race")
    first, second = (
        MembershipFactory(tenant=tenant, user=UserFactory(email=f"{n}@race.test"), role=Role.OWNER)
        for n in ("ann", "bob")
    )
    return tenant, first, second


def _at_once(first_change, second_change):
    """Run the first change and hold its transaction open while the second one starts on
    another connection; return what each raised (None when it went through)."""
    held = threading.Event()
    outcome = {}

    def run(name, change, hold):
        try:
            with transaction.atomic():
                change()
                if hold:
                    held.set()
                    # Commit only once the other connection is waiting for our locks (or
                    # has got through without them, as an unlocked check would).
                    waiting.wait(timeout=10)
            outcome[name] = None
        except ValidationError as error:
            outcome[name] = error
        finally:
            held.set()
            connection.close()

    waiting = threading.Event()
    first = threading.Thread(target=run, args=("first", first_change, True))
    first.start()
    held.wait(timeout=10)
    second = threading.Thread(target=run, args=("second", second_change, False))
    second.start()
    second.join(timeout=1)  # blocked on the locks, or done already without them
    waiting.set()
    first.join(timeout=10)
    second.join(timeout=10)
    return outcome["first"], outcome["second"]


def _owners(tenant):
    return Membership.objects.for_tenant(tenant).filter(role=Role.OWNER).count()


def test_two_owners_demoting_each_other_leave_one_owner(two_owners):
    tenant, ann, bob = two_owners

    def demote(target, acting):
        # Each request loads its own rows, as two browsers would.
        return lambda: membership_change_role(
            tenant=tenant,
            membership=Membership.objects.for_tenant(tenant).get(pk=target.pk),
            role=Role.ADMIN,
            acting=Membership.objects.for_tenant(tenant).get(pk=acting.pk),
        )

    first, second = _at_once(demote(bob, ann), demote(ann, bob))
    assert first is None
    # The second waited for the first, and then bob is no owner any more.
    assert "Only an owner can grant or take away ownership." in str(second)
    assert _owners(tenant) == 1


def test_two_owners_removing_each_other_leave_one_owner(two_owners):
    tenant, ann, bob = two_owners
    first, second = _at_once(
        lambda: membership_remove(tenant=tenant, membership=bob),
        lambda: membership_remove(tenant=tenant, membership=ann),
    )
    assert first is None
    assert "A tenant must keep at least one owner." in str(second)
    assert _owners(tenant) == 1


def test_changing_the_role_of_a_member_removed_meanwhile_is_a_clear_error(two_owners):
    tenant, ann, bob = two_owners
    gone = Membership.objects.for_tenant(tenant).get(pk=bob.pk)
    Membership.objects.for_tenant(tenant).filter(pk=bob.pk).delete()  # in another tab
    with pytest.raises(ValidationError, match="no longer a member"):
        membership_change_role(tenant=tenant, membership=gone, role=Role.ADMIN, acting=ann)
