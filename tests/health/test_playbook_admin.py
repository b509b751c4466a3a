"""The admin site's playbook pages: steps edited inline (a task step needs a title, an email
step a template that exists), email templates checked for placeholders, the email log and
runs read-only; another tenant's staff see none of it."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import EmailTemplate
from health.models import Playbook
from health.services.playbook_defaults import playbooks_ensure_defaults
from tenants.models import Role
from tenants.tenancy.context import tenant_scope
from tests.conftest import MODEL_BACKEND
from tests.factories import MembershipFactory, UserFactory

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


def test_admin_refuses_step_days_beyond_ten_years(tenant, owner, client):
    """2147483647 days used to pass the form and overflow the date when the run started."""
    client.force_login(owner, backend=MODEL_BACKEND)
    for step in [
        {"task_title": "x", "day_offset": 2147483647},
        {"task_title": "x", "task_due_days": 2147483647},
        {"task_title": "x", "day_offset": 3651},
    ]:
        bad = client.post("/admin/health/playbook/add/", _form(name="Far", steps=[step]))
        assert bad.status_code == 200, step
        assert "less than or equal to 3650" in bad.content.decode(), step
    ok = _form(name="Near", steps=[{"task_title": "x", "day_offset": 3650, "task_due_days": 3650}])
    assert client.post("/admin/health/playbook/add/", ok).status_code == 302
    with tenant_scope(tenant):
        assert not Playbook.objects.filter(name="Far").exists()
        playbook = Playbook.objects.get(name="Near")
        with pytest.raises(IntegrityError), transaction.atomic():
            playbook.steps.update(day_offset=3651)


def test_admin_refuses_a_second_template_for_the_same_key_and_language(tenant, owner, client):
    client.force_login(owner, backend=MODEL_BACKEND)
    data = {"key": "hello", "language": "ro", "subject": "Salut", "body": "Bună"}
    assert client.post("/admin/accounts/emailtemplate/add/", data).status_code == 302
    again = client.post("/admin/accounts/emailtemplate/add/", {**data, "subject": "Alt"})
    assert again.status_code == 200
    assert "already exists in this language" in again.content.decode()
    with tenant_scope(tenant):
        template = EmailTemplate.objects.get()
    # Editing the one template keeps its own key and language.
    edit = client.post(
        f"/admin/accounts/emailtemplate/{template.pk}/change/", {**data, "body": "B"}
    )
    assert edit.status_code == 302
    # Another language of the same key is fine.
    other = {**data, "language": "ru"}
    assert client.post("/admin/accounts/emailtemplate/add/", other).status_code == 302


def test_a_superuser_checks_step_templates_against_the_playbooks_own_tenant(
    tenant, other_tenant, client
):
    """The superuser's own tenant has no templates; the playbook's tenant has the defaults."""
    playbooks_ensure_defaults(tenant=tenant)
    root = UserFactory(is_staff=True, is_superuser=True, email="root@globex.test")
    MembershipFactory(tenant=other_tenant, user=root, role=Role.OWNER)
    with tenant_scope(tenant):
        playbook = Playbook.objects.create(name="Theirs")
    client.force_login(root, backend=MODEL_BACKEND)
    email = {"kind": "email", "day_offset": 3, "email_template_key": "referral-ask"}
    data = _form(name="Theirs", steps=[email])
    response = client.post(f"/admin/health/playbook/{playbook.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_scope(tenant):
        assert list(playbook.steps.values_list("email_template_key", flat=True)) == ["referral-ask"]
    # And a key only the superuser's tenant has is refused for this playbook.
    with tenant_scope(other_tenant):
        EmailTemplate.objects.create(key="globex-only", language="en", subject="s", body="b")
    data = _form(name="Theirs", steps=[{**email, "email_template_key": "globex-only"}])
    response = client.post(f"/admin/health/playbook/{playbook.pk}/change/", data)
    assert response.status_code == 200 and "No email template" in response.content.decode()
