"""The sales-to-CS handover: saving an account's handover (one per account, checked field by
field) and its gaps, what the CSM still has to find out or act on."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account
from onboarding.models import Handover, Plan, PlanStatus
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope

TEXT_FIELDS = ("goals", "promised_features", "risks")
TEXT_LONGEST = 5000
STAKEHOLDER_FIELDS = ("name", "role", "email")
STAKEHOLDERS_MOST = 30


def _stakeholder_errors(stakeholders) -> list[str]:
    if not isinstance(stakeholders, list):
        return [_("A list of people, each {name, role, email}.")]
    if len(stakeholders) > STAKEHOLDERS_MOST:
        return [_("At most %(count)d people.") % {"count": STAKEHOLDERS_MOST}]
    problems = []
    for number, person in enumerate(stakeholders, start=1):
        label = _("Person %(number)s") % {"number": number}
        if not isinstance(person, dict) or set(person) - set(STAKEHOLDER_FIELDS):
            problems.append(_("%(label)s: an object of name, role and email.") % {"label": label})
            continue
        values = {name: person.get(name, "") for name in STAKEHOLDER_FIELDS}
        if any(not isinstance(value, str) or len(value) > 200 for value in values.values()):
            problems.append(_("%(label)s: each field is text of 200 characters or fewer.")
                            % {"label": label})  # fmt: skip
            continue
        if not values["name"].strip():
            problems.append(_("%(label)s: the name is required.") % {"label": label})
        if values["email"].strip():
            try:
                validate_email(values["email"].strip())
            except ValidationError:
                problems.append(_("%(label)s: “%(email)s” is no email address.")
                                % {"label": label, "email": values["email"]})  # fmt: skip
    return problems


def handover_validate(fields: dict) -> None:
    errors = {}
    for name in TEXT_FIELDS:
        value = fields.get(name, "")
        if not isinstance(value, str) or len(value) > TEXT_LONGEST:
            errors[name] = [_("Text of %(count)s characters or fewer.") % {"count": "5,000"}]
    if "stakeholders" in fields and (problems := _stakeholder_errors(fields["stakeholders"])):
        errors["stakeholders"] = problems
    go_live = fields.get("go_live_on")
    if go_live is not None and not isinstance(go_live, date):
        errors["go_live_on"] = [_("A date.")]
    if errors:
        raise ValidationError(errors)


def _clean_people(people: list[dict]) -> list[dict]:
    return [{name: (person.get(name) or "").strip() for name in STAKEHOLDER_FIELDS}
            for person in people]  # fmt: skip


@transaction.atomic
def handover_save(
    *, tenant: Tenant, account: Account, member: Membership | None = None, **fields
) -> tuple[Handover, bool]:
    """Create or change the account's handover with `fields` (goals, stakeholders,
    promised_features, go_live_on, risks; those not given stay). True when created."""
    unknown = set(fields) - {*TEXT_FIELDS, "stakeholders", "go_live_on"}
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    handover_validate(fields)
    if "stakeholders" in fields:
        fields["stakeholders"] = _clean_people(fields["stakeholders"])
    with tenant_scope(tenant):
        handover = Handover.objects.select_for_update().filter(account=account).first()
        created = handover is None
        if created:
            handover = Handover(
                tenant=tenant, account=account, completed_by=member, completed_at=timezone.now()
            )
        for name, value in fields.items():
            setattr(handover, name, value.strip() if isinstance(value, str) else value)
        handover.updated_by = member
        try:
            with transaction.atomic():
                handover.save()
        except IntegrityError:  # made meanwhile by someone else: change that one
            return handover_save(tenant=tenant, account=account, member=member, **fields)
    return handover, created


@dataclass(frozen=True)
class Gap:
    field: str  # the form field to fill in ("" for the whole handover)
    message: str


def handover_gaps(
    handover: Handover | None, plan: Plan | None, percent: int | None, today: date
) -> list[Gap]:
    """What the handover leaves open, and a go-live date the plan will miss or has missed."""
    if handover is None:
        return [Gap("", _("No handover from sales yet."))]
    gaps = []
    if not handover.goals.strip():
        gaps.append(Gap("goals", _("No goals: what does the customer want to reach?")))
    people = handover.stakeholders or []
    if not people:
        gaps.append(Gap("stakeholders", _("No stakeholders named.")))
    elif not any((person.get("email") or "").strip() for person in people):
        gaps.append(Gap("stakeholders", _("No stakeholder has an email address.")))
    if not handover.promised_features.strip():
        message = _("Promised features not recorded (write “none” if nothing was).")
        gaps.append(Gap("promised_features", message))
    if handover.go_live_on is None:
        gaps.append(Gap("go_live_on", _("No go-live date.")))
    elif handover.go_live_on < today and plan is not None and plan.status != PlanStatus.COMPLETED:
        message = _("The go-live date (%(day)s) has passed with the plan at %(percent)s%%.") % {
            "day": handover.go_live_on.isoformat(),
            "percent": percent or 0,
        }
        gaps.append(Gap("go_live_on", message))
    elif handover.go_live_on < today and plan is None:
        gaps.append(Gap("go_live_on", _("The go-live date has passed and no plan was started.")))
    if not handover.risks.strip():
        gaps.append(Gap("risks", _("No risks recorded (write “none known” if there are none).")))
    return gaps
