"""Routes of the health app's pages, included at the top level (csplatform/urls.py)."""

from django.urls import path

from health.views.account_health import AccountHealthView
from health.views.playbooks import (
    AccountPlaybooksView,
    PlaybookDetailView,
    PlaybookListView,
    PlaybookRunStopView,
)
from health.views.portal_questions import PortalAskView, QuestionAnswerView
from health.views.rules import AlertRulesView
from health.views.scorecards import (
    ScorecardDeleteView,
    ScorecardDetailView,
    ScorecardFormView,
    ScorecardListView,
    SuggestionApplyView,
)
from health.views.tasks import (
    AccountTasksView,
    InboxView,
    TaskCompleteView,
    TaskReassignView,
    TasksBadgeView,
    TaskSnoozeView,
    TaskUnsnoozeView,
)

urlpatterns: list = [
    path("tasks/", InboxView.as_view(), name="tasks"),
    path("tasks/due-count/", TasksBadgeView.as_view(), name="tasks-badge"),
    path("tasks/<int:pk>/complete/", TaskCompleteView.as_view(), name="task-complete"),
    path("tasks/<int:pk>/snooze/", TaskSnoozeView.as_view(), name="task-snooze"),
    path("tasks/<int:pk>/unsnooze/", TaskUnsnoozeView.as_view(), name="task-unsnooze"),
    path("tasks/<int:pk>/reassign/", TaskReassignView.as_view(), name="task-reassign"),
    path("tasks/<int:pk>/answer/", QuestionAnswerView.as_view(), name="task-answer"),
    path("p/<str:token>/ask/", PortalAskView.as_view(), name="portal-ask"),
    path("accounts/<int:pk>/tasks/", AccountTasksView.as_view(), name="account-tasks"),
    path("settings/alert-rules/", AlertRulesView.as_view(), name="alert-rules"),
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
    path("playbooks/", PlaybookListView.as_view(), name="playbooks"),
    path("playbooks/<int:pk>/", PlaybookDetailView.as_view(), name="playbook"),
    path("accounts/<int:pk>/playbooks/", AccountPlaybooksView.as_view(), name="account-playbooks"),
    path(
        "accounts/<int:pk>/playbooks/<int:run_pk>/stop/",
        PlaybookRunStopView.as_view(),
        name="playbook-run-stop",
    ),
]
