"""Routes of the health app's pages, included at the top level (csplatform/urls.py)."""

from django.urls import path

from health.views.rules import AlertRulesView

urlpatterns: list = [
    path("settings/alert-rules/", AlertRulesView.as_view(), name="alert-rules"),
]
