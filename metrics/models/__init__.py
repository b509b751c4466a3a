"""Models of the metrics app: product usage, churn records, acquisition spend."""

from metrics.models.churn import ChurnReason, ChurnRecord
from metrics.models.spend import AcquisitionSpend
from metrics.models.usage import EventReceipt, Feature, UsageEvent

__all__ = [
    "AcquisitionSpend",
    "ChurnReason",
    "ChurnRecord",
    "EventReceipt",
    "Feature",
    "UsageEvent",
]
