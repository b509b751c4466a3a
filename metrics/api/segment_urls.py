"""URLs of the Segment-compatible tracking API, mounted at the site root under /v1/."""

from django.urls import path

from metrics.api.segment import SegmentViewSet

CALLS = ("batch", "identify", "group", "track", "page", "screen")

urlpatterns = [
    path(call, SegmentViewSet.as_view({"post": call}), name=f"segment-{call}") for call in CALLS
]
