"""The health band as a badge, built in Python: lists show one or two per row, and an
`{% include %}` per badge (a new context and a template render) cost more than the row."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from health.models.score import Band

register = template.Library()


@register.simple_tag
def band_badge(band) -> SafeString:
    """`{% band_badge account.band %}`: "Good", "Average" or "Poor" on the band's colour, the
    word written so that it reads without colour; "n/a" for no band."""
    if band in Band.values:
        return format_html('<span class="band band-{}">{}</span>', band, Band(band).label)
    return format_html('<span class="na">{}</span>', gettext("n/a"))
