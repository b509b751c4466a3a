"""Models of customer health: scorecards with their measures and versions, daily scores,
backtests of the scores against churn, and
the tasks that call a CSM to act."""

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
from health.models.task import HealthSettings, Task, TaskKind, TaskPriority, TaskStatus

__all__ = [
    "Backtest",
    "Band",
    "HealthScore",
    "HealthSettings",
    "MappingKind",
    "Measure",
    "MissingPolicy",
    "Scorecard",
    "ScorecardVersion",
    "Source",
    "Task",
    "TaskKind",
    "TaskPriority",
    "TaskStatus",
]
