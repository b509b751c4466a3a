"""Serializers of the KPI figures API and their OpenAPI schema and examples.

The row serializers are built from the metric registry, so a new metric appears in the rows
and in the schema at once.
"""

from datetime import date
from decimal import Decimal

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from metrics.api.catalog import MonthField
from metrics.definitions import DAILY, MONTHLY, Metric, Unit
from metrics.models import Dimension
from metrics.selectors import MONEY_PARTS, PeriodRow, Shown, as_api


class FigureField(serializers.Field):
    """One metric of a row as {"value", "numerator", "denominator"}; reads the whole row."""

    def __init__(self, metric: Metric, **kwargs):
        self.metric = metric
        kwargs.update(source="*", read_only=True, help_text=f"{metric.label}: {metric.definition}")
        super().__init__(**kwargs)

    def to_representation(self, row: PeriodRow):
        return as_api(self.metric.name, row.figures.get(self.metric.name))


MONEY_SCHEMA = {"type": "string", "format": "decimal", "pattern": r"^-?\d+\.\d{2}$"}
VALUE_SCHEMAS = {
    Unit.MONEY: {**MONEY_SCHEMA, "description": "Two decimal places, in the tenant's currency."},
    Unit.RATIO: {"type": "number", "description": "A decimal fraction: 0.05 for 5%."},
    Unit.COUNT: {"type": "integer"},
    Unit.SCORE: {"type": "integer", "minimum": -100, "maximum": 100},
    Unit.SECONDS: {"type": "number", "description": "Seconds."},
    Unit.DAYS: {"type": "number", "description": "Days."},
}


def _part_schema(metric: Metric, part: str) -> dict:
    counts = getattr(metric, part)
    if not counts:
        return {"type": "number", "nullable": True, "description": "Always null for this figure."}
    if (metric.name, part) in MONEY_PARTS:
        return {**MONEY_SCHEMA, "nullable": True, "description": counts}
    return {"type": "number", "nullable": True, "description": counts}


def figure_schema(metric: Metric) -> dict:
    value = {**VALUE_SCHEMAS[metric.unit], "nullable": True}
    value["description"] = " ".join(
        filter(None, [value.get("description"), "Null when undefined (never 0)."])
    )
    return {
        "type": "object",
        "properties": {
            "value": value,
            "numerator": _part_schema(metric, "numerator"),
            "denominator": _part_schema(metric, "denominator"),
        },
        "required": ["value", "numerator", "denominator"],
    }


class FigureFieldSchema(OpenApiSerializerFieldExtension):
    """Each metric documents its own unit and what its numerator and denominator count."""

    target_class = FigureField

    def map_serializer_field(self, auto_schema, direction):
        return figure_schema(self.target.metric)


def _serializer(name: str, fields: dict) -> type[serializers.Serializer]:
    # Built from the registry so that a new metric appears in the rows and the schema at once;
    # type() also allows the field named `from`.
    return type(name, (serializers.Serializer,), fields)


class PeriodMonthField(MonthField):
    """YYYY-MM in and out; a year out of the calendar's range is invalid input, not an error."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except (ValueError, OverflowError):
            self.fail("invalid")


def day_field(**kwargs):
    return serializers.DateField(input_formats=["%Y-%m-%d"], **kwargs)


DailyRowSerializer = _serializer(
    "DailyFigureRowSerializer",
    {
        "date": day_field(source="period", help_text="The day (tenant's time zone)."),
        **{name: FigureField(metric) for name, metric in DAILY.items()},
    },
)
MonthlyRowSerializer = _serializer(
    "MonthlyFigureRowSerializer",
    {
        "month": PeriodMonthField(source="period", help_text="The calendar month."),
        **{name: FigureField(metric) for name, metric in MONTHLY.items()},
    },
)


def _envelope(name: str, period_field, row_serializer) -> type[serializers.Serializer]:
    return _serializer(
        name,
        {
            "from": period_field(allow_null=True, help_text="First period of the range."),
            "to": period_field(allow_null=True, help_text="Last period of the range."),
            "dimension": serializers.ChoiceField(
                choices=Dimension.choices,
                help_text="The population: all accounts, one segment or one owner CSM.",
            ),
            "key": serializers.CharField(
                help_text='"" for all accounts, the segment name, or the owner membership id.'
            ),
            "currency": serializers.CharField(help_text="The tenant's currency (ISO 4217)."),
            "results": row_serializer(
                many=True, help_text="The computed periods of the range, oldest first."
            ),
        },
    )


DailyFiguresSerializer = _envelope("DailyFiguresSerializer", day_field, DailyRowSerializer)
MonthlyFiguresSerializer = _envelope(
    "MonthlyFiguresSerializer", PeriodMonthField, MonthlyRowSerializer
)


def _example_row(period: date, samples: dict[str, tuple]) -> PeriodRow:
    figures = {
        name: Shown(*(None if part is None else Decimal(part) for part in parts))
        for name, parts in samples.items()
    }
    return PeriodRow(period, figures)


DAILY_EXAMPLE = DailyFiguresSerializer(
    {
        "from": date(2026, 1, 31),
        "to": date(2026, 1, 31),
        "dimension": Dimension.ALL,
        "key": "",
        "currency": "USD",
        "results": [
            _example_row(
                date(2026, 1, 31),
                {
                    "active_accounts": ("412", None, None),
                    "mrr": ("205588.00", None, None),
                    "arr": ("2467056.00", None, None),
                    "arpu": ("499.00", "205588.00", "412"),
                    "ltv": ("31936.00", "399.20", "0.0125"),
                    "nps": ("36", "37", "104"),
                    "dau": ("1834", None, None),
                    "wau": ("4120", None, None),
                    "mau": ("6025", None, None),
                    "stickiness": ("0.304398", "1834", "6025"),
                    "time_in_app_seconds": ("1180", "2164120", "1834"),
                    "adoption_rate": ("0.638350", "263", "412"),
                    "arr_per_csm": ("411176.00", "2467056.00", "6"),
                },
            )
        ],
    }
).data
MONTHLY_EXAMPLE = MonthlyFiguresSerializer(
    {
        "from": date(2026, 1, 1),
        "to": date(2026, 1, 1),
        "dimension": Dimension.SEGMENT,
        "key": "Enterprise",
        "currency": "USD",
        "results": [
            _example_row(
                date(2026, 1, 1),
                {
                    "logo_churn_rate": ("0.019753", "8", "405"),
                    "grr": ("0.980752", "198210.00", "202100.00"),
                    "nrr": ("1.020980", "206340.00", "202100.00"),
                    "renewal_rate": ("0.9", "27", "30"),
                    "renewal_revenue_rate": ("0.976744", "352800.00", "361200.00"),
                    "activation_rate": ("0.733333", "11", "15"),
                    "ttfv_median_days": ("9.5", "12", "15"),
                    "cac": ("1216.67", "18250.00", "15"),
                    "ltv_to_cac": ("26.248695", "31936.00", "1216.67"),
                    "new_accounts": ("15", None, None),
                    "churned_accounts": ("8", None, None),
                },
            )
        ],
    }
).data
