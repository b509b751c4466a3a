"""The in-app checklist's tokens: the tenant's backend signs one per user, and the checklist
page (onboarding.views.embed) shows that user's account's checklist to whoever holds it.

A token is `<payload>.<signature>`, both base64url without padding: the payload is the JSON
{"key": the tenant's public embed key, "account": the account's external id, "contact": the
contact's external id (optional), "exp": unix time}, the signature HMAC-SHA256 of the
payload's base64url text with the tenant's embed secret. A token that is altered, signed
with another tenant's secret, expired, valid for more than MAX_LIFETIME, or naming an
unknown account (or a contact of another account) finds nothing."""

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Contact
from onboarding.models import EmbedSettings
from tenants.models import Tenant
from tenants.tenancy.context import cross_tenant, tenant_scope

MAX_LIFETIME = timedelta(hours=24)
TOKEN_MAX_CHARS = 2000
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")
MAX_ORIGINS = 20


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


KEY_SHAPE = re.compile(r"emb_[A-Za-z0-9_-]{1,40}")


def embed_settings_for(tenant: Tenant) -> EmbedSettings:
    """The tenant's embed settings, made with a new key and secret the first time."""
    with tenant_scope(tenant):
        found = EmbedSettings.objects.first()
        if found is None:
            found, _created = EmbedSettings.objects.get_or_create(
                tenant=tenant,
                defaults={"key": f"emb_{secrets.token_urlsafe(12)}", "secret": _new_secret()},
            )
    return found


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def embed_secret_rotate(*, tenant: Tenant) -> EmbedSettings:
    """A new secret: tokens signed with the old one stop working at once."""
    found = embed_settings_for(tenant)
    found.secret, found.rotated_at = _new_secret(), timezone.now()
    with tenant_scope(tenant):
        found.save(update_fields=["secret", "rotated_at"])
    return found


def embed_origins_set(*, tenant: Tenant, text: str) -> EmbedSettings:
    """The origins allowed to frame the checklist, one per line (`https://app.example.com`)."""
    origins = []
    for line in str(text or "").split():
        origin = line.strip().rstrip("/")
        if not ORIGIN.match(origin):
            raise ValidationError(
                {"origins": [_("Not an origin: %(value)s (write https://app.example.com).")
                             % {"value": origin[:100]}]}
            )  # fmt: skip
        if origin.lower() not in origins:
            origins.append(origin.lower())
    if len(origins) > MAX_ORIGINS:
        raise ValidationError(
            {"origins": [_("At most %(count)d origins.") % {"count": MAX_ORIGINS}]}
        )
    found = embed_settings_for(tenant)
    found.allowed_origins = origins
    with tenant_scope(tenant):
        found.save(update_fields=["allowed_origins"])
    return found


def embed_token_make(*, key: str, secret: str, account: str, contact: str = "",
                     expires_at: datetime) -> str:  # fmt: skip
    """A token as the tenant's backend makes it (the README's example does the same)."""
    claims = {"key": key, "account": account, "exp": int(expires_at.timestamp())}
    if contact:
        claims["contact"] = contact
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(signature)}"


@dataclass(frozen=True)
class EmbedAccess:
    tenant: Tenant
    settings: EmbedSettings
    account: Account
    contact: Contact | None


def embed_token_read(token: str, *, now: datetime | None = None) -> EmbedAccess | None:
    """What a genuine, current token gives access to, across tenants (its key says which);
    None otherwise."""
    now = now or timezone.now()
    try:
        if not isinstance(token, str) or len(token) > TOKEN_MAX_CHARS:
            return None
        payload, signature = token.split(".")
        claims = json.loads(_unb64(payload))
        key, account_id = str(claims["key"]), str(claims["account"])
        contact_id, expires = str(claims.get("contact") or ""), claims["exp"]
        signature = _unb64(signature)
    # RecursionError: a payload nested thousands deep, before the signature is checked.
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error, RecursionError):
        return None
    # Checked before any query: the key has the shape the platform gives keys, and no text
    # holds a NUL (PostgreSQL refuses it).
    if not KEY_SHAPE.fullmatch(key) or "\x00" in account_id + contact_id:
        return None
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        return None
    if not now.timestamp() < expires <= (now + MAX_LIFETIME).timestamp():
        return None
    with cross_tenant():
        found = EmbedSettings.objects.unscoped().select_related("tenant").filter(key=key).first()
    if found is None:
        return None
    expected = hmac.new(found.secret.encode(), payload.encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, signature):
        return None
    tenant = found.tenant
    with tenant_scope(tenant):
        account = Account.objects.select_related("owner__user").filter(external_id=account_id)
        account = account.first()
        contact = None
        if contact_id:
            contact = Contact.objects.filter(external_id=contact_id).first()
            if contact is None or account is None or contact.account_id != account.pk:
                return None
    if account is None:
        return None
    return EmbedAccess(tenant=tenant, settings=found, account=account, contact=contact)
