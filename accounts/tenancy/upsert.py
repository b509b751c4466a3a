"""Upsert for API resources addressed by an external id: a sync can resend everything.

`PUT /resource/{external_id}/` creates the row (201) or replaces it (200);
`POST /resource/` with an `external_id` that exists updates it (200) instead of failing.
The viewset's serializer does validation; `perform_upsert` calls the resource's service.
"""

from django.db import IntegrityError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response


class UpsertMixin:
    upsert_key = "external_id"

    def _existing(self, key):
        if key in (None, ""):
            return None
        return self.get_queryset().filter(**{self.upsert_key: key}).first()

    def _save(self, serializer, instance):
        try:
            self.perform_upsert(serializer, instance)
        except IntegrityError as error:  # a concurrent insert of the same key
            raise ValidationError(
                {self.upsert_key: ["Was created concurrently; retry."]}
            ) from error
        status_code = status.HTTP_201_CREATED if instance is None else status.HTTP_200_OK
        return Response(serializer.data, status=status_code)

    def perform_upsert(self, serializer, instance):
        serializer.save()

    def create(self, request, *args, **kwargs):
        instance = self._existing(
            request.data.get(self.upsert_key) if hasattr(request.data, "get") else None
        )
        serializer = self.get_serializer(instance, data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._save(serializer, instance)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        key = kwargs[self.lookup_url_kwarg or self.lookup_field]
        instance = self._existing(key)
        if instance is None and partial:
            instance = self.get_object()  # raises 404: a PATCH cannot create
        data = request.data
        if hasattr(data, "copy") and not partial:
            data = data.copy()
            body_key = data.get(self.upsert_key)
            if body_key not in (None, "", key):
                raise ValidationError({self.upsert_key: [f"Does not match the URL ({key!r})."]})
            data[self.upsert_key] = key
        serializer = self.get_serializer(instance, data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self._save(serializer, instance)
