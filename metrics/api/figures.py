"""API of the computed KPIs: daily and monthly figures of the tenant, a segment or an owner CSM.

Read-only: the figures are written by the metrics engine. Each row holds every metric of its
grain as {"value", "numerator", "denominator"}, rendered by `metrics.selectors.as_api`.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from metrics import selectors
from metrics.api.figures_query import (
    DEFAULT_DAYS,
    DEFAULT_MONTHS,
    MAX_DAYS,
    MAX_MONTHS,
    figures_query,
)
from metrics.api.figures_serializers import (
    DAILY_EXAMPLE,
    MONTHLY_EXAMPLE,
    DailyFiguresSerializer,
    MonthlyFiguresSerializer,
)
from metrics.definitions import DAILY, MONTHLY, Grain, describe
from metrics.models import MetricFigure
from tenants.api.openapi import error_response
from tenants.tenancy.viewsets import TenantViewSet

CUT_PARAMETERS = [
    OpenApiParameter(
        "segment",
        OpenApiTypes.STR,
        description="Only the accounts of this segment (a segment that has figures).",
    ),
    OpenApiParameter(
        "owner",
        OpenApiTypes.INT,
        description="Only the accounts owned by this member (a membership id, as in "
        "/members/). Not together with segment.",
    ),
]
COMMON = (
    "Figures computed by the nightly metrics run, for the whole tenant or for one cut "
    "(`segment` or `owner`). Only computed periods appear, oldest first; every metric of the "
    "grain is in every row, with null parts where no figure is stored. Each figure is "
    '`{"value", "numerator", "denominator"}`: ratios are decimals (0.05 for 5%) with the '
    "population counts beside them, money is a decimal string with two places in the tenant's "
    "currency, and a figure over an empty population has a null value, never 0. Unknown "
    "query parameters are refused.\n\n"
)


class MetricFigureViewSet(TenantViewSet):
    model = MetricFigure
    pagination_class = None

    @extend_schema(
        summary="Daily KPI figures",
        description=COMMON
        + f"Defaults to the last {DEFAULT_DAYS} days up to the latest computed day; at most "
        f"{MAX_DAYS} days per request.\n\n" + describe(DAILY),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD)."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (YYYY-MM-DD)."),
            *CUT_PARAMETERS,
        ],
        responses={200: DailyFiguresSerializer, 400: error_response("Invalid query.")},
        examples=[OpenApiExample("One day", value=DAILY_EXAMPLE, response_only=True)],
    )
    @action(detail=False, methods=["get"], url_path="daily", url_name="daily")
    def daily(self, request):
        return self._figures(request, Grain.DAY, DailyFiguresSerializer)

    @extend_schema(
        summary="Monthly KPI figures",
        description=COMMON
        + f"Defaults to the last {DEFAULT_MONTHS} months up to the latest computed month; at "
        f"most {MAX_MONTHS} months per request.\n\n" + describe(MONTHLY),
        parameters=[
            OpenApiParameter("from", OpenApiTypes.STR, description="First month (YYYY-MM)."),
            OpenApiParameter("to", OpenApiTypes.STR, description="Last month (YYYY-MM)."),
            *CUT_PARAMETERS,
        ],
        responses={200: MonthlyFiguresSerializer, 400: error_response("Invalid query.")},
        examples=[OpenApiExample("One month", value=MONTHLY_EXAMPLE, response_only=True)],
    )
    @action(detail=False, methods=["get"], url_path="monthly", url_name="monthly")
    def monthly(self, request):
        return self._figures(request, Grain.MONTH, MonthlyFiguresSerializer)

    def _figures(self, request, grain: Grain, serializer_class):
        query = figures_query(request, grain=grain)
        first, last = query["first"], query["last"]
        rows = []
        if first is not None:
            rows = selectors.figures_by_period(
                grain=grain, first=first, last=last, dimension=query["dimension"], key=query["key"]
            )
        body = {
            "from": first,
            "to": last,
            "dimension": query["dimension"],
            "key": query["key"],
            "currency": request.tenant.currency,
            "results": rows,
        }
        return Response(serializer_class(body).data)
