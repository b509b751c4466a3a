"""Serializers of scorecards (with nested measures), versions and health scores. They parse
and render; every rule about what a scorecard may be is in health/services."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from health.models import Backtest, HealthScore, Measure, Scorecard, ScorecardVersion
from tenants.api.fields import StrictSerializer


class MeasureSerializer(StrictSerializer):
    low = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True)
    high = serializers.DecimalField(
        max_digits=12, decimal_places=3, required=False, allow_null=True
    )
    weight = serializers.DecimalField(max_digits=8, decimal_places=3)
    thresholds = serializers.ListField(
        child=serializers.ListField(
            child=serializers.DecimalField(max_digits=12, decimal_places=3),
            min_length=2,
            max_length=2,
        ),
        required=False,
        max_length=50,
        help_text="Steps [minimum raw value, score 0-100], minimums ascending (inclusive).",
    )

    class Meta:
        model = Measure
        fields = ["source", "mapping", "low", "high", "thresholds", "weight", "missing"]
        validators = []


class ScorecardSerializer(StrictSerializer):
    measures = MeasureSerializer(many=True, max_length=20)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "name",
            "priority",
            "is_default",
            "segment",
            "lifecycle_stage",
            "good_min",
            "average_min",
            "version",
            "measures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at"]
        # Bands and uniqueness are the services' to check, with messages naming the field.
        extra_kwargs = {
            "good_min": {"validators": []},
            "average_min": {"validators": []},
            "priority": {"validators": []},
        }
        validators = []


class ScorecardVersionSerializer(serializers.ModelSerializer):
    created_by = serializers.EmailField(
        source="created_by.user.email", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = ScorecardVersion
        fields = ["id", "scorecard", "number", "snapshot", "note", "created_by", "created_at"]


class HealthScoreSerializer(serializers.ModelSerializer):
    account_external_id = serializers.CharField(source="account.external_id", read_only=True)
    scorecard_version = serializers.IntegerField(source="scorecard_version_id", read_only=True)
    scorecard_version_number = serializers.IntegerField(
        source="scorecard_version.number", read_only=True
    )
    scorecard = serializers.IntegerField(
        source="scorecard_version.scorecard_id", read_only=True, allow_null=True
    )

    class Meta:
        model = HealthScore
        fields = [
            "account_external_id",
            "day",
            "score",
            "band",
            "scorecard",
            "scorecard_version",
            "scorecard_version_number",
        ]


class PartSerializer(serializers.Serializer):
    source = serializers.CharField()
    raw = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(allow_null=True, help_text="The measure's score, 0-100.")
    weight = serializers.FloatField()
    effective_weight = serializers.FloatField(
        help_text="Share of the weight among the measures that count (0-1)."
    )
    contribution = serializers.FloatField(help_text="score x effective_weight.")
    missing = serializers.BooleanField()


class HealthScoreBreakdownSerializer(HealthScoreSerializer):
    parts = PartSerializer(many=True, read_only=True)

    class Meta(HealthScoreSerializer.Meta):
        fields = [*HealthScoreSerializer.Meta.fields, "parts"]


class HistoryQuerySerializer(serializers.Serializer):
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since > until:
            raise serializers.ValidationError({"until": [_("Must be on or after since.")]})
        return attrs


class DayQuerySerializer(serializers.Serializer):
    day = serializers.DateField(required=False, help_text="Default: the latest scored day.")


class BandRateSerializer(serializers.Serializer):
    accounts = serializers.IntegerField()
    churned = serializers.IntegerField()
    churn_rate = serializers.FloatField(allow_null=True)


class BacktestMonthSerializer(serializers.Serializer):
    month_start = serializers.DateField()
    window_end = serializers.DateField()
    complete = serializers.BooleanField(help_text="Whether the 90-day window has ended.")
    accounts = serializers.IntegerField(help_text="Active accounts with a score that day.")
    unscored = serializers.IntegerField(help_text="Active accounts with no data (no score).")
    churned = serializers.IntegerField(allow_null=True)
    auc = serializers.FloatField(allow_null=True)


class BacktestSerializer(serializers.ModelSerializer):
    """A scorecard's latest backtest against churn."""

    scorecard_version_number = serializers.IntegerField(
        source="scorecard_version.number", read_only=True
    )
    bands = serializers.DictField(child=BandRateSerializer(), read_only=True)
    months = BacktestMonthSerializer(many=True, read_only=True)

    class Meta:
        model = Backtest
        fields = [
            "scorecard", "scorecard_version_number", "computed_at", "last_known_day", "auc",
            "accounts", "churned", "bands", "months",
        ]  # fmt: skip


class SuggestedWeightsSerializer(serializers.Serializer):
    """Current and suggested weights of a scorecard's measures, with their held-out AUCs."""

    scorecard = serializers.IntegerField()
    scorecard_version_number = serializers.IntegerField(
        help_text="The version the suggestion was fitted for."
    )
    applicable = serializers.BooleanField(
        help_text="A suggestion exists and the scorecard has not changed since."
    )
    computed_at = serializers.DateTimeField()
    current_weights = serializers.DictField(child=serializers.FloatField())
    suggested_weights = serializers.DictField(child=serializers.FloatField(), allow_null=True)
    held_out_auc_current = serializers.FloatField(allow_null=True)
    held_out_auc_suggested = serializers.FloatField(allow_null=True)
    train_months = serializers.ListField(child=serializers.DateField())
    test_months = serializers.ListField(child=serializers.DateField())
    train_samples = serializers.IntegerField()
    test_samples = serializers.IntegerField()
    reason = serializers.CharField(
        allow_blank=True,
        help_text="Why there is no suggestion: not_enough_history, one_class or no_signal.",
    )

    @staticmethod
    def of(result: Backtest, scorecard: Scorecard) -> dict:
        suggestion = result.suggestion or {}
        number = result.scorecard_version.number
        return {
            **suggestion,
            "scorecard": scorecard.pk,
            "scorecard_version_number": number,
            "applicable": bool(suggestion.get("suggested_weights")) and number == scorecard.version,
            "computed_at": result.computed_at,
        }


class RollupMemberSerializer(serializers.Serializer):
    account_external_id = serializers.CharField()
    name = serializers.CharField()
    own = serializers.BooleanField(help_text="The parent account itself, not a child.")
    score = serializers.IntegerField(allow_null=True)
    band = serializers.CharField(allow_null=True)
    arr = serializers.DecimalField(max_digits=16, decimal_places=2, help_text="12 x MRR that day.")
    weight_share = serializers.FloatField(
        help_text="Share of the roll-up's weight (0-1); 0 for an account with no score."
    )


class RollupSerializer(serializers.Serializer):
    """A parent account's score: the ARR-weighted mean of its children's and its own."""

    account_external_id = serializers.CharField()
    day = serializers.DateField(allow_null=True)
    score = serializers.IntegerField(allow_null=True)
    exact = serializers.FloatField(allow_null=True, help_text="The mean before rounding.")
    band = serializers.CharField(allow_null=True)
    weighting = serializers.ChoiceField(
        choices=["arr", "plain"],
        help_text="arr: weighted by ARR; plain: no scored account has ARR, so a plain mean.",
    )
    members = RollupMemberSerializer(many=True)
