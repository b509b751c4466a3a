"""Models of the metrics app: product usage, churn, spend, rollups and computed KPIs."""

from metrics.models.churn import ChurnReason, ChurnRecord
from metrics.models.figures import Dimension, MetricFigure
from metrics.models.rollups import AccountDay, AccountEventFirst
from metrics.models.runs import DirtyDay, MetricsState, RecomputeJob
from metrics.models.spend import AcquisitionSpend
from metrics.models.usage import EventReceipt, Feature, UsageEvent

__all__ = [
    "AccountDay",
    "AccountEventFirst",
    "AcquisitionSpend",
    "ChurnReason",
    "ChurnRecord",
    "Dimension",
    "DirtyDay",
    "EventReceipt",
    "Feature",
    "MetricFigure",
    "MetricsState",
    "RecomputeJob",
    "UsageEvent",
]
