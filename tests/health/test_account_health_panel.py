"""The account's health panel: score and band or "n/a", trend against 7 and 30 days before,
the measure that pulled it down most, the breakdown, the chart with version markers, the
roll-up of child accounts, "Recompute now", and a constant number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Subscription
from health.models import HealthScore, ScorecardVersion
from health.services.defaults import scorecards_ensure_defaults
from health.services.score_history import health_scores_compute
from health.services.scorecards import scorecard_update
from health.views.explain import change, percents_adding_up, tenths_adding_up
from tenants.tenancy.context import tenant_scope
from tests.health.helpers import (
    DAY,
    account,
    active_days,
    days_back,
    metrics_run_in_progress,
    russian_with,
)

pytestmark = pytest.mark.django_db

# The scorecard the stored scores use: usage 4 of 30 days scores 13.33, NPS 9 of 10 scores
# 90, onboarding missing and left out, so the contributions total 51.67.
MEASURES = [
    {"source": "usage_frequency", "mapping": "linear", "low": 0, "high": 30, "weight": 25},
    {"source": "nps_latest", "mapping": "linear", "low": 0, "high": 10, "weight": 25},
    {"source": "onboarding_progress", "mapping": "linear", "low": 0, "high": 100, "weight": 10},
]
RAWS = [4, 9, None]


def _version(tenant, number=None):
    card = scorecards_ensure_defaults(tenant=tenant)
    with tenant_scope(tenant):
        sources = [m.source for m in card.measures.all()]
    if sources != [m["source"] for m in MEASURES]:
        card = scorecard_update(tenant=tenant, scorecard=card, measures=MEASURES)
    with tenant_scope(tenant):
        return ScorecardVersion.objects.get(scorecard=card, number=number or card.version)


def _store(tenant, acct, day, score, version, raws=RAWS):
    band = (
        None if score is None else "good" if score >= 70 else "average" if score >= 40 else "poor"
    )
    with tenant_scope(tenant):
        HealthScore.objects.update_or_create(
            account=acct, day=day,
            defaults={"score": score, "band": band, "raws": raws, "scorecard_version": version},
        )  # fmt: skip


def _panel(client, acct, htmx=True, language="en"):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    if htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    return client.get(reverse("account-health", args=[acct.pk]), **headers)


@pytest.mark.outsider("account-health")
def test_outsiders_get_404(outsider_client, tenant):
    acct = account(tenant, "a1")
    assert _panel(outsider_client, acct).status_code == 404
    assert outsider_client.post(reverse("account-health", args=[acct.pk])).status_code == 404
    with tenant_scope(tenant):
        assert not HealthScore.objects.exists()


def test_account_page_shows_the_panel_in_place(owner_client, tenant):
    acct = account(tenant, "a1")
    page = owner_client.get(reverse("account", args=[acct.pk])).content.decode()
    panel = page[page.index('id="account-health"') :]
    assert "Not scored yet" in panel
    assert f'hx-post="{reverse("account-health", args=[acct.pk])}"' in panel  # Recompute now


def test_na_for_an_account_without_data(owner_client, tenant):
    acct = account(tenant, "quiet")
    not_scored = _panel(owner_client, acct).content.decode()
    assert "n/a" in not_scored and "Not scored yet" in not_scored
    health_scores_compute(tenant=tenant, day=DAY)
    html = _panel(owner_client, acct).content.decode()
    assert _panel(owner_client, acct, htmx=False).context["latest"].score is None
    assert '<span class="figure na">n/a</span>' in html and "No data at all" in html
    assert "<html" not in html  # the htmx partial only
    assert "pulled the score down" not in html


def test_na_is_translated(owner_client, tenant):
    acct = account(tenant, "quiet")
    with russian_with("n/a", "н/д"):
        html = _panel(owner_client, acct, language="ru").content.decode()
        assert '<span class="figure na">н/д</span>' in html and ">n/a<" not in html
        assert change(None, 50, 7).signed == "н/д" and change(50, 50, 7).signed == "±0"


def test_score_trend_weakest_measure_and_breakdown(owner_client, tenant):
    acct = account(tenant, "a1")
    first = _version(tenant)
    _store(tenant, acct, DAY - timedelta(days=30), 57, first)
    _store(tenant, acct, DAY - timedelta(days=7), 42, first)
    default = first.scorecard
    scorecard_update(tenant=tenant, scorecard=default, good_min=75)
    second = _version(tenant)
    _store(tenant, acct, DAY - timedelta(days=3), 50, second)
    _store(tenant, acct, DAY, 52, second)
    html = _panel(owner_client, acct).content.decode()
    assert '<span class="figure">52</span>' in html and "Average" in html
    assert "↑ 10 points higher than 7 days before" in html
    assert "↓ 5 points lower than 30 days before" in html
    assert "Usage frequency pulled the score down most: 4 active days in 30 scored 13" in html
    assert "51.7" in html  # the contributions' total: the score before rounding
    assert "100.0%" in html  # the effective weights' total, whatever their rounding
    assert html.count(">Yes</span>") == 2 and html.count(">Missing</span>") == 1
    breakdown = html.split('class="chart-figure"')[0]  # the chart's own table follows it
    assert breakdown.count("<tr") == 1 + 3 + 1  # head, three measures, total
    assert ">v3</text>" in html  # where the scorecard version changed
    # Two drawings (wide and compact), each with the two cut-offs.
    assert html.count('<line class="band-line"') == 4 and "Good from 75" in html
    chart = _panel(owner_client, acct, htmx=False).context["chart"]
    assert [band.value for band in chart.bands] == [75, 40] and len(chart.points) == 4


def test_no_score_7_days_before_is_na(owner_client, tenant):
    acct = account(tenant, "a1")
    _store(tenant, acct, DAY, 52, _version(tenant))
    html = _panel(owner_client, acct).content.decode()
    assert "No score 7 days before" in html and "No score 30 days before" in html


def test_breakdown_of_a_computed_score_sums_to_it(owner_client, tenant):
    acct = account(tenant, "busy")
    active_days(tenant, acct, days_back(DAY, *range(0, 12)))
    health_scores_compute(tenant=tenant, day=DAY)
    response = _panel(owner_client, acct, htmx=False)
    latest = response.context["latest"]
    assert latest.score is not None
    assert round(response.context["contribution_total"]) == latest.score


def test_recompute_now(member_client, viewer_client, tenant):
    acct = account(tenant, "busy")
    active_days(tenant, acct, days_back(DAY, *range(0, 12)))
    health_scores_compute(tenant=tenant, day=DAY)
    with tenant_scope(tenant):
        real = HealthScore.objects.get(account=acct, day=DAY).score
        HealthScore.objects.filter(account=acct).update(score=1, band="poor")
    url = reverse("account-health", args=[acct.pk])
    assert viewer_client.post(url).status_code == 403
    with tenant_scope(tenant):
        assert HealthScore.objects.get(account=acct, day=DAY).score == 1
    response = member_client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()
    with tenant_scope(tenant):
        assert list(HealthScore.objects.filter(account=acct).values_list("day", "score")) == [
            (DAY, real)
        ]  # the tenant's latest scored day, scored again
    assert member_client.post(url).status_code == 302


def test_recompute_now_while_the_scores_are_being_recomputed(member_client, tenant):
    acct = account(tenant, "busy")
    active_days(tenant, acct, days_back(DAY, *range(0, 12)))
    health_scores_compute(tenant=tenant, day=DAY)
    with tenant_scope(tenant):
        HealthScore.objects.filter(account=acct).update(score=1, band="poor")
    url = reverse("account-health", args=[acct.pk])
    busy = "The scores are being recomputed; try again in a minute."
    with metrics_run_in_progress(tenant):
        response = member_client.post(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and busy in response.content.decode()
        plain = member_client.post(url, follow=True)
        assert plain.status_code == 200 and busy in plain.content.decode()
    with tenant_scope(tenant):
        assert HealthScore.objects.get(account=acct, day=DAY).score == 1  # left alone
    member_client.post(url, HTTP_HX_REQUEST="true")
    with tenant_scope(tenant):
        assert HealthScore.objects.get(account=acct, day=DAY).score != 1


def _family(tenant):
    parent = account(tenant, "group")
    version = _version(tenant)
    for xid, score, mrr in (("child-a", 80, 100), ("child-b", 40, 300)):
        child = account(tenant, xid, parent=parent)
        _store(tenant, child, DAY, score, version)
        with tenant_scope(tenant):
            Subscription.objects.create(
                account=child, external_id=f"{xid}-t", mrr=Decimal(mrr), currency="USD",
                start_date=DAY - timedelta(days=100),
            )  # fmt: skip
    with tenant_scope(tenant):
        Subscription.objects.create(
            account=parent, external_id="group-t", mrr=Decimal(100), currency="USD",
            start_date=DAY - timedelta(days=100),
        )  # fmt: skip
    _store(tenant, parent, DAY, 60, version)
    return parent


def test_rollup_of_child_accounts(owner_client, tenant):
    parent = _family(tenant)
    html = _panel(owner_client, parent).content.decode()
    assert "Roll-up with child accounts" in html and "ARR-weighted mean" in html
    assert '<strong class="band band-average">52</strong>' in html
    assert "60.0%" in html and "20.0%" in html and "3,600" in html
    leaf = _panel(owner_client, account(tenant, "leaf")).content.decode()
    assert "Roll-up" not in leaf


def test_queries_constant(owner_client, tenant):
    parent = _family(tenant)
    version = _version(tenant)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert _panel(owner_client, parent).status_code == 200
        return len(queries)

    before = count()
    for offset in range(1, 40):
        _store(tenant, parent, DAY - timedelta(days=offset), 50 + offset % 7, version)
    for index in range(4):
        child = account(tenant, f"more-{index}", parent=parent)
        _store(tenant, child, DAY, 30 + index, version)
    assert count() == before


def test_effective_weights_shown_add_up_to_100():
    shown = percents_adding_up([1 / 3, 1 / 3, 1 / 3])
    assert sorted(shown) == [33.3, 33.3, 33.4] and round(sum(shown), 1) == 100.0
    assert percents_adding_up([0, 0]) == [0.0, 0.0]


def test_contributions_shown_add_up_to_their_total():
    shown = tenths_adding_up([2.26, 18.18, 9.09])  # total 29.53
    assert shown == [2.2, 18.2, 9.1] and round(sum(shown), 1) == 29.5
