"""The project's URLs plus views that fail on purpose, to see how failures are answered."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path
from rest_framework.decorators import api_view, authentication_classes, permission_classes

from csplatform.urls import *  # noqa: F403  (the handlers too)
from csplatform.urls import urlpatterns as project_urlpatterns


def crash(request):
    raise RuntimeError("a bug")


def suspicious(request):
    raise SuspiciousOperation("a crafted request")


@api_view(["GET"])
@authentication_classes([])
@permission_classes([])
def api_crash(request):
    raise RuntimeError("a bug in an API view")


urlpatterns = [
    path("api/v1/test-crash/", api_crash),
    path("api/v1/test-plain-crash/", crash),
    path("api/v1/test-suspicious/", suspicious),
    path("test-crash/", crash),
    *project_urlpatterns,
]
