"""Browser pages of the metrics app: the KPI dashboard, definitions and recomputes."""

from metrics.views.dashboard import MetricsDashboardView
from metrics.views.definitions import MetricDefinitionsView
from metrics.views.recompute import RecomputeJobView, RecomputeView

__all__ = ["MetricDefinitionsView", "MetricsDashboardView", "RecomputeJobView", "RecomputeView"]
