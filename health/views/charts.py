"""Inline SVG geometry of the health pages, computed on the server (no JavaScript): an
account's score over its last 90 days with band lines and scorecard-version markers, and
a backtest's churn rate per band as bars."""

from dataclasses import dataclass
from datetime import date, timedelta

WIDTH, HEIGHT = 1000, 240
# A phone's version of the same chart: drawn for its width (rather than shrinking the wide
# one, whose text would be unreadable), with fewer date labels.
COMPACT_WIDTH, COMPACT_HEIGHT = 400, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 22, 28
DAYS = 90


@dataclass(frozen=True)
class Mark:
    at: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    line: str  # SVG path data, one subpath per run of scored days
    dots: list[tuple[float, float, str]]
    y_ticks: list[Mark]
    x_ticks: list[Mark]
    bands: list[Mark]  # horizontal lines at the cut-offs: at = y
    versions: list[Mark]  # vertical lines where the scorecard version changed: at = x
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


def trend_chart(
    rows,
    *,
    last_day: date,
    good_min: int,
    average_min: int,
    width: int = WIDTH,
    height: int = HEIGHT,
    label_every: int = 15,
) -> TrendChart:
    """`rows`: HealthScore rows (any order) with `scorecard_version` selected; a date label
    every `label_every` days."""
    first = last_day - timedelta(days=DAYS - 1)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM

    def x_of(day: date) -> float:
        return round(LEFT + (day - first).days * plot_w / (DAYS - 1), 1)

    def y_of(score: float) -> float:
        return round(TOP + plot_h * (1 - score / 100), 1)

    by_day = {row.day: row for row in rows if first <= row.day <= last_day}
    runs, run, dots, versions = [], [], [], []
    previous_version = None
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        row = by_day.get(day)
        if row is not None:
            number = row.scorecard_version.number
            if previous_version is not None and row.scorecard_version_id != previous_version:
                versions.append(Mark(x_of(day), f"v{number}"))
            previous_version = row.scorecard_version_id
        if row is None or row.score is None:
            if run:
                runs.append(run)
            run = []
            continue
        point = (x_of(day), y_of(row.score))
        run.append(point)
        dots.append((*point, f"{day:%Y-%m-%d}: {row.score}"))
    if run:
        runs.append(run)
    line = " ".join(f"M{r[0][0]},{r[0][1]}" + "".join(f" L{x},{y}" for x, y in r[1:]) for r in runs)
    x_ticks = [
        Mark(x_of(first + timedelta(days=o)), f"{first + timedelta(days=o):%d %b}")
        for o in range(0, DAYS, label_every)
    ]
    return TrendChart(
        width=width,
        height=height,
        line=line,
        dots=dots,
        y_ticks=[Mark(y_of(v), str(v)) for v in (0, 50, 100)],
        x_ticks=x_ticks,
        bands=[Mark(y_of(good_min), str(good_min)), Mark(y_of(average_min), str(average_min))],
        versions=versions,
        plot_left=LEFT,
        plot_right=width - RIGHT,
        plot_top=TOP,
        plot_bottom=height - BOTTOM,
    )


BAR_WIDTH, BAR_ROW, BAR_LEFT, BAR_RIGHT = 340, 30, 66, 104


@dataclass(frozen=True)
class Bar:
    band: str
    label: str
    y: int
    width: float
    rate: float | None
    accounts: int
    churned: int


@dataclass(frozen=True)
class BandBars:
    width: int
    height: int
    left: int
    bars: list[Bar]


def band_bars(bands: dict, labels: dict[str, str]) -> BandBars:
    """Churn rate per band (good, average, poor) as bars scaled to the highest rate."""
    rates = [bands.get(b, {}).get("churn_rate") for b in labels]
    top = max((r for r in rates if r), default=0) or 1
    bars = []
    for index, (band, label) in enumerate(labels.items()):
        entry = bands.get(band, {})
        rate = entry.get("churn_rate")
        bars.append(
            Bar(
                band=band,
                label=label,
                y=index * BAR_ROW + 6,
                width=round((rate or 0) / top * (BAR_WIDTH - BAR_LEFT - BAR_RIGHT), 1),
                rate=None if rate is None else rate * 100,
                accounts=entry.get("accounts", 0),
                churned=entry.get("churned", 0),
            )
        )
    return BandBars(BAR_WIDTH, len(labels) * BAR_ROW + 6, BAR_LEFT, bars)
