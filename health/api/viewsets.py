"""API endpoints of scorecards (owners and admins write them), scorecard versions and
accounts' health scores (current, history, breakdown)."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from accounts.models import Account
from health import selectors
from health.api.serializers import (
    BacktestSerializer,
    DayQuerySerializer,
    HealthScoreBreakdownSerializer,
    HealthScoreSerializer,
    HistoryQuerySerializer,
    RollupSerializer,
    ScorecardSerializer,
    ScorecardVersionSerializer,
    SuggestedWeightsSerializer,
)
from health.models import HealthScore, Scorecard, ScorecardVersion
from health.services.backtests import suggested_weights_apply
from health.services.defaults import scorecards_ensure_defaults
from health.services.rollup import health_rollup
from health.services.scorecards import scorecard_create, scorecard_delete, scorecard_update
from tenants.api.pagination import DefaultCursorPagination
from tenants.models.membership import MANAGE_ROLES
from tenants.tenancy.viewsets import TenantModelViewSet, TenantReadOnlyViewSet, TenantViewSet

SCORECARD_EXAMPLE = {
    "name": "Enterprise accounts",
    "priority": 10,
    "is_default": False,
    "segment": "Enterprise",
    "lifecycle_stage": "",
    "good_min": 75,
    "average_min": 45,
    "measures": [
        {"source": "usage_frequency", "mapping": "linear", "low": 0, "high": 20, "weight": 40},
        {
            "source": "days_since_activity",
            "mapping": "thresholds",
            "thresholds": [[0, 100], [8, 70], [15, 40], [31, 0]],
            "weight": 30,
            "missing": "poor",
        },
        {"source": "nps_latest", "mapping": "linear", "low": 0, "high": 10, "weight": 30},
    ],
}


BREAKDOWN_EXAMPLE = {
    "account_external_id": "crm-0042",
    "day": "2026-10-01",
    "score": 61,
    "band": "average",
    "scorecard": 1,
    "scorecard_version": 3,
    "scorecard_version_number": 2,
    "parts": [
        {
            "source": "usage_frequency",
            "raw": 12,
            "score": 60,
            "weight": 25,
            "effective_weight": 0.416667,
            "contribution": 25,
            "missing": False,
        },
        {
            "source": "usage_trend",
            "raw": -20.0,
            "score": 60,
            "weight": 20,
            "effective_weight": 0.333333,
            "contribution": 20,
            "missing": False,
        },
        {
            "source": "nps_latest",
            "raw": 6.5,
            "score": 65,
            "weight": 15,
            "effective_weight": 0.25,
            "contribution": 16.25,
            "missing": False,
        },
        {
            "source": "onboarding_progress",
            "raw": None,
            "score": None,
            "weight": 10,
            "effective_weight": 0,
            "contribution": 0,
            "missing": True,
        },
    ],
}
BREAKDOWN_EXAMPLES = [
    OpenApiExample("A score explained", value=BREAKDOWN_EXAMPLE, response_only=True)
]


ROLLUP_EXAMPLE = {
    "account_external_id": "crm-group-7",
    "day": "2026-10-01",
    "score": 52,
    "exact": 52.0,
    "band": "average",
    "weighting": "arr",
    "members": [
        {"account_external_id": "crm-group-7", "name": "Group", "own": True, "score": 60,
         "band": "average", "arr": "1200.00", "weight_share": 0.2},
        {"account_external_id": "crm-0042", "name": "Child A", "own": False, "score": 80,
         "band": "good", "arr": "1200.00", "weight_share": 0.2},
        {"account_external_id": "crm-0043", "name": "Child B", "own": False, "score": 40,
         "band": "average", "arr": "3600.00", "weight_share": 0.6},
    ],
}  # fmt: skip


BACKTEST_EXAMPLE = {
    "scorecard": 1,
    "scorecard_version_number": 3,
    "computed_at": "2026-12-02T02:30:11Z",
    "last_known_day": "2026-12-01",
    "auc": 0.7812,
    "accounts": 1260,
    "churned": 84,
    "bands": {
        "good": {"accounts": 702, "churned": 9, "churn_rate": 0.0128},
        "average": {"accounts": 391, "churned": 28, "churn_rate": 0.0716},
        "poor": {"accounts": 167, "churned": 47, "churn_rate": 0.2814},
    },
    "months": [
        {
            "month_start": "2026-01-01",
            "window_end": "2026-04-01",
            "complete": True,
            "accounts": 138,
            "unscored": 2,
            "churned": 10,
            "auc": 0.7655,
        },
        {
            "month_start": "2026-12-01",
            "window_end": "2027-03-01",
            "complete": False,
            "accounts": 144,
            "unscored": 1,
            "churned": None,
            "auc": None,
        },
    ],
}
SUGGESTION_EXAMPLE = {
    "scorecard": 1,
    "scorecard_version_number": 3,
    "applicable": True,
    "computed_at": "2026-12-02T02:30:11Z",
    "current_weights": {
        "usage_frequency": 25, "core_depth": 20, "feature_breadth": 10, "usage_trend": 20,
        "nps_latest": 15, "onboarding_progress": 10,
    },
    "suggested_weights": {
        "usage_frequency": 41.2, "core_depth": 12.9, "feature_breadth": 0.0, "usage_trend": 38.6,
        "nps_latest": 7.3, "onboarding_progress": 0.0,
    },
    "held_out_auc_current": 0.7431,
    "held_out_auc_suggested": 0.8017,
    "train_months": ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01",
                     "2026-06-01"],
    "test_months": ["2026-07-01", "2026-08-01", "2026-09-01"],
    "train_samples": 828,
    "test_samples": 432,
    "reason": "",
}  # fmt: skip


class PriorityPagination(DefaultCursorPagination):
    ordering = ("priority", "id")


@extend_schema_view(
    list=extend_schema(summary="List scorecards in priority order, with their measures"),
    retrieve=extend_schema(summary="Get one scorecard with its measures"),
    create=extend_schema(
        summary="Create a scorecard (owners and admins)",
        description="Records version 1 of the scorecard.",
        examples=[OpenApiExample("A segment's scorecard", value=SCORECARD_EXAMPLE)],
    ),
    update=extend_schema(
        summary="Replace a scorecard and its measures (owners and admins)",
        description="A change records the next version of the scorecard.",
        examples=[OpenApiExample("A segment's scorecard", value=SCORECARD_EXAMPLE)],
    ),
    partial_update=extend_schema(
        summary="Change some fields of a scorecard (owners and admins)",
        description="`measures`, when given, replaces all of them. A change records a version.",
        examples=[OpenApiExample("New band cut-offs", value={"good_min": 80, "average_min": 50})],
    ),
    destroy=extend_schema(
        summary="Delete a scorecard that is not the default (owners and admins)",
        description="Its versions, and the scores that name them, stay.",
    ),
)
class ScorecardViewSet(TenantModelViewSet):
    model = Scorecard
    serializer_class = ScorecardSerializer
    pagination_class = PriorityPagination
    required_roles = MANAGE_ROLES

    def get_queryset(self):
        return selectors.scorecards()

    def list(self, request, *args, **kwargs):
        scorecards_ensure_defaults(tenant=request.tenant)  # every tenant starts with one
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = scorecard_create(
            tenant=self.request.tenant,
            created_by=self.request.membership,
            **_plain(serializer.validated_data),
        )

    def perform_update(self, serializer):
        scorecard_update(
            tenant=self.request.tenant,
            scorecard=serializer.instance,
            created_by=self.request.membership,
            **_plain(serializer.validated_data),
        )
        serializer.instance = selectors.scorecards().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        scorecard_delete(tenant=self.request.tenant, scorecard=instance)

    def _backtest(self, scorecard):
        result = selectors.backtest_latest(scorecard)
        if result is None:
            raise Http404(_("This scorecard has not been backtested yet."))
        return result

    @extend_schema(
        summary="Get the scorecard's latest backtest against churn",
        description=(
            "For each of the last 12 month starts, the accounts active that day, their "
            "scores that day, and whether they churned in the 90 days after. `auc` is the "
            "chance that an account that churned scored lower than one that stayed (ties "
            "count half; null with no churn or nothing but churn), over the month starts "
            "whose 90-day window has ended; `bands` gives each band's churn rate with its "
            "counts. Refreshed nightly; 404 before the first run."
        ),
        responses=BacktestSerializer,
        examples=[OpenApiExample("A backtest", value=BACKTEST_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["get"])
    def backtest(self, request, *args, **kwargs):
        return Response(BacktestSerializer(self._backtest(self.get_object())).data)

    @extend_schema(
        methods=["GET"],
        summary="Compare the current weights with weights fitted to the churn history",
        description=(
            "Logistic regression of churn on the measure scores, fitted on the earlier month "
            "starts of the latest backtest and judged on the later ones: the held-out AUC of "
            "the current and of the suggested weights, side by side."
        ),
        responses=SuggestedWeightsSerializer,
        examples=[
            OpenApiExample("Suggested weights", value=SUGGESTION_EXAMPLE, response_only=True)
        ],
    )
    @extend_schema(
        methods=["POST"],
        summary="Apply the suggested weights (owners and admins)",
        description=(
            'Records a new scorecard version noted "suggested weights applied"; a measure '
            "suggested 0 is left out. 400 when there is no suggestion or the scorecard has "
            "changed since it was made."
        ),
        request=None,
        responses=ScorecardVersionSerializer,
    )
    @action(detail=True, methods=["get", "post"], url_path="suggested-weights")
    def suggested_weights(self, request, *args, **kwargs):
        scorecard = self.get_object()
        result = self._backtest(scorecard)
        if request.method == "GET":
            data = SuggestedWeightsSerializer.of(result, scorecard)
            return Response(SuggestedWeightsSerializer(data).data)
        applied = suggested_weights_apply(  # bad state: 400 by the API's error handler
            tenant=request.tenant, scorecard=scorecard, created_by=request.membership
        )
        version = selectors.scorecard_versions().get(scorecard=applied, number=applied.version)
        return Response(ScorecardVersionSerializer(version).data)


def _plain(data: dict) -> dict:
    values = dict(data)
    if "measures" in values:
        values["measures"] = [dict(measure) for measure in values["measures"]]
    return values


@extend_schema_view(
    list=extend_schema(
        summary="List scorecard versions, newest first",
        parameters=[
            OpenApiParameter("scorecard", OpenApiTypes.INT, description="Only this scorecard's.")
        ],
    ),
    retrieve=extend_schema(summary="Get one scorecard version with its snapshot"),
)
class ScorecardVersionViewSet(TenantReadOnlyViewSet):
    model = ScorecardVersion
    serializer_class = ScorecardVersionSerializer

    def get_queryset(self):
        rows = selectors.scorecard_versions()
        scorecard = self.request.query_params.get("scorecard")
        if self.action == "list" and scorecard is not None:
            if not scorecard.isascii() or not scorecard.isdecimal() or len(scorecard) > 18:
                raise ValidationError({"scorecard": [_("Must be a scorecard id.")]})
            rows = rows.filter(scorecard_id=int(scorecard))
        return rows


class DayPagination(CursorPagination):
    ordering = ("-day",)
    page_size_query_param = "page_size"
    max_page_size = 500


ACCOUNT = OpenApiParameter(
    "account_external_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The account."
)


@extend_schema_view(
    list=extend_schema(
        summary="List each account's current health score (its latest day)",
        parameters=[OpenApiParameter("band", OpenApiTypes.STR, enum=["good", "average", "poor"])],
    ),
)
class HealthScoreViewSet(TenantViewSet):
    """Scores are read by the account's external id; they are written by the nightly run
    (and on demand), never through the API."""

    model = HealthScore
    serializer_class = HealthScoreSerializer
    lookup_url_kwarg = "account_external_id"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.scores_current()

    def list(self, request, *args, **kwargs):
        rows = self.filter_queryset(self.get_queryset())
        band = request.query_params.get("band")
        if band is not None:
            if band not in {"good", "average", "poor"}:
                raise ValidationError({"band": [_("Must be good, average or poor.")]})
            rows = rows.filter(band=band)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _account(self) -> Account:
        account = Account.objects.filter(external_id=self.kwargs["account_external_id"]).first()
        if account is None:
            raise Http404
        return account

    @extend_schema(
        summary="Get an account's current health score with its breakdown",
        parameters=[ACCOUNT],
        responses=HealthScoreBreakdownSerializer,
        examples=BREAKDOWN_EXAMPLES,
    )
    def retrieve(self, request, *args, **kwargs):
        score = selectors.score_latest(self._account())
        if score is None:
            raise Http404
        return Response(HealthScoreBreakdownSerializer(score).data)

    @extend_schema(
        summary="List an account's daily health scores, newest first",
        parameters=[ACCOUNT, HistoryQuerySerializer],
        responses=HealthScoreSerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=DayPagination)
    def history(self, request, *args, **kwargs):
        query = HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = self._checked(selectors.score_history(self._account(), **query.validated_data))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(HealthScoreSerializer(page, many=True).data)

    @extend_schema(
        summary="Explain an account's health score on a day, measure by measure",
        description=(
            "Each measure's raw value, score (0-100), weight, effective weight after "
            "renormalisation, contribution and whether its data was missing. The "
            "contributions add up to the score before rounding."
        ),
        parameters=[ACCOUNT, DayQuerySerializer],
        responses=HealthScoreBreakdownSerializer,
        examples=BREAKDOWN_EXAMPLES,
    )
    @action(detail=True, methods=["get"])
    def breakdown(self, request, *args, **kwargs):
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        account = self._account()
        day = query.validated_data.get("day")
        score = selectors.score_on(account, day) if day else selectors.score_latest(account)
        if score is None:
            raise Http404
        return Response(HealthScoreBreakdownSerializer(score).data)

    @extend_schema(
        summary="Roll an account's score up with its child accounts' (hierarchy)",
        description=(
            "The ARR-weighted mean of the scores of the account (when it has one) and its "
            "direct children on `day` (default: the latest day any of them was scored); ARR "
            "is 12 x the MRR of the terms running that day. Accounts with no score are left "
            "out; accounts with no ARR weigh 0, unless none of the scored accounts has ARR, "
            "then all weigh the same (`weighting`: plain). The band uses the cut-offs of the "
            "scorecard that scores the account itself."
        ),
        parameters=[ACCOUNT, DayQuerySerializer],
        responses=RollupSerializer,
        examples=[OpenApiExample("A parent account", value=ROLLUP_EXAMPLE, response_only=True)],
    )
    @action(detail=True, methods=["get"])
    def rollup(self, request, *args, **kwargs):
        query = DayQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = health_rollup(
            tenant=request.tenant, account=self._account(), day=query.validated_data.get("day")
        )
        return Response(RollupSerializer(result.as_json()).data)
