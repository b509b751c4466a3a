"""Every route is either public by design or tenant-scoped with an outsider test.

A new route fails this test until a test marked `@pytest.mark.outsider("route-name")` shows
that another tenant's user gets 404 (or sees nothing) there, and until its view derives from
TenantView / TenantViewSet, so later work cannot add an unguarded route.
"""

import ast
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

from tenants.tenancy.views import TenantView
from tenants.tenancy.viewsets import TenantViewSet

TESTS = Path(__file__).resolve().parents[1]

# Routes that are public or user-level by design, with the reason. The help center's pages
# show the published articles of the tenant named in their address, and nothing else.
PUBLIC = {
    "login": "sign-in form",
    "logout": "sign-out",
    "password_change": "the user's own password",
    "password_change_done": "the user's own password",
    "password_reset": "anonymous by nature",
    "password_reset_done": "anonymous by nature",
    "password_reset_confirm": "anonymous, token-guarded",
    "password_reset_complete": "anonymous by nature",
    "invitation-accept": "anonymous, token-guarded (tested in test_invitation_accept.py)",
    "email-unsubscribe": "anonymous, token-guarded",
    "survey-answer": "anonymous, token-guarded (tests/accounts/test_survey_links.py)",
    "survey-score": "anonymous, token-guarded (tests/accounts/test_survey_links.py)",
    "survey-thanks": "anonymous, token-guarded (tests/accounts/test_survey_links.py)",
    "portal": "anonymous, token-guarded (tests/onboarding/test_portal.py)",
    "portal-tick": "anonymous, token-guarded (tests/onboarding/test_portal.py)",
    "portal-ask": "anonymous, token-guarded (tests/onboarding/test_portal_questions.py)",
    "embed-checklist": "anonymous, embed-token-guarded (tests/onboarding/test_embed.py)",
    "help-home": "public help center (tests/knowledgebase/test_public_isolation.py)",
    "help-home-lang": "public help center (tests/knowledgebase/test_public_isolation.py)",
    "help-category": "public help center (tests/knowledgebase/test_public_isolation.py)",
    "help-article": "public help center (tests/knowledgebase/test_public_isolation.py)",
    "help-feedback": "public feedback (tests/knowledgebase/test_public_isolation.py)",
    "help-search": "public help center (tests/knowledgebase/test_public_isolation.py)",
    "help-key": "public help center (tests/knowledgebase/test_public_isolation.py)",
    "help-sitemap": "public help center (tests/knowledgebase/test_public_isolation.py)",
    "help-widget": "public help widget (tests/knowledgebase/test_public_isolation.py)",
    "help-image": "anonymous, public help center images; another tenant's id answers 404 "
    "(tests/knowledgebase/test_images.py)",
    "language": "the signed-in person's own language, no tenant data "
    "(tests/tenants/test_language.py)",
    "schema": "API description, no tenant data",
    "swagger-ui": "API description, no tenant data",
    "healthz": "load-balancer probe, no tenant data",
    "prometheus-metrics": "Prometheus scrape, bearer METRICS_TOKEN, no tenant data "
    "(tests/ops/test_prometheus.py)",
    "help-api-article-list": "public help center API, published articles of the tenant in the "
    "path only (tests/knowledgebase/test_api_public.py)",
    "help-api-article-detail": "public help center API, published articles of the tenant in "
    "the path only (tests/knowledgebase/test_api_public.py)",
    "help-api-search": "public help center search, published articles of the tenant in the "
    "path only (tests/knowledgebase/test_api_public.py)",
}
# Routes whose outsider test covers a whole namespace.
NAMESPACES = {"admin"}
# User-level routes guarded by membership checks rather than TenantView.
USER_LEVEL = {"tenant-switch"}


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _routes(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", entry.callback


def _outsider_markers() -> set[str]:
    names = set()
    for path in TESTS.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "outsider"
            ):
                names |= {arg.value for arg in node.args if isinstance(arg, ast.Constant)}
    return names


def test_every_tenant_route_has_an_outsider_test():
    covered = _outsider_markers()
    missing = []
    for name, _ in _routes(get_resolver().url_patterns):
        if name in PUBLIC or name.split(":")[0] in NAMESPACES & covered:
            continue
        if name not in covered:
            missing.append(name)
    assert not missing, f"routes with no @pytest.mark.outsider test: {sorted(set(missing))}"


def test_every_tenant_route_uses_the_tenant_bases():
    unguarded = []
    for name, callback in _routes(get_resolver().url_patterns):
        if name in PUBLIC or name in USER_LEVEL or name.split(":")[0] in NAMESPACES:
            continue
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        if not (isinstance(view, type) and issubclass(view, (TenantView, TenantViewSet))):
            unguarded.append(name)
    assert not unguarded, f"routes whose view is not a TenantView/TenantViewSet: {unguarded}"


def test_the_guard_sees_routes():
    names = {name for name, _ in _routes(get_resolver().url_patterns)}
    assert {"home", "team", "api-keys", "member-list", "invitation-detail"} <= names
    assert "home" in _outsider_markers()
