"""The renewals page's charts, drawn with the shared chart module: the renewal rate and the
renewal revenue rate by month (the engine's figures, in percent), and ARR per CSM."""

from django.utils.translation import gettext as _

from tenants.charts import Bar, Series, bar_chart, compact, line_chart


def _percent(figure):
    if figure is None or figure.value is None:
        return None
    return float(figure.value) * 100


def rate_lines(months):
    days = [m.month for m in months]
    series = [
        Series(_("Renewal rate"), [_percent(m.rate) for m in months], "renewal_rate"),
        Series(
            _("Renewal revenue rate"),
            [_percent(m.revenue_rate) for m in months],
            "renewal_revenue_rate",
        ),
    ]

    def label(value):
        return f"{value:.0f}%"

    return {
        "chart": line_chart(days, series, bands=[(100, "100%")], value_label=label),
        "compact": line_chart(
            days, series, bands=[(100, "100%")], value_label=label, size="compact"
        ),
    }


def owner_bars(per_csm, currency: str):
    rows = [
        # Short amounts beside the bars (1.18M) fit a phone; the table has them in full.
        Bar(row.label or _("No owner"), row.arr, f"{currency} {compact(float(row.arr))}")
        for row in per_csm.rows or []
    ]
    return {"chart": bar_chart(rows), "compact": bar_chart(rows, size="compact")}
