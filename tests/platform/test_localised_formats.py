"""Money, numbers, days and times come out as each language writes them (CLDR), and times
in the current (tenant's) time zone with the zone named."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from tenants.templatetags.l10n_extras import (
    local_date,
    local_datetime,
    local_month,
    money,
    number,
)

NBSP = "\xa0"
NNBSP = "\u202f"  # CLDR writes Russian "г." after a narrow no-break space
MOMENT = datetime(2026, 12, 3, 7, 15, tzinfo=UTC)  # 09:15 in Bucharest


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "€1,234.50"),
        ("zh-hans", "€1,234.50"),
        ("ru", f"1{NBSP}234,50{NBSP}€"),
        ("ro", f"1.234,50{NBSP}EUR"),
    ],
)
def test_money_in_each_language(language, expected):
    with translation.override(language):
        assert money(Decimal("1234.5"), "EUR") == expected


def test_money_without_amount_or_with_an_unknown_currency_does_not_fail():
    assert money(None, "EUR") == ""
    assert money("not a number", "EUR") == ""
    assert "5" in money(5, "XYZ1")


@pytest.mark.parametrize(
    "language, expected",
    [("en", "1,234,567.5"), ("ru", f"1{NBSP}234{NBSP}567,5"), ("ro", "1.234.567,5")],
)
def test_numbers_are_grouped_as_the_language_does(language, expected):
    with translation.override(language):
        assert number(1234567.5) == expected
        assert number(2.456, 1).endswith(("2.5", "2,5"))


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "Dec 3, 2026, 09:15 (Europe/Bucharest)"),
        ("zh-hans", "2026年12月3日 09:15 (Europe/Bucharest)"),
        ("ru", f"3 дек. 2026{NNBSP}г., 09:15 (Europe/Bucharest)"),
        ("ro", "3 dec. 2026, 09:15 (Europe/Bucharest)"),
    ],
)
def test_times_are_in_the_tenant_zone_and_labelled(language, expected):
    with translation.override(language), timezone.override("Europe/Bucharest"):
        assert local_datetime(MOMENT) == expected
        assert local_datetime(MOMENT, "unlabelled") == expected.split(" (")[0]


def test_a_moment_near_midnight_falls_on_the_tenant_day():
    late = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    with translation.override("en"), timezone.override("Asia/Shanghai"):
        assert local_date(late) == "Dec 4, 2026"


def test_days_and_months_in_russian():
    with translation.override("ru"):
        assert local_date(date(2026, 3, 8)) == f"8 мар. 2026{NNBSP}г."
        assert local_month(date(2026, 3, 8)).startswith("март")


def test_filters_in_a_template():
    template = Template("{% load l10n_extras %}{{ when|local_datetime }} · {{ arr|money:'USD' }}")
    with translation.override("en"), timezone.override("UTC"):
        out = template.render(Context({"when": MOMENT, "arr": 99000}))
    assert out == "Dec 3, 2026, 07:15 (UTC) · $99,000.00"
