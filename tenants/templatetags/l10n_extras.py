"""Numbers, money, dates and times in the reader's language (CLDR data through Babel).

Django's fixed formats ("j M Y", "Y-m-d H:i") put the day and month in English order for
everyone; these filters ask CLDR how each language writes them. Times are shown in the
current time zone — the tenant's on tenant pages (TenantView), the help center's on its own —
and labelled with it, so that nobody reads a Bucharest time as their own.

Thousand separators are not switched on site-wide (USE_THOUSAND_SEPARATOR) on purpose: that
would also group ids written into links and form values; amounts use `number` or `money`.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import UnknownCurrencyError, format_currency, format_decimal
from django import template
from django.utils import timezone, translation

register = template.Library()


def babel_locale() -> Locale:
    """The active Django language as a Babel locale ("zh-hans" -> zh_Hans)."""
    return _locale(translation.get_language() or "en")


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def _moment(value):
    """A datetime in the current time zone; None for what is not a datetime."""
    if not isinstance(value, datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_current_timezone())
    return timezone.localtime(value)


def _day(value):
    if isinstance(value, datetime):
        return _moment(value).date()
    return value if isinstance(value, date) else None


def zone_name() -> str:
    return timezone.get_current_timezone_name()


@register.filter
def money(amount, currency=""):
    """`{{ account.arr|money:current_tenant.currency }}`: "€1,234.50" in English,
    "1 234,50 €" in Russian. Blank for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return ""
    try:
        return format_currency(amount, (currency or "USD").upper(), locale=babel_locale())
    except UnknownCurrencyError:
        return f"{format_decimal(amount, locale=babel_locale())} {currency}"


@register.filter
def number(value, decimals=None):
    """A number with the language's grouping and decimal signs: 1,234.5 / 1 234,5."""
    if value is None or value == "":
        return ""
    try:
        value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    if decimals not in (None, ""):
        value = round(value, int(decimals))
        pattern = "#,##0" + ("." + "0" * int(decimals) if int(decimals) > 0 else "")
        return format_decimal(value, format=pattern, locale=babel_locale())
    return format_decimal(value, locale=babel_locale())


def _skeleton(value, skeleton: str) -> str:
    return format_skeleton(skeleton, value, locale=babel_locale())


@register.filter
def local_date(value):
    """A day: "Dec 3, 2026" / "3 дек. 2026 г." / "2026年12月3日"."""
    day = _day(value)
    return _skeleton(day, "yMMMd") if day else ""


@register.filter
def local_date_weekday(value):
    """A day with its weekday: "Thu, Dec 3, 2026"."""
    day = _day(value)
    return _skeleton(day, "yMMMEd") if day else ""


@register.filter
def local_day_month(value):
    """A day of this year: "Dec 3" / "3 дек."."""
    day = _day(value)
    return _skeleton(day, "MMMd") if day else ""


@register.filter
def local_month(value):
    """A month: "December 2026" / "decembrie 2026"."""
    day = _day(value)
    return _skeleton(day, "yMMMM") if day else ""


@register.filter
def local_datetime(value, label="labelled"):
    """A moment in the current (tenant's) time zone, the zone named:
    "Dec 3, 2026, 09:15 (Europe/Bucharest)". `local_datetime:"unlabelled"` where the
    sentence around it names the zone already."""
    moment = _moment(value)
    if moment is None:
        return ""
    locale = babel_locale()
    text = locale.datetime_formats["medium"].format(
        _skeleton(moment, "Hm"), _skeleton(moment, "yMMMd")
    )
    return text if label == "unlabelled" else f"{text} ({zone_name()})"


@register.filter
def local_datetime_seconds(value, label="labelled"):
    """A moment to the second (delivery logs); zone named unless "unlabelled"."""
    moment = _moment(value)
    if moment is None:
        return ""
    locale = babel_locale()
    text = locale.datetime_formats["medium"].format(
        _skeleton(moment, "Hms"), _skeleton(moment, "yMMMd")
    )
    return text if label == "unlabelled" else f"{text} ({zone_name()})"


@register.simple_tag
def time_zone_label():
    """The zone the page's times are in, for a column heading."""
    return zone_name()
