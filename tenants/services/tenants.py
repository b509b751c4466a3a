"""Creating tenants and their owners; adding and changing members."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from metrics import changes as metrics_changes
from tenants.models import Membership, Role, Tenant
from tenants.tenancy.context import tenant_scope

MAX_EMAIL_LENGTH = 150  # the email is also the username, which Django limits to 150


def user_get_or_create(*, email: str, password: str | None = None, name: str = ""):
    """The user with this email (case-insensitive), created with `password` if new."""
    User = get_user_model()
    email = User.objects.normalize_email(email).strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    if len(email) > MAX_EMAIL_LENGTH:
        raise ValidationError(
            {"email": f"Use an address of at most {MAX_EMAIL_LENGTH} characters."}
        )
    user = User(username=email.lower(), email=email, first_name=name)
    if password is None:
        user.set_unusable_password()
    else:
        validate_password(password, user)
        user.set_password(password)
    # The username is the address, which may hold characters Django's username check
    # refuses (o'brien@..., first!last@...); its length is checked above, uniqueness here.
    user.full_clean(exclude=["password", "username"])
    user.validate_unique()
    user.save()
    return user, True


@transaction.atomic
def tenant_create(
    *,
    slug: str,
    name: str,
    owner_email: str,
    owner_password: str | None = None,
    time_zone: str = "UTC",
    currency: str = "USD",
) -> tuple[Tenant, bool]:
    """Create the tenant and its owner; idempotent when the same tenant already exists.

    Returns (tenant, created). An existing slug with the same owner answers (tenant, False);
    raises ValidationError naming the field for anything invalid or conflicting.
    """
    existing = Tenant.objects.filter(slug=slug).first()
    if existing is not None:
        with tenant_scope(existing):
            owner_is_same = Membership.objects.filter(
                user__email__iexact=owner_email, role=Role.OWNER
            ).exists()
        if not owner_is_same:
            raise ValidationError({"slug": f"A tenant with slug {slug!r} already exists."})
        return existing, False
    tenant = Tenant(slug=slug, name=name, time_zone=time_zone, currency=currency)
    tenant.full_clean()
    # Active from its first row on: its audit entry, its owner and its metrics belong to it.
    with tenant_scope(tenant):
        tenant.save()
        user, _ = user_get_or_create(email=owner_email, password=owner_password)
        if not user.is_staff:
            user.is_staff = True  # owners manage their tenant's rows in the admin site
            user.save(update_fields=["is_staff"])
        Membership.objects.create(tenant=tenant, user=user, role=Role.OWNER)
        metrics_changes.tenant_created(tenant=tenant)
    return tenant, True


@transaction.atomic
def tenant_settings_update(*, tenant: Tenant, **values) -> list[str]:
    """Change the tenant's settings (name, time zone, currency, metric settings); return the
    fields that changed. Metrics hears of the change in the same transaction and recomputes
    what is made of it: a metric setting, every figure; a new time zone, every local day."""
    current = Tenant.objects.select_for_update().get(pk=tenant.pk)
    changed = [name for name, value in values.items() if getattr(current, name) != value]
    for name, value in values.items():
        setattr(tenant, name, value)
    tenant.full_clean()
    if changed:
        tenant.save(update_fields=changed)
        metrics_changes.tenant_settings_changed(tenant=tenant, fields=changed)
    return changed


@transaction.atomic
def membership_add(*, tenant: Tenant, user, role: str) -> Membership:
    membership, created = Membership.objects.for_tenant(tenant).get_or_create(
        tenant=tenant, user=user, defaults={"role": role}
    )
    if not created and membership.role != role and membership.role != Role.OWNER:
        membership.role = role
        membership.save(update_fields=["role"])
    if role in (Role.OWNER, Role.ADMIN) and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def membership_change_role(
    *, tenant: Tenant, membership: Membership, role: str, acting: Membership
):
    """Change a member's role. Only owners grant or take away ownership, and a tenant always
    keeps an owner."""
    if role not in Role.values:
        raise ValidationError({"role": f"Choose one of: {', '.join(Role.values)}."})
    owners = _owners_locked(tenant)
    # Both roles as committed by whoever held the locks before us.
    members = Membership.objects.for_tenant(tenant).select_for_update()
    current = dict(members.filter(pk__in=[membership.pk, acting.pk]).values_list("pk", "role"))
    if membership.pk not in current:
        raise ValidationError({"role": "This person is no longer a member of the tenant."})
    if acting.pk not in current:
        raise ValidationError({"role": "You are no longer a member of this tenant."})
    membership.role, acting.role = current[membership.pk], current[acting.pk]
    touches_ownership = Role.OWNER in (role, membership.role)
    if touches_ownership and acting.role != Role.OWNER:
        raise ValidationError({"role": "Only an owner can grant or take away ownership."})
    if membership.role == Role.OWNER and role != Role.OWNER and len(owners) <= 1:
        raise ValidationError({"role": "A tenant must keep at least one owner."})
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    if role in (Role.OWNER, Role.ADMIN) and not membership.user.is_staff:
        membership.user.is_staff = True
        membership.user.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def membership_remove(*, tenant: Tenant, membership: Membership) -> None:
    owners = _owners_locked(tenant)
    if membership.pk in owners and len(owners) <= 1:
        raise ValidationError("A tenant must keep at least one owner.")
    membership.delete()


def _owners_locked(tenant: Tenant) -> list[int]:
    """The ids of the tenant's owners, their rows locked until the transaction ends: two
    admins demoting each other's owner at once wait for each other, and the second sees the
    first's change, so neither can leave the tenant without an owner."""
    return list(
        Membership.objects.for_tenant(tenant)
        .select_for_update()
        .filter(role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
