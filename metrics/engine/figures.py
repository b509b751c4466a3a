"""A computed figure (value with numerator and denominator) and the rules for rounding it.

Money is kept in integer cents until here, so sums are exact; ratios keep six decimals;
NPS rounds halves away from zero; anything over an empty population is undefined (None).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATIO_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Figure:
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class FigureRow:
    grain: str
    period: date
    dimension: str
    key: str
    metric: str
    figure: Figure


def _decimal(number) -> Decimal:
    return number if isinstance(number, Decimal) else Decimal(str(number))


def cents_to_money(cents) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(CENT)


def count(number) -> Figure:
    return Figure(Decimal(int(number)))


def money(cents) -> Figure:
    return Figure(cents_to_money(cents))


def ratio(numerator, denominator) -> Figure:
    """numerator / denominator as a six-place decimal; undefined when the denominator is 0."""
    num, den = _decimal(numerator), _decimal(denominator)
    value = None if not den else (num / den).quantize(RATIO_PLACES, ROUND_HALF_UP)
    return Figure(value, num, den)


def money_ratio(numerator_cents, denominator) -> Figure:
    """An amount per unit (ARPU, ARR per CSM, CAC): money value, money numerator."""
    num, den = cents_to_money(numerator_cents), _decimal(denominator)
    value = None if not den else (num / den).quantize(CENT, ROUND_HALF_UP)
    return Figure(value, num, den)


def nps(promoters: int, detractors: int, answering: int) -> Figure:
    """% promoters - % detractors as an integer, halves away from zero."""
    net = promoters - detractors
    value = None
    if answering:
        value = (Decimal(100 * net) / Decimal(answering)).quantize(Decimal(1), ROUND_HALF_UP)
    return Figure(value, Decimal(net), Decimal(answering))
