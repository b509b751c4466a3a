"""Models of customer health: scorecards with their measures and versions, daily scores,
backtests of the scores against churn, the tasks that call a CSM to act, the alert rules
that open them, and playbooks."""

from health.models.backtest import Backtest
from health.models.playbook import (
    Playbook,
    PlaybookRun,
    PlaybookRunStep,
    PlaybookStep,
    PlaybookTrigger,
    RunStatus,
    RunStepStatus,
    StepKind,
)
from health.models.rule import ALERT_KINDS, PARAMETERS, AlertFiring, AlertRule
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
from health.models.usage_windows import CarriedUsageWindows

__all__ = [
    "ALERT_KINDS",
    "PARAMETERS",
    "AlertFiring",
    "AlertRule",
    "Backtest",
    "Band",
    "CarriedUsageWindows",
    "HealthScore",
    "HealthSettings",
    "MappingKind",
    "Measure",
    "MissingPolicy",
    "Playbook",
    "PlaybookRun",
    "PlaybookRunStep",
    "PlaybookStep",
    "PlaybookTrigger",
    "RunStatus",
    "RunStepStatus",
    "Scorecard",
    "ScorecardVersion",
    "Source",
    "StepKind",
    "Task",
    "TaskKind",
    "TaskPriority",
    "TaskStatus",
]
