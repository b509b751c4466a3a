"""Routes of the health app's pages, included at the top level (csplatform/urls.py)."""

from django.urls import path

from health.views.playbooks import (
    AccountPlaybooksView,
    PlaybookDetailView,
    PlaybookListView,
    PlaybookRunStopView,
)

urlpatterns: list = [
    path("playbooks/", PlaybookListView.as_view(), name="playbooks"),
    path("playbooks/<int:pk>/", PlaybookDetailView.as_view(), name="playbook"),
    path("accounts/<int:pk>/playbooks/", AccountPlaybooksView.as_view(), name="account-playbooks"),
    path(
        "accounts/<int:pk>/playbooks/<int:run_pk>/stop/",
        PlaybookRunStopView.as_view(),
        name="playbook-run-stop",
    ),
]
