"""Browser pages of the metrics app: the KPI dashboard, definitions, recomputes, and an
account's usage panel."""

from metrics.views.account_usage import AccountUsageView
from metrics.views.dashboard import MetricsDashboardView
from metrics.views.definitions import MetricDefinitionsView
from metrics.views.recompute import RecomputeJobView, RecomputeView

__all__ = [
    "AccountUsageView",
    "MetricDefinitionsView",
    "MetricsDashboardView",
    "RecomputeJobView",
    "RecomputeView",
]
