"""What the health pages chart, handed to the shared chart module (tenants.charts): an
account's score over its last 90 days, with the band cut-offs as reference lines and a
dated marker where the scorecard version changed; a backtest's churn rate per band."""

from datetime import date, timedelta

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tenants.charts import Bar, BarChart, LineChart, Series, bar_chart, line_chart

DAYS = 90


def score_chart(
    rows, *, last_day: date, good_min: int, average_min: int, size: str = "wide"
) -> LineChart | None:
    """`rows`: HealthScore rows (any order) with `scorecard_version` selected."""
    first = last_day - timedelta(days=DAYS - 1)
    days = [first + timedelta(days=offset) for offset in range(DAYS)]
    by_day = {row.day: row for row in rows if first <= row.day <= last_day}
    markers, previous = [], None
    for day in days:
        row = by_day.get(day)
        if row is None:
            continue
        if previous is not None and row.scorecard_version_id != previous:
            markers.append((day, f"v{row.scorecard_version.number}"))
        previous = row.scorecard_version_id
    values = [getattr(by_day.get(day), "score", None) for day in days]
    return line_chart(
        days,
        [Series(_("Health score"), values, "health")],
        bands=[
            (good_min, f"{_('Good from')} {good_min}"),
            (average_min, f"{_('Average from')} {average_min}"),
        ],
        markers=markers,
        size=size,
        y_min=0,
        y_max=100,
        axis_label=lambda value: f"{value:g}",
    )


def band_bars(bands: dict, labels: dict[str, str], *, size: str = "wide") -> BarChart:
    """Churn rate per band (good, average, poor), scaled to the highest rate; the rate and
    the churned/accounts count are written beside each bar."""
    rows = []
    for band, label in labels.items():
        entry = bands.get(band, {})
        rate = entry.get("churn_rate")
        churned, accounts = entry.get("churned", 0), entry.get("accounts", 0)
        display = (
            _("n/a") if rate is None else f"{number_format(rate * 100, 1)}% ({churned}/{accounts})"
        )
        rows.append(Bar(label, rate, display, key=band, note=f"{churned} / {accounts}"))
    return bar_chart(rows, size=size)
