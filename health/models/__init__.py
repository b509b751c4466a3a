"""Models of customer health: scorecards with their measures and versions, and daily scores."""

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
    "Band",
    "HealthScore",
    "MappingKind",
    "Measure",
    "MissingPolicy",
    "Scorecard",
    "ScorecardVersion",
    "Source",
]
