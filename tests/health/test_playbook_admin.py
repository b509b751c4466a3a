"""The admin site's playbook pages: steps edited inline (a task step needs a title, an email
step a template that exists), email templates checked for placeholders, the email log and
runs read-only; another tenant's staff see none of it."""

import pytest

from accounts.models import EmailTemplate
from health.models import Playbook
from health.services.playbook_defaults import playbooks_ensure_defaults
from tenants.tenancy.context import tenant_scope
from tests.conftest import MODEL_BACKEND

pytestmark = pytest.mark.django_db


def _form(name="Win-back", steps=()):
    data = {
        "name": name, "description": "", "enabled": "on", "trigger": "manual",
        "steps-TOTAL_FORMS": len(steps), "steps-INITIAL_FORMS": 0, "steps-MIN_NUM_FORMS": 0,
        "steps-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for n, step in enumerate(steps):
        defaults = {
            "position": n, "day_offset": 0, "kind": "task", "task_title": "", "task_priority":
            "medium", "task_due_days": 0, "email_template_key": "", "contact_role": "",
        }  # fmt: skip
        data |= {f"steps-{n}-{key}": value for key, value in {**defaults, **step}.items()}
    return data


def test_admin_adds_a_playbook_with_steps_and_refuses_bad_steps(tenant, owner, client):
    playbooks_ensure_defaults(tenant=tenant)
    client.force_login(owner, backend=MODEL_BACKEND)
    email = {"kind": "email", "day_offset": 3, "email_template_key": "referral-ask"}
    good = _form(steps=[{"task_title": "Call"}, email])
    response = client.post("/admin/health/playbook/add/", good)
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_scope(tenant):
        playbook = Playbook.objects.get(name="Win-back")
        assert [(s.kind, s.day_offset) for s in playbook.steps.all()] == [
            ("task", 0), ("email", 3)
        ]  # fmt: skip
    for step, message in [
        ({"task_title": ""}, "needs a task title"),
        ({"kind": "email", "email_template_key": "nope"}, "No email template"),
        ({"kind": "email"}, "needs a template"),
        ({"task_title": "x", "day_offset": -1}, "steps-0-day_offset"),
    ]:
        bad = client.post("/admin/health/playbook/add/", _form(name="Bad", steps=[step]))
        assert bad.status_code == 200 and message in bad.content.decode(), step
    with tenant_scope(tenant):
        assert not Playbook.objects.filter(name="Bad").exists()


def test_admin_email_templates_refuse_unknown_placeholders_and_tags(tenant, owner, client):
    client.force_login(owner, backend=MODEL_BACKEND)
    data = {"key": "hello", "language": "ro", "subject": "Salut {{ contact_name }}",
            "body": "Bună {{ contact_name }}"}  # fmt: skip
    assert client.post("/admin/accounts/emailtemplate/add/", data).status_code == 302
    for field, text in [("body", "{{ secret_key }}"), ("subject", "{% load static %}")]:
        bad = client.post("/admin/accounts/emailtemplate/add/", {**data, "key": "x", field: text})
        assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    with tenant_scope(tenant):
        assert list(EmailTemplate.objects.values_list("key", flat=True)) == ["hello"]


def test_admin_logs_are_read_only_and_other_tenants_see_nothing(tenant, owner, outsider, client):
    playbooks_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):
        pk = Playbook.objects.get(key="first-90-days").pk
    client.force_login(owner, backend=MODEL_BACKEND)
    assert client.get("/admin/accounts/customeremail/add/").status_code == 403
    assert client.get("/admin/health/playbookrun/add/").status_code == 403
    assert client.get("/admin/accounts/customeremail/").status_code == 200
    client.force_login(outsider, backend=MODEL_BACKEND)
    response = client.get(f"/admin/health/playbook/{pk}/change/")
    assert response.status_code in (302, 404)  # the admin's "does not exist" redirect
