"""Addresses of the knowledge base served here: article images."""

from django.urls import path

from knowledgebase.views.images import HelpImageView

urlpatterns = [
    path(
        "help/<slug:tenant_slug>/media/<int:pk>/<str:name>",
        HelpImageView.as_view(),
        name="help-image",
    ),
]
