"""The alert rules page: owners and admins switch and tune rules (bad values are form errors
naming the field) and choose the fallback assignee; CSMs and viewers read; outsiders reach
none of another tenant's rules."""

import pytest

from health.models import AlertRule, TaskKind
from health.services.tasks import health_settings_for
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope
from tests.health.rules_helpers import rule

pytestmark = pytest.mark.django_db

URL = "/settings/alert-rules/"


def _post(target, **changes):
    prefix = f"rule-{target.pk}-"
    data = {"rule": target.pk, f"{prefix}enabled": "on", f"{prefix}name": target.name,
            f"{prefix}priority": target.priority, f"{prefix}due_days": target.due_days}  # fmt: skip
    data |= {f"{prefix}{name}": getattr(target, name) for name in target.parameters}
    data |= {f"{prefix}{name}": value for name, value in changes.items()}
    return data


def _saved(tenant, target) -> AlertRule:
    with tenant_scope(tenant):
        return AlertRule.objects.get(pk=target.pk)


def test_owners_see_every_rule_with_its_form(owner_client, tenant, django_assert_max_num_queries):
    owner_client.get(URL)
    with django_assert_max_num_queries(14):
        page = owner_client.get(URL)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('name="rule"') == 7
    assert "at least 15 points lower than 7 days before" in html
    fell = rule(tenant, TaskKind.SCORE_FELL)
    assert f'name="rule-{fell.pk}-points"' in html and f'name="rule-{fell.pk}-percent"' not in html


def test_owners_tune_a_rule(owner_client, tenant):
    target = rule(tenant, TaskKind.USAGE_DOWN)
    response = owner_client.post(URL, _post(target, percent=40, enabled=""))
    assert response.status_code == 302
    saved = _saved(tenant, target)
    assert (saved.percent, saved.enabled) == (40, False)
    assert "Rule “Usage down” saved." in owner_client.get(URL).content.decode()


@pytest.mark.parametrize(
    "kind, field, value, message",
    [
        (TaskKind.SCORE_FELL, "window_days", -7, "Must not be negative."),
        (TaskKind.SCORE_FELL, "points", 0, "Must be at least 1."),
        (TaskKind.USAGE_DOWN, "percent", -30, "Must not be negative."),
        (TaskKind.NO_ACTIVITY, "days", "x", "Enter a whole number."),
        (TaskKind.BAND_DROPPED, "due_days", -1, "Must not be negative."),
    ],
)
def test_bad_values_are_form_errors_naming_the_field(owner_client, tenant, kind, field, value,
                                                     message):  # fmt: skip
    target = rule(tenant, kind)
    response = owner_client.post(URL, _post(target, **{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    # The error sits in the field's own block, after its input.
    block = html.split(f'name="rule-{target.pk}-{field}"', 1)[1].split('<div class="field', 1)[0]
    assert message in block
    assert getattr(_saved(tenant, target), field) == getattr(target, field)


def test_htmx_saves_swap_the_rules_card_only(owner_client, tenant):
    target = rule(tenant, TaskKind.NO_ACTIVITY)
    response = owner_client.post(URL, _post(target, days=21), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith(f'<section class="card" id="rule-{target.pk}"')
    assert "no usage event for 21 days" in html and "Saved." in html
    bad = owner_client.post(URL, _post(target, days=-2), HTTP_HX_REQUEST="true")
    # htmx swaps only 2xx answers: the card with its error comes as one.
    assert bad.status_code == 200 and "Must not be negative." in bad.content.decode()
    assert "Saved." not in bad.content.decode()
    assert _saved(tenant, target).days == 21


def test_csms_and_viewers_read_but_cannot_change(member_client, viewer_client, tenant):
    target = rule(tenant, TaskKind.NO_ACTIVITY)
    for client in (member_client, viewer_client):
        page = client.get(URL)
        assert page.status_code == 200
        html = page.content.decode()
        assert "No activity" in html and 'name="rule"' not in html
        assert client.post(URL, _post(target, days=30)).status_code == 403
        assert client.post(URL, {"form": "fallback"}).status_code == 403
    assert _saved(tenant, target).days == 14


def test_owners_choose_who_gets_tasks_of_accounts_without_an_owner(
    owner_client, member_client, tenant, member, viewer
):
    with tenant_scope(tenant):
        csm = Membership.objects.get(user=member)
        viewer_membership = Membership.objects.get(user=viewer)
    response = owner_client.post(URL, {"form": "fallback", "task_fallback_assignee": csm.pk})
    assert response.status_code == 302
    assert health_settings_for(tenant).task_fallback_assignee_id == csm.pk
    assert "csm@acme.test" in member_client.get(URL).content.decode()
    refused = owner_client.post(
        URL, {"form": "fallback", "task_fallback_assignee": viewer_membership.pk}
    )
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    assert health_settings_for(tenant).task_fallback_assignee_id == csm.pk
    cleared = owner_client.post(URL, {"form": "fallback", "task_fallback_assignee": ""})
    assert cleared.status_code == 302
    assert health_settings_for(tenant).task_fallback_assignee_id is None


@pytest.mark.outsider("alert-rules")
def test_outsiders_reach_none_of_the_tenants_rules(outsider_client, outsider, tenant, member):
    target = rule(tenant, TaskKind.NO_ACTIVITY)
    with tenant_scope(tenant):
        csm = Membership.objects.get(user=member)
    page = outsider_client.get(URL)
    assert page.status_code == 200
    assert f'name="rule" value="{target.pk}"' not in page.content.decode()  # their own only
    assert 'name="rule" value=' in page.content.decode()
    assert outsider_client.post(URL, _post(target, days=30)).status_code == 404
    assert _saved(tenant, target).days == 14
    # Another tenant's member is no choice for their fallback assignee.
    refused = outsider_client.post(URL, {"form": "fallback", "task_fallback_assignee": csm.pk})
    assert refused.status_code == 400
