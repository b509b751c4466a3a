"""Addresses of the survey pages (the tenant's side; the contacts' answer pages are in
csplatform.urls, under /s/)."""

from django.urls import path

from accounts.views.surveys import (
    SurveyDetailView,
    SurveyFormView,
    SurveyListView,
    SurveySendNowView,
    SurveySendView,
)

urlpatterns = [
    path("surveys/", SurveyListView.as_view(), name="surveys"),
    path("surveys/new/", SurveyFormView.as_view(), name="survey-new"),
    path("surveys/<int:pk>/", SurveyDetailView.as_view(), name="survey"),
    path("surveys/<int:pk>/edit/", SurveyFormView.as_view(), name="survey-edit"),
    path("surveys/<int:pk>/send/", SurveySendNowView.as_view(), name="survey-send-now"),
    path("surveys/<int:pk>/sends/<int:send_pk>/", SurveySendView.as_view(), name="survey-send"),
]
