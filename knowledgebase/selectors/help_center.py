"""A tenant's help center settings as the public pages need them, with defaults while the
tenant has saved none (English only), and which of its languages a visitor gets."""

import re

from django.utils.translation.trans_real import parse_accept_lang_header

from knowledgebase.models import HelpCenter, Language
from knowledgebase.models.languages import language_or
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

# The same form of origin the in-app checklist accepts: scheme, host and an optional port.
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def tenant_for_slug(slug: str) -> Tenant | None:
    """The tenant whose help center lives at /help/<slug>/, or None."""
    return Tenant.objects.filter(slug=slug).first()


def help_center_for(tenant: Tenant) -> HelpCenter:
    """The tenant's settings, or unsaved defaults: English only, falling back to English."""
    with tenant_scope(tenant):
        found = HelpCenter.objects.first()
    if found is not None and found.languages:
        if found.fallback_language not in found.languages:
            found.fallback_language = found.languages[0]
        return found
    return HelpCenter(
        tenant=tenant, languages=[Language.EN.value], fallback_language=Language.EN.value
    )


def languages_of(center: HelpCenter) -> list[str]:
    """The help center's languages in the order it lists them, unknown codes left out."""
    return [code for code in center.languages if code in Language.values] or [
        center.fallback_language
    ]


def visitor_language(center: HelpCenter, *, asked: str | None, accept: str) -> str:
    """The language to show: `asked` (?lang=) when the help center has it, else the first
    of the browser's Accept-Language it has, else its fallback language."""
    offered = languages_of(center)
    if asked:
        code = language_or(asked[:35], "")
        if code in offered:
            return code
    # parse_accept_lang_header refuses overlong headers (returns nothing): no 500.
    for code, _quality in parse_accept_lang_header((accept or "")[:1000]):
        if code == "*":
            continue
        code = language_or(code, "")
        if code in offered:
            return code
    return center.fallback_language


def widget_origins(center: HelpCenter) -> list[str]:
    """The origins allowed to frame the help widget (one per line of the setting); lines
    that are no origin are ignored, so a typo cannot widen the policy."""
    origins = []
    for line in (center.widget_origins or "").splitlines():
        origin = line.strip().rstrip("/").lower()
        if ORIGIN.match(origin) and origin not in origins:
            origins.append(origin)
    return origins[:20]
