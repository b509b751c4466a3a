"""Charts drawn as inline SVG from geometry computed on the server: no JavaScript, no chart
library, nothing from a CDN. Every page that shows a figure over time or side by side uses
these functions and the templates in templates/charts/, so that all charts look alike, read
without colour (dash patterns, marker shapes, written values) and come with a table.

    line_chart(days, [Series(name, values, key)], bands=..., markers=..., size="wide")
    sparkline(values)
    bar_chart([Bar(label, value, display)], size="wide")
"""

from tenants.charts.bars import Bar, BarChart, bar_chart
from tenants.charts.line import Band, LineChart, Marker, Series, line_chart
from tenants.charts.scale import compact, nice_ticks
from tenants.charts.sparkline import Sparkline, sparkline

__all__ = [
    "Band",
    "Bar",
    "BarChart",
    "LineChart",
    "Marker",
    "Series",
    "Sparkline",
    "bar_chart",
    "compact",
    "line_chart",
    "nice_ticks",
    "sparkline",
]
