"""How the dashboard writes figures: money in the tenant's currency, ratios as percentages
with one decimal, durations as hours, minutes and seconds, and "n/a" (never 0) for
undefined figures."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from metrics.comparison import MULTIPLES, compare
from metrics.definitions import Metric, Unit
from metrics.selectors import MONEY_PARTS, Shown

NA = "n/a"

# Parts that are not plain counts or amounts (LTV divides by a churn rate; time in app
# divides a number of seconds).
RATIO_PARTS = {("ltv", "denominator")}
SECONDS_PARTS = {("time_in_app_seconds", "numerator")}

# Short phrasings of the parts under a tile; {n} and {d} are the formatted parts, {s} the
# plural ending of the denominator.
PARTS_PHRASES = {
    "arpu": "{n} MRR ÷ {d} active accounts",
    "ltv": "{n} ARPU × margin ÷ {d} monthly churn",
    "nps": "{n} net promoters of {d} answering",
    "stickiness": "{n} DAU of {d} MAU",
    "time_in_app_seconds": "{n} in sessions ÷ {d} DAU",
    "adoption_rate": "{n} of {d} active accounts",
    "arr_per_csm": "{n} ARR ÷ {d} CSM{s}",
}


@dataclass(frozen=True)
class ScreenFigure:
    """One figure written for the screen."""

    metric: Metric
    text: str  # the value, or "n/a"
    unit: str  # the currency code next to money, else ""
    parts: str  # "250 of 267 active accounts", or "" for figures without parts
    detail: str  # value, numerator and denominator in words, for a tooltip

    @property
    def defined(self) -> bool:
        return self.text != NA


def rounded(value: Decimal, places: int) -> Decimal:
    # Half up, as people round money (Decimal's own formatting rounds half to even).
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money(value: Decimal, currency: str, places: int = 2) -> str:
    return f"{currency} {rounded(value, places):,.{places}f}"


def percent(value: Decimal, places: int = 1) -> str:
    return f"{value * 100:,.{places}f}%"


def duration(seconds: Decimal) -> str:
    total = int(seconds.to_integral_value())
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def number(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def value_text(metric: Metric, value: Decimal | None, *, places: int = 2) -> tuple[str, str]:
    """(text, currency unit) of a value; money gets `places` decimals."""
    if value is None:
        return NA, ""
    if metric.name in MULTIPLES:
        return f"{value:,.1f}×", ""
    match metric.unit:
        case Unit.MONEY:
            return f"{rounded(value, places):,.{places}f}", "money"
        case Unit.RATIO:
            return percent(value), ""
        case Unit.SECONDS:
            return duration(value), ""
        case Unit.DAYS:
            return f"{value:,.1f} days", ""
        case _:  # counts and NPS are whole numbers
            return f"{int(value.to_integral_value()):,}", ""


def value_with_unit(metric: Metric, value: Decimal | None, currency: str) -> str:
    """The exact value with its currency, as tooltips show it."""
    text, unit = value_text(metric, value)
    return f"{text} {currency}" if unit == "money" and value is not None else text


def part_text(metric: Metric, part: str, value: Decimal | None, currency: str) -> str:
    if value is None:
        return NA
    if (metric.name, part) in MONEY_PARTS:
        return money(value, currency)
    if (metric.name, part) in RATIO_PARTS:
        return percent(value, 2)
    if (metric.name, part) in SECONDS_PARTS:
        return duration(value)
    return number(value)


def show(metric: Metric, shown: Shown | None, currency: str, *, places: int = 2) -> ScreenFigure:
    """A stored figure (or None: not computed) written for the screen; money shows `places`
    decimals, and the tooltip text the exact amount."""
    value = shown.value if shown else None
    text, unit = value_text(metric, value, places=places)
    unit = currency if unit == "money" else ""
    detail = f"{metric.label}: {value_with_unit(metric, value, currency)}"
    parts = ""
    if metric.has_parts and shown is not None and shown.denominator is not None:
        n = part_text(metric, "numerator", shown.numerator, currency)
        d = part_text(metric, "denominator", shown.denominator, currency)
        # Without a short phrasing, the parts are named as the definitions name them.
        phrase = PARTS_PHRASES.get(
            metric.name, f"{{n}} {metric.numerator} ÷ {{d}} {metric.denominator}"
        )
        parts = phrase.format(n=n, d=d, s="" if shown.denominator == 1 else "s")
        detail += f" · {metric.numerator}: {n} · {metric.denominator}: {d}"
    elif value is None:
        detail += " (undefined: no population to measure)"
    return ScreenFigure(metric=metric, text=text, unit=unit, parts=parts, detail=detail)


def change(metric: Metric, now: Decimal | None, before: Decimal | None) -> tuple[str, str]:
    """(text, direction) of the change from `before` to `now` (metrics.comparison); ("", "")
    when either is undefined. Ratios change in percentage points, NPS in points, the rest in
    percent."""
    found = compare(metric, now, before)
    if found is None:
        return "", ""
    if found.in_points:
        return f"{found.delta:+.1f} pts", found.direction
    if metric.unit == Unit.SCORE:
        return f"{int(found.delta):+d}", found.direction
    if found.relative is None:
        return "", ""
    return f"{found.relative:+.1f}%", found.direction
