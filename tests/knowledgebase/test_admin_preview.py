"""The article editor's live preview: the admin answers the sanitised HTML of the Markdown
POSTed to it (no script, no javascript: link), only to tenant staff who may edit articles."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/knowledgebase/article/preview/"


@pytest.mark.outsider("admin")
def test_the_preview_answers_sanitised_html(owner_client):
    body = (
        "## Hello\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) "
        '[ok](https://example.com "t")\n\n<img src=x onerror=alert(3)>'
    )
    answer = owner_client.post(PREVIEW, {"body": body})
    assert answer.status_code == 200
    html = answer.json()["html"]
    assert '<h2 id="hello">Hello</h2>' in html
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript:' not in html and '<a href="javascript' not in html
    assert "&lt;script&gt;" in html  # raw HTML is shown as text
    assert 'href="https://example.com"' in html
    assert owner_client.get(PREVIEW).status_code == 405
    too_long = owner_client.post(PREVIEW, {"body": "x" * 200_001})
    assert too_long.status_code == 400 and "longer than" in too_long.json()["error"]


def test_the_preview_refuses_anyone_but_staff(tenant, member, member_client, viewer_client,
                                              outsider_client):  # fmt: skip
    anonymous = Client().post(PREVIEW, {"body": "hi"})
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    # Not staff: sent to the admin's sign-in, never rendered.
    assert "/admin/login/" in viewer_client.post(PREVIEW, {"body": "hi"})["Location"]
    member.is_staff = True  # staff, but a CSM may not edit articles
    member.save()
    assert member_client.post(PREVIEW, {"body": "hi"}).status_code == 403
    # Another tenant's owner may preview only for their own tenant: no data is read.
    assert outsider_client.post(PREVIEW, {"body": "hi"}).status_code == 200


def test_the_preview_needs_the_csrf_token(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(PREVIEW, {"body": "hi"}).status_code == 403
