"""The admin site's scorecard pages (through the services: validated, versioned) and
read-only scores, and `manage.py health_scores`."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from health.models import HealthScore, Scorecard, ScorecardVersion
from health.services.defaults import scorecards_ensure_defaults
from tenants.tenancy.context import tenant_scope
from tests.conftest import MODEL_BACKEND
from tests.health.helpers import DAY, account, active_days, days_back, metrics_run_in_progress

pytestmark = pytest.mark.django_db


def _form(card, measures, **changes):
    data = {
        "name": card.name, "priority": card.priority, "is_default": "on" if card.is_default else "",
        "segment": card.segment, "lifecycle_stage": card.lifecycle_stage,
        "good_min": card.good_min, "average_min": card.average_min,
        "measures-TOTAL_FORMS": len(measures), "measures-INITIAL_FORMS": len(measures),
        "measures-MIN_NUM_FORMS": 0, "measures-MAX_NUM_FORMS": 1000, **changes,
    }  # fmt: skip
    for index, measure in enumerate(measures):
        prefix = f"measures-{index}-"
        data |= {
            f"{prefix}id": measure.pk, f"{prefix}scorecard": card.pk,
            f"{prefix}source": measure.source, f"{prefix}mapping": measure.mapping,
            f"{prefix}low": measure.low if measure.low is not None else "",
            f"{prefix}high": measure.high if measure.high is not None else "",
            f"{prefix}thresholds": "[]", f"{prefix}weight": measure.weight,
            f"{prefix}missing": measure.missing,
        }  # fmt: skip
    return data


def test_admin_changes_a_scorecard_through_the_service(tenant, owner, client):
    card = scorecards_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):
        measures = list(card.measures.order_by("position"))
    client.force_login(owner, backend=MODEL_BACKEND)
    url = f"/admin/health/scorecard/{card.pk}/change/"
    assert client.get(url).status_code == 200
    bad = client.post(url, _form(card, measures, good_min=30))
    assert bad.status_code == 200 and "good_min" in bad.content.decode()
    response = client.post(url, _form(card, measures, good_min=75))
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_scope(tenant):
        card.refresh_from_db()
        assert card.good_min == 75 and card.version == 2
        assert ScorecardVersion.objects.filter(scorecard=card).count() == 2
        assert card.measures.count() == 6


def test_admin_keeps_the_default_scorecard(tenant, owner, client):
    card = scorecards_ensure_defaults(tenant=tenant)
    client.force_login(owner, backend=MODEL_BACKEND)
    page = client.get(f"/admin/health/scorecard/{card.pk}/change/").content.decode()
    assert "deletelink" not in page  # no Delete button for the default
    assert (
        client.post(f"/admin/health/scorecard/{card.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    with tenant_scope(tenant):
        assert Scorecard.objects.filter(pk=card.pk).exists()


def test_admin_adds_a_scorecard_with_measures(tenant, owner, client):
    scorecards_ensure_defaults(tenant=tenant)
    account(tenant, "a1", segment="SMB")
    client.force_login(owner, backend=MODEL_BACKEND)
    data = {
        "name": "SMB", "priority": 5, "segment": "SMB", "lifecycle_stage": "",
        "good_min": 70, "average_min": 40, "measures-TOTAL_FORMS": 1,
        "measures-INITIAL_FORMS": 0, "measures-MIN_NUM_FORMS": 0,
        "measures-MAX_NUM_FORMS": 1000, "measures-0-source": "days_since_activity",
        "measures-0-mapping": "thresholds", "measures-0-thresholds": "[[0, 100], [15, 0]]",
        "measures-0-weight": "1", "measures-0-missing": "poor",
        "measures-0-low": "", "measures-0-high": "",
    }  # fmt: skip
    response = client.post("/admin/health/scorecard/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_scope(tenant):
        card = Scorecard.objects.get(name="SMB")
        assert card.measures.get().thresholds == [[0, 100], [15, 0]]
        assert ScorecardVersion.objects.get(scorecard=card).number == 1
    bad = client.post("/admin/health/scorecard/add/", {**data, "name": "x", "priority": 6,
                                                        "measures-0-weight": "-1"})  # fmt: skip
    assert bad.status_code == 200 and "measures.0.weight" in bad.content.decode()


def test_admin_scores_are_read_only(tenant, owner, client):
    acme = account(tenant, "a1")
    active_days(tenant, acme, days_back(DAY, 0))
    call_command("health_scores", "--tenant", "acme", "--date", str(DAY), stdout=StringIO())
    client.force_login(owner, backend=MODEL_BACKEND)
    assert client.get("/admin/health/healthscore/").status_code == 200
    with tenant_scope(tenant):
        score = HealthScore.objects.get()
    page = client.get(f"/admin/health/healthscore/{score.pk}/change/")
    assert page.status_code == 200 and "Save" not in page.content.decode().split("submit-row")[-1]


def test_command_scores_a_day(tenant):
    acme = account(tenant, "a1")
    active_days(tenant, acme, days_back(DAY, 0, 1))
    out = StringIO()
    call_command("health_scores", "--tenant", "acme", "--date", str(DAY), stdout=out)
    assert f"Wrote 1 scores of acme for {DAY}." in out.getvalue()
    with tenant_scope(tenant):
        assert HealthScore.objects.get().day == DAY
        assert Scorecard.objects.get().is_default
    with pytest.raises(CommandError, match="No tenant"):
        call_command("health_scores", "--tenant", "nope")
    with pytest.raises(CommandError, match="--date"):
        call_command("health_scores", "--tenant", "acme", "--date", "2026-02-30")


def test_command_waits_for_a_metrics_run_to_finish(tenant):
    active_days(tenant, account(tenant, "a1"), days_back(DAY, 0, 1))
    with metrics_run_in_progress(tenant), pytest.raises(CommandError, match="Try again"):
        call_command("health_scores", "--tenant", "acme", "--date", str(DAY), stdout=StringIO())
    with tenant_scope(tenant):
        assert not HealthScore.objects.exists()
    call_command("health_scores", "--tenant", "acme", "--date", str(DAY), stdout=StringIO())
    with tenant_scope(tenant):
        assert HealthScore.objects.count() == 1


def test_command_backfills_a_range_and_refuses_bad_ranges(tenant):
    acme = account(tenant, "a1")
    active_days(tenant, acme, days_back(DAY, 0, 1))
    first = DAY - timedelta(days=9)
    out = StringIO()
    args = ["health_scores", "--tenant", "acme", "--since", str(first), "--until", str(DAY)]
    call_command(*args, stdout=out)
    assert f"Wrote 10 scores of acme for {first} to {DAY}." in out.getvalue()
    with tenant_scope(tenant):
        assert sorted(HealthScore.objects.values_list("day", flat=True)) == [
            first + timedelta(days=n) for n in range(10)
        ]
    for bad, message in [
        (["--since", str(DAY), "--until", str(first)], "is after"),
        (["--until", str(DAY)], "needs --since"),
        (["--date", str(DAY), "--since", str(first)], "either --date"),
        (["--since", "2999-01-01"], "no later than today"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("health_scores", "--tenant", "acme", *bad)
