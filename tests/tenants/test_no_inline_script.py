"""Stored XSS: names and emails on the team and API-key pages never reach a script context.

The confirmations were inline `onsubmit="return confirm('…')"` handlers, in which HTML
escaping does not protect a JavaScript string. Now every page carries no inline handler and
no inline script; the question sits in a data attribute that static/js/app.js reads as text.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tenants.models import Role
from tenants.services.api_keys import api_key_create
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PAYLOAD = "'+alert(document.domain)+'"


class ScriptContexts(HTMLParser):
    """Collects every place a browser would run script: inline handlers, javascript: URLs,
    inline <script> bodies, and the data-confirm texts."""

    def __init__(self):
        super().__init__()
        self.handlers, self.inline_scripts, self.confirms = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.handlers.append((tag, name, value))
            if name == "data-confirm":
                self.confirms.append(value)
        if tag == "script":
            self._in_script = "src" not in dict(attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def _contexts(html: str) -> ScriptContexts:
    parser = ScriptContexts()
    parser.feed(html)
    return parser


def test_hostile_names_never_reach_a_script_context(tenant, owner, owner_client):
    tenant.name = PAYLOAD
    tenant.save(update_fields=["name"])
    api_key_create(tenant=tenant, name=PAYLOAD)
    hostile = UserFactory(email="x'+alert(document.domain)+'@acme.test")
    MembershipFactory(tenant=tenant, user=hostile, role=Role.CSM)
    owner_client.post("/settings/team/", {"email": "o'brien@acme.test", "role": Role.VIEWER})

    for url in ["/settings/api-keys/", "/settings/team/"]:
        html = owner_client.get(url).content.decode()
        found = _contexts(html)
        assert found.handlers == [], url
        assert found.inline_scripts == [], url
        # The confirmations are still there, with the names as plain text.
        assert found.confirms, url
        assert any(PAYLOAD in text or hostile.email in text for text in found.confirms), url
    keys = _contexts(owner_client.get("/settings/api-keys/").content.decode())
    assert f"Revoke “{PAYLOAD}”? Systems using it will stop working at once." in keys.confirms


def test_the_confirmation_script_is_served_from_the_site(owner_client):
    html = owner_client.get("/settings/api-keys/").content.decode()
    assert re.search(r'<script src="/static/js/app\.js" defer>', html)
    script = (Path(settings.BASE_DIR) / "static/js/app.js").read_text()
    # The question is read as text and shown, never evaluated.
    assert 'window.confirm(form.getAttribute("data-confirm"))' in script
    assert "eval(" not in script and "Function(" not in script


INLINE = re.compile(
    r"""\son[a-z]+\s*=|<script(?![^>]*\ssrc=)[^>]*>|\sstyle\s*=|<style|javascript:""", re.I
)


def test_no_template_has_inline_script_or_style():
    """Every template, including those added later: the CSP would block them in browsers."""
    offenders = []
    for path in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if INLINE.search(line):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert offenders == []
