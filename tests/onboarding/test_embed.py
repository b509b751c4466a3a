"""The in-app checklist: tokens signed per user by the tenant's backend (the README's
example makes valid ones), the checklist they open (framed only by the tenant's origins),
ticking through it, and the settings page for owners and admins."""

import base64
import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from onboarding.models import StepStatus
from onboarding.services.embed import (
    embed_origins_set,
    embed_secret_rotate,
    embed_settings_for,
    embed_token_make,
    embed_token_read,
)

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"


def _token(tenant, *, account="a1", contact="", hours=1, secret=None):
    found = embed_settings_for(tenant)
    expires_at = timezone.now() + timedelta(hours=hours)
    return embed_token_make(key=found.key, secret=secret or found.secret, account=account,
                            contact=contact, expires_at=expires_at)  # fmt: skip


def test_a_token_opens_its_accounts_checklist_framed_by_the_tenants_origins(portal):
    embed_origins_set(tenant=portal.tenant, text="https://app.acme.test\nhttps://acme.test:8443/")
    page = Client().get("/embed/checklist/", {"token": _token(portal.tenant, contact="c1")})
    html = page.content.decode()
    assert page.status_code == 200 and "<details" in html and "Пригласите команду" in html
    assert "X-Frame-Options" not in page
    policy = page["Content-Security-Policy"]
    assert "frame-ancestors https://app.acme.test https://acme.test:8443" in policy
    # Every other page stays unframeable.
    assert Client().get(portal.path)["X-Frame-Options"] == "DENY"


def test_without_origins_nobody_may_frame_it(portal):
    page = Client().get("/embed/checklist/", {"token": _token(portal.tenant)})
    assert page.status_code == 200 and "frame-ancestors 'none'" in page["Content-Security-Policy"]


def test_ticking_in_the_product(portal):
    token, steps = _token(portal.tenant, contact="c1"), portal.steps()
    fragment = Client().post("/embed/checklist/", {"token": token, "step": steps["invite"].pk},
                             HTTP_HX_REQUEST="true")  # fmt: skip
    assert (
        fragment.status_code == 200 and '<progress value="1" max="4"' in fragment.content.decode()
    )
    assert portal.steps()["invite"].done_by_contact_id == portal.contact.pk
    # Without a contact in the token, and without JavaScript: a redirect back.
    plain = Client().post("/embed/checklist/", {"token": _token(portal.tenant),
                                                "step": steps["import"].pk})  # fmt: skip
    assert plain.status_code == 302 and "reached=activated" in plain["Location"]
    assert Client().get(plain["Location"]).status_code == 200
    for key in ("call", "sync"):  # never a CSM or automatic step
        refused = Client().post("/embed/checklist/", {"token": token, "step": steps[key].pk})
        assert refused.status_code == 400 and portal.steps()[key].status == StepStatus.OPEN
    hooli = portal.steps(portal.other_account)["invite"]
    assert Client().post("/embed/checklist/", {"token": token, "step": hooli.pk}).status_code == 400


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unsigned(claims) -> str:
    return _b64(json.dumps(claims)) + ".c2ln"


def test_bad_tokens_find_nothing(portal, other_tenant):
    tenant = portal.tenant
    good = _token(tenant)
    payload, signature = good.split(".")
    other = embed_settings_for(other_tenant)
    bad = [
        "", "x", "a.b.c", good + "x", f"{payload}.{signature[::-1]}",
        _token(tenant, secret="not-the-secret"),
        _token(tenant, hours=-1),  # expired
        _token(tenant, hours=25),  # too long-lived
        _token(tenant, account="nope"),
        _token(tenant, contact="c2"),  # Bo is Hooli's contact, not Initech's
        # Signed by another tenant with its own key and secret: that tenant has no "a1".
        embed_token_make(key=other.key, secret=other.secret, account="a1",
                         expires_at=timezone.now() + timedelta(hours=1)),
        # Another tenant's secret under this tenant's key.
        embed_token_make(key=embed_settings_for(tenant).key, secret=other.secret, account="a1",
                         expires_at=timezone.now() + timedelta(hours=1)),
        # Crafted payloads, unsigned: nested too deep to parse, a NUL in the key or account.
        _b64("[" * 1400) + ".c2ln",
        _unsigned({"key": "emb_\x00x", "account": "a1", "exp": 9999999999}),
        _unsigned({"key": embed_settings_for(tenant).key, "account": "a\x001", "exp": 9999999999}),
        _unsigned(["not", "an", "object"]),
    ]  # fmt: skip
    for token in bad:
        assert embed_token_read(token) is None, token
        assert Client().get("/embed/checklist/", {"token": token}).status_code == 404
    assert Client().get("/embed/checklist/").status_code == 404
    assert embed_token_read(good) is not None
    embed_secret_rotate(tenant=tenant)
    assert embed_token_read(good) is None  # the old secret's tokens stop at once


def test_the_readmes_python_example_makes_valid_tokens(portal, monkeypatch):
    found = embed_settings_for(portal.tenant)
    (code,) = re.findall(r"```python\n(# In-app checklist token.*?)```", README.read_text(), re.S)
    monkeypatch.setenv("CSPLATFORM_EMBED_SECRET", found.secret)
    namespace: dict = {}
    exec(code.replace('"emb_your_public_key"', repr(found.key)), namespace)  # noqa: S102
    access = embed_token_read(namespace["checklist_token"]("a1", "c1"))
    assert access is not None and access.account == portal.account
    assert access.contact == portal.contact


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_readmes_node_example_makes_valid_tokens(portal):
    found = embed_settings_for(portal.tenant)
    (code,) = re.findall(r"```js\n(// Node\.js.*?)```", README.read_text(), re.S)
    code = code.replace('"emb_your_public_key"', f'"{found.key}"')
    made = subprocess.run(
        ["node", "-e", code + '\nconsole.log(checklistToken("a1", "c1"));'],
        env={"CSPLATFORM_EMBED_SECRET": found.secret, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    access = embed_token_read(made.stdout.strip())
    assert access is not None and access.contact == portal.contact


@pytest.mark.outsider("onboarding-embed")
def test_the_settings_page_is_for_owners_and_admins(
    tenant, owner_client, member_client, outsider_client
):
    page = owner_client.get("/settings/onboarding-embed/")
    found = embed_settings_for(tenant)
    html = page.content.decode()
    assert page.status_code == 200 and found.key in html and found.secret in html
    assert "/embed/checklist/?token=TOKEN" in html and "createHmac" in html
    assert member_client.get("/settings/onboarding-embed/").status_code == 403
    assert (
        member_client.post("/settings/onboarding-embed/", {"action": "rotate"}).status_code == 403
    )
    outsider = outsider_client.get("/settings/onboarding-embed/").content.decode()
    assert found.key not in outsider and found.secret not in outsider  # its own, not ours
    outsider_client.post("/settings/onboarding-embed/", {"action": "rotate"})
    outsider_client.post("/settings/onboarding-embed/", {"origins": "https://evil.test"})
    found.refresh_from_db()
    assert found.secret == embed_settings_for(tenant).secret and found.allowed_origins == []

    saved = owner_client.post("/settings/onboarding-embed/", {"origins": "https://app.acme.test/"})
    assert saved.status_code == 302
    assert embed_settings_for(tenant).allowed_origins == ["https://app.acme.test"]
    bad = owner_client.post("/settings/onboarding-embed/", {"origins": "javascript:alert(1)"})
    assert bad.status_code == 400 and "Not an origin" in bad.content.decode()
    assert embed_settings_for(tenant).allowed_origins == ["https://app.acme.test"]
    owner_client.post("/settings/onboarding-embed/", {"action": "rotate"})
    assert embed_settings_for(tenant).secret != found.secret
