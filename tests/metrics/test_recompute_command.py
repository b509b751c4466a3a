"""manage.py recompute_metrics: what it recomputes, its progress bar, and its errors."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from metrics.engine.calendar import local_today
from metrics.models import MetricFigure, MetricsState
from tests.metrics.history import History


def _run(*args):
    out, err = StringIO(), StringIO()
    call_command("recompute_metrics", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def yesterday(tenant):
    return local_today(tenant.time_zone) - timedelta(days=1)


def test_since_recomputes_with_a_progress_bar(tenant, yesterday):
    History(tenant).term("acme", yesterday - timedelta(days=100), None, 42)
    since = yesterday - timedelta(days=40)
    out, err = _run("--tenant", "acme", "--since", since.isoformat())
    assert "Recomputed acme: rollups of 41 days" in out
    assert "Recomputing acme 100% |" in err and " steps [" in err
    figure = MetricFigure.objects.for_tenant(tenant).get(
        grain="day", period=yesterday, dimension="all", metric="mrr"
    )
    assert figure.value == 42
    assert MetricsState.objects.for_tenant(tenant).get().computed_through == yesterday


def test_without_a_date_it_runs_the_nightly(tenant, yesterday):
    History(tenant).term("acme", yesterday - timedelta(days=10), None, 42)
    out, _ = _run("--tenant", "acme")
    assert "Recomputed acme" in out
    assert MetricsState.objects.for_tenant(tenant).get().computed_through == yesterday


def test_without_a_date_and_nothing_new_it_says_so(tenant, yesterday):
    MetricsState.objects.for_tenant(tenant).create(tenant=tenant, computed_through=yesterday)
    out, _ = _run("--tenant", "acme")
    assert f"up to date through {yesterday}" in out


def test_one_date(tenant, yesterday):
    day = yesterday - timedelta(days=3)
    out, _ = _run("--tenant", "acme", "--date", day.isoformat())
    assert "rollups of 1 days" in out
    assert MetricFigure.objects.for_tenant(tenant).filter(period=day, grain="day").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "nope"], "No tenant with slug 'nope'"),
        (["--tenant", "acme", "--since", "yesterday"], "--since must be a date like"),
        (["--tenant", "acme", "--date", "2026-02-30"], "--date must be a date like"),
        (["--tenant", "acme", "--until", "2026-01-01"], "--until needs --since"),
        (["--tenant", "acme", "--since", "2026-03-01", "--until", "2026-02-01"], "is after"),
        (["--tenant", "acme", "--date", "2999-01-01"], "must be no later than"),
    ],
)
def test_bad_input_names_the_problem(tenant, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not MetricFigure.objects.for_tenant(tenant).exists()


def test_date_and_since_together_are_refused(tenant):
    with pytest.raises(CommandError, match="not allowed with argument"):
        _run("--tenant", "acme", "--date", "2026-01-01", "--since", "2026-01-01")


def test_a_past_date_leaves_the_nightly_bookmark_alone(tenant):
    out, _ = _run("--tenant", "acme", "--date", date(2020, 1, 1).isoformat())
    assert "Recomputed acme" in out
    # Otherwise the nightly run would take 2020-01-01 as the day it had computed through.
    assert MetricsState.objects.for_tenant(tenant).get().computed_through is None
