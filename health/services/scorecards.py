"""Creating, changing and deleting scorecards. Every create or change records a new
version (a snapshot of the scorecard and its measures), which new scores point at."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from health.models import MappingKind, Measure, MissingPolicy, Scorecard, ScorecardVersion
from health.services.validation import MEASURE_FIELDS, SCORECARD_FIELDS, validate_scorecard
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope


def _measure_values(measure: dict) -> dict:
    values = {name: measure.get(name) for name in MEASURE_FIELDS if name in measure}
    values.setdefault("mapping", MappingKind.LINEAR)
    values.setdefault("missing", MissingPolicy.OMIT)
    if values["mapping"] == MappingKind.LINEAR:
        values["thresholds"] = []
    else:
        values["low"] = values["high"] = None
        values["thresholds"] = [[_number(a), _number(b)] for a, b in values["thresholds"]]
    return values


def _number(value) -> int | float:
    """A threshold as JSON: an integer when it is one, else a float."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def scorecard_snapshot(scorecard: Scorecard, measures: list[Measure]) -> dict:
    """The scorecard and its measures as JSON, as a version keeps them."""

    def text(value):
        return None if value is None else str(value)

    return {
        "name": scorecard.name,
        "priority": scorecard.priority,
        "is_default": scorecard.is_default,
        "segment": scorecard.segment,
        "lifecycle_stage": scorecard.lifecycle_stage,
        "good_min": scorecard.good_min,
        "average_min": scorecard.average_min,
        "measures": [
            {
                "source": m.source,
                "mapping": m.mapping,
                "low": text(m.low),
                "high": text(m.high),
                "thresholds": m.thresholds,
                "weight": text(m.weight),
                "missing": m.missing,
            }
            for m in measures
        ],
    }


def _version_record(scorecard, measures, *, created_by, note) -> ScorecardVersion:
    return ScorecardVersion.objects.create(
        tenant=scorecard.tenant,
        scorecard=scorecard,
        number=scorecard.version,
        snapshot=scorecard_snapshot(scorecard, measures),
        created_by=created_by,
        note=note,
    )


def _measures_replace(scorecard: Scorecard, measures: list[dict]) -> list[Measure]:
    Measure.objects.for_tenant(scorecard.tenant).filter(scorecard=scorecard).delete()
    rows = [
        Measure(tenant=scorecard.tenant, scorecard=scorecard, position=i, **_measure_values(m))
        for i, m in enumerate(measures)
    ]
    return Measure.objects.for_tenant(scorecard.tenant).bulk_create(rows)


@transaction.atomic
def scorecard_create(
    *,
    tenant: Tenant,
    measures: list[dict],
    created_by: Membership | None = None,
    note: str = "",
    **fields,
) -> Scorecard:
    """A new scorecard with its measures, recorded as version 1."""
    with tenant_scope(tenant):
        values = {
            "is_default": False,
            "segment": "",
            "lifecycle_stage": "",
            "good_min": Scorecard._meta.get_field("good_min").default,
            "average_min": Scorecard._meta.get_field("average_min").default,
            **{k: v for k, v in fields.items() if k in SCORECARD_FIELDS},
        }
        validate_scorecard(tenant=tenant, fields=values, measures=measures, instance=None)
        scorecard = Scorecard.objects.create(tenant=tenant, version=1, **values)
        rows = _measures_replace(scorecard, measures)
        _version_record(scorecard, rows, created_by=created_by, note=note)
    return scorecard


@transaction.atomic
def scorecard_update(
    *,
    tenant: Tenant,
    scorecard: Scorecard,
    measures: list[dict] | None = None,
    created_by: Membership | None = None,
    note: str = "",
    **fields,
) -> Scorecard:
    """Change a scorecard's fields and, when given, replace its measures; a change records
    the next version (nothing changed: no new version)."""
    with tenant_scope(tenant):
        scorecard = Scorecard.objects.for_tenant(tenant).select_for_update().get(pk=scorecard.pk)
        current = list(scorecard.measures.all())
        before = scorecard_snapshot(scorecard, current)
        values = {name: getattr(scorecard, name) for name in SCORECARD_FIELDS}
        values.update({k: v for k, v in fields.items() if k in SCORECARD_FIELDS})
        if measures is None:
            measures = before["measures"]
        validate_scorecard(tenant=tenant, fields=values, measures=measures, instance=scorecard)
        for name, value in values.items():
            setattr(scorecard, name, value)
        proposed = [Measure(**_measure_values(m)) for m in measures]
        if scorecard_snapshot(scorecard, proposed) == before:
            return scorecard
        scorecard.version += 1
        scorecard.save()
        rows = _measures_replace(scorecard, measures)
        _version_record(scorecard, rows, created_by=created_by, note=note)
    return scorecard


@transaction.atomic
def scorecard_delete(*, tenant: Tenant, scorecard: Scorecard) -> None:
    """Delete a scorecard that is not the default; its versions (and the scores that name
    them) stay."""
    if scorecard.is_default:
        message = _("The default scorecard cannot be deleted: it scores every other account.")
        raise ValidationError({"is_default": message})
    with tenant_scope(tenant):
        Scorecard.objects.for_tenant(tenant).filter(pk=scorecard.pk).delete()
