"""Models of customer health: scorecards with their measures and versions, daily scores,
and backtests of the scores against churn."""

from health.models.backtest import Backtest
from health.models.score import Band, HealthScore
from health.models.scorecard import (
    MappingKind,
    Measure,
    MissingPolicy,
    Scorecard,
    ScorecardVersion,
    Source,
)

__all__ = [
    "Backtest",
    "Band",
    "HealthScore",
    "MappingKind",
    "Measure",
    "MissingPolicy",
    "Scorecard",
    "ScorecardVersion",
    "Source",
]
