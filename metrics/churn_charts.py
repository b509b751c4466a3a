"""The churn page's charts, drawn with the shared chart module: reasons (accounts and lost
MRR), tenure at churn, and engagement before churn (churned against retained accounts, one
bar each per window, the label saying which, so the bars read without colour)."""

from django.utils.translation import gettext as _

from tenants.charts import Bar, bar_chart, compact


def _both(rows):
    return {"chart": bar_chart(rows), "compact": bar_chart(rows, size="compact")}


def reason_count_bars(reasons):
    return _both(
        [Bar(r.label, r.count, f"{r.count} ({r.share:.0%})", key=r.key or "none") for r in reasons]
    )


def reason_mrr_bars(reasons, currency: str):
    # Short amounts beside the bars fit a phone; the table below has them in full.
    return _both(
        [Bar(r.label, r.lost_mrr, f"{currency} {compact(float(r.lost_mrr))}") for r in reasons]
    )


def tenure_bars(tenure):
    return _both([Bar(r.label, r.count, f"{r.count} ({r.share:.0%})") for r in tenure])


def engagement_bars(engagement):
    rows = []
    for window in engagement.windows:
        for value, who, key in [
            (window.churned, _("churned"), "churned"),
            (window.retained, _("retained"), "retained"),
        ]:
            shown = _("n/a") if value is None else f"{value:.1f}"
            rows.append(Bar(f"{window.label} · {who}", value, shown, key=key))
    return _both(rows)
