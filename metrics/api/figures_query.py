"""Query parameters of the KPI figures API: the range of periods and the cut, checked."""

from datetime import date, timedelta

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from metrics import selectors
from metrics.api.figures_serializers import PeriodMonthField, day_field
from metrics.definitions import Grain
from metrics.engine.calendar import add_months
from metrics.models import Dimension
from tenants.models import Membership

DEFAULT_DAYS = 30
DEFAULT_MONTHS = 12
MAX_DAYS = 366
MAX_MONTHS = 120
QUERY_PARAMETERS = ("from", "to", "segment", "owner")


class FiguresQuerySerializer(serializers.Serializer):
    segment = serializers.CharField(required=False, max_length=100)
    owner = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def __init__(self, *args, period_field, **kwargs):
        self.period_field = period_field
        super().__init__(*args, **kwargs)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = self.period_field(required=False)
        fields["to"] = self.period_field(required=False)
        return fields

    def validate(self, attrs):
        if "segment" in attrs and "owner" in attrs:
            message = "Give segment or owner, not both."
            raise ValidationError({"segment": [message], "owner": [message]})
        return attrs


def figures_query(request, *, grain: Grain) -> dict:
    """Parse and check the query; returns the range (None when nothing is computed) and cut."""
    errors = {}
    for name in request.query_params:
        if name not in QUERY_PARAMETERS:
            errors[name] = [f"Unknown query parameter; use {', '.join(QUERY_PARAMETERS)}."]
        elif len(request.query_params.getlist(name)) > 1:
            errors[name] = ["Give this parameter once."]
    if errors:
        raise ValidationError(errors)
    period_field = day_field if grain == Grain.DAY else PeriodMonthField
    query = FiguresQuerySerializer(data=request.query_params.dict(), period_field=period_field)
    query.is_valid(raise_exception=True)
    params = query.validated_data

    dimension, key = Dimension.ALL, ""
    if "owner" in params:
        # A member of another tenant is answered exactly like an id that does not exist.
        if not Membership.objects.filter(pk=params["owner"]).exists():
            raise ValidationError({"owner": ["No member with this id in this tenant."]})
        dimension, key = Dimension.OWNER, str(params["owner"])
    elif "segment" in params:
        dimension, key = Dimension.SEGMENT, params["segment"]
        if not selectors.cut_has_figures(grain=grain, dimension=dimension, key=key):
            raise ValidationError({"segment": ["No figures have been computed for this segment."]})

    first, last = _range(params.get("from"), params.get("to"), grain=grain)
    return {"first": first, "last": last, "dimension": dimension, "key": key}


def _range(first: date | None, last: date | None, *, grain: Grain):
    if grain == Grain.DAY:
        default, limit, unit = DEFAULT_DAYS, MAX_DAYS, "days"

        def span(a, b):
            return (b - a).days + 1

        def back(day, count):
            return day - timedelta(days=count - 1)
    else:
        default, limit, unit = DEFAULT_MONTHS, MAX_MONTHS, "months"

        def span(a, b):
            return (b.year - a.year) * 12 + b.month - a.month + 1

        def back(month, count):
            return add_months(month, -(count - 1))

    if last is None:
        latest = selectors.latest_period(grain)
        # A `from` past the latest computed period asks for periods not computed yet: none.
        last = max(filter(None, [latest, first]), default=None)
    if last is None:  # nothing computed and no range asked for
        return None, None
    if first is None:
        try:
            first = back(last, default)
        except (ValueError, OverflowError):  # `to` in the first days of year 1
            first = date.min
    if first > last:
        raise ValidationError({"from": [f"Must not be after to ({last:%Y-%m-%d})."]})
    if span(first, last) > limit:
        raise ValidationError(
            {"from": [f"At most {limit} {unit} per request; move from or to closer together."]}
        )
    return first, last
