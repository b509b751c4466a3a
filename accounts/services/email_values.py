"""Placeholders that apps above accounts add to their own customer emails: an app names its
template keys, the placeholders they may use (and those they must keep) and a function that
makes their values when an email is sent. Onboarding registers its welcome, step-reminder
and answer emails here (the portal link, a question and its answer), as accounts cannot
import it."""

from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import CustomerEmail
from tenants.models import Tenant

# values(tenant, email, language) -> {placeholder: text}
Values = Callable[[Tenant, CustomerEmail, str], dict[str, str]]


@dataclass(frozen=True)
class EmailKind:
    keys: tuple[str, ...]
    placeholders: tuple[str, ...]
    required: tuple[str, ...]  # the body needs at least one of them
    values: Values


KINDS: list[EmailKind] = []


def email_kind_register(kind: EmailKind) -> None:
    """Called from an app's `ready()`; registering the same keys again replaces them."""
    KINDS[:] = [k for k in KINDS if k.keys != kind.keys] + [kind]


def extra_placeholders() -> tuple[str, ...]:
    return tuple(name for kind in KINDS for name in kind.placeholders)


def kind_for(key: str) -> EmailKind | None:
    return next((kind for kind in KINDS if key in kind.keys), None)
