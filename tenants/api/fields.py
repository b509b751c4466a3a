"""Serializer building blocks shared by every API resource.

- StrictSerializer rejects fields it does not know (a typo must not silently drop data) and
  names `tenant`, which always comes from the API key.
- ExternalIdField addresses a related row by its tenant-unique external id; its queryset is
  the model's scoped manager, evaluated per request inside the caller's tenant.
- OptionalEmailField shows a missing address as null, as its email format requires.
- not_too_far_in_future guards timestamps against clock errors.
- within_json_depth keeps free-form JSON (traits) shallow enough for every reader.
"""

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

FUTURE_TOLERANCE = timedelta(days=1)


class StrictSerializer(serializers.ModelSerializer):
    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for key in data:
                if key == "tenant":
                    errors[key] = ["The tenant comes from the API key; it cannot be set."]
                elif key not in self.fields:
                    errors[key] = ["Unknown field."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class ExternalIdField(serializers.SlugRelatedField):
    """A related row by external id, looked up in the request's tenant only."""

    def __init__(self, model, slug_field="external_id", **kwargs):
        self.model = model
        # The API speaks English: the model's name as written, whatever language is active
        # when the serializer is built.
        with translation.override(None):
            name = str(model._meta.verbose_name)
        kwargs.setdefault(
            "error_messages",
            {
                "does_not_exist": "No {model} with {slug_name} {value!r} in this tenant.".replace(
                    "{model}", name
                ),
                "invalid": "Must be a string.",
            },
        )
        super().__init__(slug_field=slug_field, **kwargs)

    def get_queryset(self):
        return self.model.objects.all()

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class OptionalEmailField(serializers.EmailField):
    """An address that may be missing: stored as "" (the model's blank), shown and accepted
    as null, since "" is not an email address as the schema's format promises."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(allow_null=True, allow_blank=True, **kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return True, ""
        return super().validate_empty_values(data)

    def to_representation(self, value):
        return super().to_representation(value) if value else None


def not_too_far_in_future(value):
    if value > timezone.now() + FUTURE_TOLERANCE:
        raise serializers.ValidationError(
            "Is more than a day in the future; check the sender's clock and time zone."
        )
    return value


MAX_JSON_DEPTH = 20


def within_json_depth(value, limit: int = MAX_JSON_DEPTH):
    """Refuses JSON nested deeper than `limit`; iterative, so any depth can be checked."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                raise serializers.ValidationError(
                    _("Is nested more than %(limit)d levels deep.") % {"limit": limit}
                )
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return value
