"""Upsert for API resources addressed by an external id: a sync can resend everything.

`PUT /resource/{external_id}/` creates the row (201) or replaces it (200);
`POST /resource/` with an `external_id` that exists updates it (200) instead of failing.
`PATCH` changes an existing row only, and never its key (that would touch another row).
The viewset's serializer does validation; `perform_upsert` calls the resource's service and
returns whether the service created the row: of parallel requests creating one new key, only
the one whose insert won answers 201, since all of them may have found no row beforehand.
"""

from django.db import IntegrityError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

MAX_KEY_LENGTH = 255


class UpsertMixin:
    upsert_key = "external_id"

    def upsert_lookup_value(self, key):
        """The database value for `key` as sent, or None when it cannot name a row."""
        if not isinstance(key, str) or not key or "\x00" in key or len(key) > MAX_KEY_LENGTH:
            return None  # validation reports what is wrong with it
        return key

    def _existing(self, key):
        value = self.upsert_lookup_value(key)
        if value is None:
            return None
        return self.scoped_queryset().filter(**{self.upsert_key: value}).first()

    def _save(self, serializer, instance):
        try:
            created = self.perform_upsert(serializer, instance)
        except IntegrityError as error:  # a concurrent insert of the same key
            raise ValidationError(
                {self.upsert_key: ["Was created concurrently; retry."]}
            ) from error
        if created is None:
            created = instance is None
        status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(serializer.data, status=status_code)

    # A service `(tenant=..., <upsert_key>=..., **values) -> (row, created)`; without one the
    # serializer saves.
    upsert_service = None

    def perform_upsert(self, serializer, instance) -> bool | None:
        """Saves; True when the service inserted the row (None: it cannot tell)."""
        if self.upsert_service is None:
            serializer.save()
            return getattr(serializer, "created", None)
        values = dict(serializer.validated_data)
        key = values.pop(self.upsert_key, None) or getattr(instance, self.upsert_key)
        serializer.instance, created = type(self).upsert_service(
            tenant=self.request.tenant, **{self.upsert_key: key}, **values
        )
        return created

    @staticmethod
    def _body(request) -> dict:
        if not isinstance(request.data, dict):
            raise ValidationError({"non_field_errors": ["Expected a JSON object."]})
        return request.data

    def create(self, request, *args, **kwargs):
        data = self._body(request)
        instance = self._existing(data.get(self.upsert_key))
        serializer = self.get_serializer(instance, data=data)
        serializer.is_valid(raise_exception=True)
        return self._save(serializer, instance)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        data = self._body(request).copy()
        key = kwargs[self.lookup_url_kwarg or self.lookup_field]
        body_key = data.get(self.upsert_key)
        if body_key not in (None, "", key):
            raise ValidationError({self.upsert_key: [f"Does not match the URL ({key!r})."]})
        instance = self._existing(key)
        if partial:
            if instance is None:
                instance = self.get_object()  # answers 404: a PATCH cannot create
            data.pop(self.upsert_key, None)
        else:
            data[self.upsert_key] = key
        serializer = self.get_serializer(instance, data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self._save(serializer, instance)
