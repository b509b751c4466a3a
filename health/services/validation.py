"""The checks every scorecard write passes, each error naming its field (`measures.1.weight`
for the second measure's weight, as the API's error format flattens nested fields)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Account
from accounts.models.account import LifecycleStage
from health.models import MappingKind, MissingPolicy, Scorecard, Source
from tenants.models import Tenant

SCORECARD_FIELDS = {"name", "priority", "is_default", "segment", "lifecycle_stage"}
SCORECARD_FIELDS |= {"good_min", "average_min"}
MEASURE_FIELDS = {"source", "mapping", "low", "high", "thresholds", "weight", "missing"}


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def validate_scorecard(
    *, tenant: Tenant, fields: dict, measures: list[dict], instance: Scorecard | None
) -> None:
    errors: dict[str, list[str]] = {}

    def error(field, message):
        errors.setdefault(field, []).append(message)

    if not str(fields.get("name") or "").strip():
        error("name", _("Give the scorecard a name."))
    _bands(fields, error)
    _matching(tenant, fields, instance, error)
    _measures(measures, error)
    if errors:
        raise ValidationError(errors)


def _bands(fields: dict, error) -> None:
    good, average = fields.get("good_min"), fields.get("average_min")
    for name, value in (("good_min", good), ("average_min", average)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 100:
            error(name, _("Must be a whole number from 1 to 100."))
            return
    if good <= average:
        error("good_min", _("Must be above 'average from' (%(average)s).") % {"average": average})


def _matching(tenant: Tenant, fields: dict, instance: Scorecard | None, error) -> None:
    others = Scorecard.objects.for_tenant(tenant)
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    priority = fields.get("priority")
    if not isinstance(priority, int) or isinstance(priority, bool) or priority < 0:
        error("priority", _("Must be a whole number, 0 or more."))
    elif others.filter(priority=priority).exists():
        error("priority", _("Another scorecard has this priority."))
    segment, stage = fields.get("segment") or "", fields.get("lifecycle_stage") or ""
    if fields.get("is_default"):
        if others.filter(is_default=True).exists():
            error("is_default", _("The tenant already has a default scorecard."))
        if segment or stage:
            error(
                "is_default", _("The default scorecard is for every account: no segment or stage.")
            )
    elif instance is not None and instance.is_default:
        error("is_default", _("The default scorecard stays the default; change its measures."))
    elif not segment and not stage:
        error("segment", _("Choose a segment or a lifecycle stage: which accounts is it for?"))
    unchanged = instance is not None and instance.segment == segment
    if segment and not unchanged and not _segment_exists(tenant, segment):
        error("segment", _("No account has the segment %(segment)r.") % {"segment": segment})
    if stage and stage not in LifecycleStage.values:
        error("lifecycle_stage", _("Not a lifecycle stage."))


def _segment_exists(tenant: Tenant, segment: str) -> bool:
    return Account.objects.for_tenant(tenant).filter(segment=segment).exists()


def _measures(measures: list[dict], error) -> None:
    if not measures:
        error("measures", _("A scorecard needs at least one measure."))
        return
    seen = set()
    for index, measure in enumerate(measures):
        prefix = f"measures.{index}"
        source = measure.get("source")
        if source not in Source.values:
            error(f"{prefix}.source", _("Not a measure source."))
        elif source in seen:
            error(f"{prefix}.source", _("This source is in the scorecard already."))
        seen.add(source)
        weight = _decimal(measure.get("weight"))
        if weight is None or weight <= 0:  # so no scorecard has all weights zero either
            error(f"{prefix}.weight", _("Must be a number above 0."))
        if measure.get("missing", MissingPolicy.OMIT) not in MissingPolicy.values:
            error(f"{prefix}.missing", _("Not a missing-data policy."))
        _mapping(prefix, measure, error)


def _mapping(prefix: str, measure: dict, error) -> None:
    kind = measure.get("mapping", MappingKind.LINEAR)
    if kind == MappingKind.LINEAR:
        low, high = _decimal(measure.get("low")), _decimal(measure.get("high"))
        if low is None:
            error(f"{prefix}.low", _("A linear mapping needs the raw value that scores 0."))
        if high is None:
            error(f"{prefix}.high", _("A linear mapping needs the raw value that scores 100."))
        if low is not None and high is not None and low == high:
            error(f"{prefix}.high", _("Must differ from low: a range cannot be empty."))
    elif kind == MappingKind.THRESHOLDS:
        _thresholds(f"{prefix}.thresholds", measure.get("thresholds"), error)
    else:
        error(f"{prefix}.mapping", _("Not a mapping kind."))


def _thresholds(field: str, steps, error) -> None:
    if not isinstance(steps, list) or not steps:
        error(field, _("Give at least one step [minimum raw value, score]."))
        return
    previous = None
    for step in steps:
        if not isinstance(step, list | tuple) or len(step) != 2:
            error(field, _("Each step is [minimum raw value, score]."))
            return
        minimum, score = _decimal(step[0]), _decimal(step[1])
        if minimum is None or score is None or not 0 <= score <= 100:
            error(field, _("Each step is [minimum raw value, score from 0 to 100]."))
            return
        if previous is not None and minimum <= previous:
            error(field, _("The minimums must go up, step by step."))
            return
        previous = minimum
