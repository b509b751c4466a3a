"""Routes of the health app's pages, included at the top level (csplatform/urls.py)."""

from django.urls import path

from health.views.account_health import AccountHealthView
from health.views.scorecards import (
    ScorecardDeleteView,
    ScorecardDetailView,
    ScorecardFormView,
    ScorecardListView,
    SuggestionApplyView,
)

urlpatterns: list = [
    path("scorecards/", ScorecardListView.as_view(), name="scorecards"),
    path("scorecards/new/", ScorecardFormView.as_view(), name="scorecard-create"),
    path("scorecards/<int:pk>/", ScorecardDetailView.as_view(), name="scorecard"),
    path("scorecards/<int:pk>/edit/", ScorecardFormView.as_view(), name="scorecard-edit"),
    path("scorecards/<int:pk>/delete/", ScorecardDeleteView.as_view(), name="scorecard-delete"),
    path(
        "scorecards/<int:pk>/apply-suggestion/",
        SuggestionApplyView.as_view(),
        name="scorecard-apply-suggestion",
    ),
    path("accounts/<int:pk>/health/", AccountHealthView.as_view(), name="account-health"),
]
