"""Routes of the health app's pages, included at the top level (csplatform/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
