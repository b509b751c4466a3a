"""Template tags of the charts that are drawn once per table row.

A table of 50 accounts draws 50 sparklines: built here in Python, a row costs a string format
instead of an `{% include %}` (a new context, a `{% localize %}` block and two
`{% blocktranslate %}` per row), which was most of the portfolio's rendering time. The markup
is that of charts/sparkline.html, which renders through this tag too.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from tenants.charts.sparkline import Sparkline

register = template.Library()

SPARK_SVG = (
    '<span class="sparkline-wrap"><svg class="sparkline sparkline-{}" viewBox="0 0 {} {}"'
    ' width="{}" height="{}" role="img" aria-label="{}"><title>{}</title>'
    '<path class="sparkline-line" d="{}"></path>'
    '<circle class="sparkline-last" cx="{}" cy="{}" r="2.5"></circle></svg></span>'
)


def _spark_text(spark: Sparkline, label) -> SafeString:
    """The text alternative: the translation with its values escaped (as `blocktranslate`
    does: a label that is safe already, such as a `{% translate %}` result, is kept as is),
    in English when a translation does not fit its values."""
    values = {
        "label": conditional_escape(label),
        "first": conditional_escape(spark.first),
        "last": conditional_escape(spark.last),
        "low": conditional_escape(spark.low),
        "high": conditional_escape(spark.high),
    }
    # The msgid of charts/sparkline.html's former `{% blocktranslate trimmed %}` (translated in
    # the catalogues), written out for makemessages to find.
    text = gettext("%(label)s: from %(first)s to %(last)s (low %(low)s, high %(high)s)")
    try:
        return mark_safe(text % values)  # noqa: S308 - values escaped above
    except (KeyError, ValueError):
        english = "%(label)s: from %(first)s to %(last)s (low %(low)s, high %(high)s)"
        return mark_safe(english % values)  # noqa: S308 - values escaped above


@register.simple_tag
def sparkline(spark: Sparkline | None, label="") -> SafeString:
    """`{% sparkline account.spark label %}`: the sparkline as inline SVG with its text
    alternative (`label`: what it shows, "MRR, last 90 days"), or "n/a" without one.

    Geometry is written with plain `str()`: "95.4" in every language, as SVG needs (a
    template would localise it to "95,4" in Russian outside `{% localize off %}`)."""
    if not spark:
        return format_html('<span class="na">{}</span>', gettext("n/a"))
    text = _spark_text(spark, label)
    return format_html(
        SPARK_SVG,
        spark.direction,
        spark.width,
        spark.height,
        spark.width,
        spark.height,
        text,
        text,
        spark.path,
        spark.last_x,
        spark.last_y,
    )
