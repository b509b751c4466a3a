"""The account 360 page's charts, drawn with the shared chart module (tenants.charts): the
health score over 90 days with the band cut-offs and the scorecard-version changes, active
users per day, and feature adoption as labelled bars. Each in a wide and a compact drawing
(CSS shows one), each with its figures as a table (the templates in templates/charts/)."""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tenants.charts import Bar, Series, bar_chart, line_chart


def health_trend(latest, history, *, days: int = 90) -> dict | None:
    """`latest`: the account's latest HealthScore; `history`: its scores of the `days` days up
    to it, with their scorecard versions. None when there is nothing to draw."""
    if latest is None:
        return None
    first = latest.day - timedelta(days=days - 1)
    span = [first + timedelta(days=n) for n in range(days)]
    by_day = {row.day: row for row in history}
    values = [by_day[day].score if day in by_day else None for day in span]
    markers, previous = [], None
    for day in span:
        row = by_day.get(day)
        if row is None:
            continue
        if previous is not None and row.scorecard_version_id != previous:
            markers.append((day, f"v{row.scorecard_version.number}"))
        previous = row.scorecard_version_id
    snapshot = latest.scorecard_version.snapshot
    bands = [
        (snapshot["good_min"], _("Good from %(score)s") % {"score": snapshot["good_min"]}),
        (
            snapshot["average_min"],
            _("Average from %(score)s") % {"score": snapshot["average_min"]},
        ),
    ]
    series = [Series(_("Health score"), values, "health")]
    options = {"bands": bands, "markers": markers, "y_min": 0, "y_max": 100}
    wide = line_chart(span, series, **options)
    if wide is None:
        return None
    return {"chart": wide, "compact": line_chart(span, series, size="compact", **options)}


def active_users(usage) -> dict | None:
    series = [Series(_("Active users"), usage.active_users, "active-users")]
    # Whole people: a scale of at least 0 to 5 keeps the ticks at whole numbers.
    scale = {"y_min": 0, "y_max": max([5, *usage.active_users])}
    wide = line_chart(usage.days, series, **scale)
    if wide is None:
        return None
    return {"chart": wide, "compact": line_chart(usage.days, series, size="compact", **scale)}


def adoption(usage) -> dict | None:
    if not usage.adoption:
        return None
    bars = [
        Bar(
            feature,
            percent,
            ngettext("%(percent)s%% (%(days)s day)", "%(percent)s%% (%(days)s days)", days)
            % {"percent": percent, "days": days},
        )
        for feature, days, percent in usage.adoption
    ]
    # Labelled bars stack anyway: the compact drawing reads well in the page's main column
    # on a laptop and on a phone alike.
    return {"chart": bar_chart(bars, size="compact", max_value=100)}
