"""The shared chart geometry (tenants.charts): edges of the data (nothing, one point, gaps,
negative values), bands and dated markers at the right places, and the templates' output."""

import re
from datetime import date, timedelta

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from tenants.charts import Bar, Series, bar_chart, compact, line_chart, nice_ticks, sparkline
from tenants.charts.line import SIZES

FIRST = date(2026, 9, 1)
DAYS = [FIRST + timedelta(days=n) for n in range(90)]


def test_nice_ticks_cover_the_range_with_round_steps():
    assert nice_ticks(0, 97) == [0, 25, 50, 75, 100]
    assert nice_ticks(-30, 40) == [-40, -20, 0, 20, 40]
    assert nice_ticks(0, 0.3) == [0, 0.1, 0.2, 0.3]  # no 0.30000000000000004
    assert nice_ticks(5, 5) == [4, 6, 8, 10]  # a flat range still gets an axis


def test_compact_labels():
    assert [compact(v) for v in (1_250_000, 336_000, 0.25, -4000, 0)] == [
        "1.25M",
        "336k",
        "0.25",
        "-4k",
        "0",
    ]


def test_no_defined_value_gives_no_chart():
    assert line_chart(DAYS, [Series("MRR", [None] * 90)]) is None
    assert line_chart([], [Series("MRR", [])]) is None
    assert sparkline([None, None]) is None


def test_values_must_align_with_days():
    with pytest.raises(ValueError):
        line_chart(DAYS, [Series("MRR", [1, 2])])


def test_gaps_split_the_line_and_are_counted():
    values = [10] * 90
    values[30] = values[31] = None
    chart = line_chart(DAYS, [Series("MRR", values, "mrr")])
    assert chart.line.count("M") == 2  # two runs, not a drop to zero
    assert chart.defined_days == 88 and chart.undefined_days == 2 and chart.has_gaps
    assert len(chart.points) == 88
    assert chart.table[30].cells == [None] and chart.table[0].cells == ["10"]


def test_an_isolated_point_is_marked():
    values = [None] * 90
    values[10], values[50], values[51] = 5, 6, 7
    chart = line_chart(DAYS, [Series("Score", values)])
    isolated = [p.isolated for p in chart.points]
    assert isolated == [True, False, False]
    assert chart.points[0].shape.startswith("M")


def test_one_day_sits_in_the_middle():
    chart = line_chart([FIRST], [Series("MRR", [3])], size="compact")
    size = SIZES["compact"]
    (point,) = chart.points
    assert point.x == round((chart.plot_left + chart.plot_right) / 2, 1)
    assert chart.plot_top <= point.y <= chart.plot_bottom
    assert chart.x_ticks and chart.width == size.width


def test_negative_values_put_zero_inside_the_axis():
    chart = line_chart(DAYS[:3], [Series("Net", [-20, 0, 35])])
    labels = [tick.label for tick in chart.y_ticks]
    assert labels[0].startswith("-") and "0" in labels
    low, zero, high = (p.y for p in chart.points)
    assert chart.plot_bottom >= low > zero > high >= chart.plot_top  # SVG y grows downwards


def test_positive_values_start_at_zero_and_fixed_bounds_hold():
    chart = line_chart(DAYS[:3], [Series("MRR", [900, 950, 1000])])
    assert chart.y_ticks[0].label == "0"
    score = line_chart(DAYS[:3], [Series("Score", [40, 50, 60])], y_min=0, y_max=100)
    assert [t.label for t in score.y_ticks] == ["0", "25", "50", "75", "100"]
    assert score.y_ticks[0].at == score.plot_bottom and score.y_ticks[-1].at == score.plot_top


def test_bands_and_markers_are_placed_on_their_value_and_day():
    values = list(range(90))
    chart = line_chart(
        DAYS,
        [Series("Score", values)],
        bands=[(75, "Good from 75"), (40, "Average from 40"), (500, "off the chart")],
        markers=[(DAYS[30], "v2"), (FIRST - timedelta(days=5), "before"), (DAYS[-1], "v3")],
        y_min=0,
        y_max=100,
    )
    assert [band.label for band in chart.bands] == ["Good from 75", "Average from 40"]
    plot_h = chart.plot_bottom - chart.plot_top
    assert chart.bands[0].at == round(chart.plot_top + plot_h * 0.25, 1)
    assert [m.label for m in chart.markers] == ["v2", "v3"]
    assert chart.markers[0].at == chart.points[30].x
    assert chart.markers[1].at == chart.plot_right and chart.markers[1].anchor == "end"


def test_bands_widen_the_automatic_range():
    chart = line_chart(DAYS[:2], [Series("x", [1, 2])], bands=[(50, "target")])
    assert chart.bands and chart.bands[0].at >= chart.plot_top


def test_series_get_distinct_styles_and_named_tooltips():
    chart = line_chart(
        DAYS[:5],
        [Series(name, [1, 2, 3, 4, 5]) for name in ("A", "B", "C", "D", "E")],
        value_label=lambda v: f"{v} pts",
    )
    assert [line.style for line in chart.series] == [1, 2, 3, 4, 1]
    assert len({line.legend_shape for line in chart.series[:4]}) == 4
    assert chart.series[1].points[0].label.startswith("B · ") and "1 pts" in (
        chart.series[1].points[0].label
    )


def test_date_labels_follow_the_active_language():
    with translation.override("ru"):
        chart = line_chart(DAYS, [Series("MRR", [1] * 90)])
    assert any("сен" in tick.label.lower() for tick in chart.x_ticks)  # "Сен 1" or "1 сентября"
    with translation.override("en"):
        wide = line_chart(DAYS, [Series("MRR", [1] * 90)])
        narrow = line_chart(DAYS, [Series("MRR", [1] * 90)], size="compact")
    assert wide.x_ticks[0].label == "Sep 1" and wide.x_ticks[0].anchor == "start"
    assert len(narrow.x_ticks) < len(wide.x_ticks) <= SIZES["wide"].max_labels


def test_sparkline_geometry_and_text():
    spark = sparkline([3, None, 1, 5], value_label=str)
    assert spark.path.count("M") == 2  # the gap breaks it
    assert (spark.first, spark.last, spark.low, spark.high) == ("3", "5", "1", "5")
    assert spark.direction == "up"
    flat = sparkline([2, 2])
    assert flat.direction == "flat" and flat.last_y == flat.height / 2


def test_bars_scale_to_the_largest_or_given_value():
    chart = bar_chart([Bar("Good", 2, "2%"), Bar("Poor", 8, "8%"), Bar("None", None, "n/a")])
    good, poor, none = chart.bars
    assert poor.width == 2 * 2 * good.width or poor.width == pytest.approx(4 * good.width, 0.01)
    assert none.width == 1 and none.display == "n/a"
    assert poor.value_x > chart.left + poor.width
    funnel = bar_chart([Bar("Kick-off", 5, "5")], size="compact", max_value=10)
    assert funnel.width == 360 and funnel.bars[0].width == pytest.approx((360 - 4 - 130) / 2, 0.1)
    assert bar_chart([Bar("Loss", -3, "-3")]).bars[0].width == 1


def test_templates_draw_an_accessible_chart_with_its_table():
    chart = line_chart(
        DAYS,
        [Series("MRR", [1] * 90, "mrr"), Series("ARR", [None] + [2] * 89, "arr")],
        bands=[(1.5, "Target")],
        markers=[(DAYS[10], "v2")],
    )
    compact_chart = line_chart(DAYS, [Series("MRR", [1] * 90)], size="compact")
    html = render_to_string(
        "charts/line.html", {"chart": chart, "compact": compact_chart, "title": "MRR <daily>"}
    )
    assert html.count('role="img"') == 2 and "<title>MRR &lt;daily&gt;</title>" in html
    assert "chart-wide" in html and "chart-compact" in html
    assert 'class="chart-legend"' in html and ">ARR</li>" in html
    assert "Show as table" in html and html.count("<tr>") == 1 + 90
    assert ">v2</text>" in html and ">Target</text>" in html
    assert re.search(r'class="series-line series-2" d="M[\d.]+,[\d.]+ L', html)
    bars = render_to_string(
        "charts/bars.html",
        {"chart": bar_chart([Bar("Good", 1, "1 (10%)", key="good")]), "title": "Churn"},
    )
    assert 'class="bar bar-good"' in bars and ">1 (10%)</text>" in bars and "<table" in bars
    spark = render_to_string("charts/sparkline.html", {"spark": sparkline([1, 2]), "label": "MRR"})
    assert 'aria-label="MRR: from 1 to 2 (low 1, high 2)"' in spark


def test_sparkline_tag_escapes_its_text_and_keeps_svg_numbers_unlocalised():
    """The tag that tables call once a row: the same markup as the template, its geometry
    written with a dot in every language, its label and values escaped unless already safe."""
    tag = Template("{% load charts %}{% sparkline spark label %}")
    spark = sparkline([1.5, None, 3, 2], value_label=lambda v: f"{v}<")
    with translation.override("ru"):
        html = tag.render(Context({"spark": spark, "label": 'MRR "x" & <y>'}))
        safe = tag.render(Context({"spark": spark, "label": mark_safe("<b>MRR</b>")}))
        missing = tag.render(Context({"spark": None, "label": "MRR"}))
    text = (
        "MRR &quot;x&quot; &amp; &lt;y&gt;: от 1.5&lt; до 2&lt; (минимум 1.5&lt;, максимум 3&lt;)"
    )
    assert f'aria-label="{text}"' in html and f"<title>{text}</title>" in html
    assert 'cx="97.0" cy="15.0"' in html and 'd="M3.0,21.0 M65.7,3.0 L97.0,15.0"' in html
    assert "<y>" not in html
    assert "<title><b>MRR</b>: от" in safe
    assert missing == '<span class="na">н/д</span>'
    assert tag.render(Context({"spark": spark, "label": "A"})) == render_to_string(
        "charts/sparkline.html", {"spark": spark, "label": "A"}
    ).rstrip("\n")
