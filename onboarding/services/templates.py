"""Onboarding templates: creating and editing them (with errors that name the step), and
carrying an edit over to the running plans without resetting them: a new step appears open,
a completed one stays completed, a removed one stays in the plan's history as removed."""

import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models.account import CONTACT_LANGUAGES
from metrics import changes as metrics_changes
from onboarding.models import (
    CompletedBy,
    Milestone,
    OnboardingTemplate,
    Plan,
    PlanStatus,
    PlanStep,
    StepStatus,
    TemplateStep,
    TemplateVersion,
)
from onboarding.webhook_events import milestones_announce
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
LANGUAGES = tuple(code for code, _name in CONTACT_LANGUAGES)  # the contacts' languages
STEP_FIELDS = (
    "key", "title", "help", "article_key", "required", "due_days", "completed_by",
    "event_name", "event_count", "trait_name", "trait_value",
)  # fmt: skip
# The template's own settings each version keeps beside its steps and milestones.
VERSIONED_SETTINGS = ("plan", "segment", "priority", "is_default")
# What a plan step copies from its template step.
COPIED = tuple(name for name in STEP_FIELDS if name not in ("key", "due_days"))


def _texts(value, name: str, required: bool) -> list[str]:
    if not isinstance(value, dict) or set(value) - set(LANGUAGES):
        return [_("%(name)s is an object of languages (%(known)s).")
                % {"name": name, "known": ", ".join(LANGUAGES)}]  # fmt: skip
    if any(not isinstance(text, str) or len(text) > 2000 for text in value.values()):
        return [_("%(name)s is text of 2,000 characters or fewer.") % {"name": name}]
    if required and not str(value.get("en") or "").strip():
        return [_("%(name)s in English is required.") % {"name": name}]
    return []


def _step_errors(number: int, step: dict) -> list[str]:
    """This step's problems, each naming it."""
    label = _("Step %(number)s (“%(key)s”)") % {"number": number, "key": step.get("key", "")}
    problems = []
    unknown = sorted(set(step) - set(STEP_FIELDS))
    if unknown:
        problems.append(_("unknown fields %(names)s") % {"names": ", ".join(unknown)})
    if not isinstance(step.get("key"), str) or not KEY.fullmatch(step.get("key") or ""):
        problems.append(_("the key is lower-case letters, digits and dashes"))
    problems += _texts(step.get("title", {}), _("the title"), True)
    problems += _texts(step.get("help", {}), _("the help text"), False)
    due = step.get("due_days", 7)
    if isinstance(due, bool) or not isinstance(due, int) or not 0 <= due <= 365:
        problems.append(_("the due offset is 0 to 365 days after the start"))
    for name, longest in (("article_key", 100), ("event_name", 200), ("trait_name", 100),
                          ("trait_value", 200)):  # fmt: skip
        value = step.get(name, "")
        if not isinstance(value, str) or len(value) > longest:
            problems.append(_("%(name)s is text of %(longest)s characters or fewer")
                            % {"name": name, "longest": longest})  # fmt: skip
    kind = step.get("completed_by", CompletedBy.CUSTOMER)
    if kind not in CompletedBy.values:
        problems.append(
            _("completed_by is one of %(kinds)s") % {"kinds": ", ".join(CompletedBy.values)}
        )
    if kind == CompletedBy.EVENT and not str(step.get("event_name") or "").strip():
        problems.append(_("an automatic step on an event names the event"))
    count = step.get("event_count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100000:
        problems.append(_("the event count is 1 to 100,000"))
    if kind == CompletedBy.TRAIT and not str(step.get("trait_name") or "").strip():
        problems.append(_("an automatic step on a trait names the trait"))
    return [f"{label}: {problem.rstrip('.')}." for problem in problems]


def template_validate(*, steps: list, milestones: dict) -> None:
    errors: dict[str, list[str]] = {}
    if not isinstance(steps, list) or not steps:
        raise ValidationError({"steps": [_("A template has at least one step.")]})
    seen: dict[str, int] = {}
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            errors.setdefault("steps", []).append(
                _("Step %(number)s is not an object.") % {"number": number}
            )
            continue
        errors.setdefault("steps", []).extend(_step_errors(number, step))
        key = step.get("key")
        if isinstance(key, str) and key in seen:
            errors["steps"].append(
                _("Step %(number)s (“%(key)s”): the key is used by step %(first)s too.")
                % {"number": number, "key": key, "first": seen[key]}
            )
        elif isinstance(key, str):
            seen[key] = number
    if not isinstance(milestones, dict):
        errors.setdefault("milestones", []).append(_("An object of milestone: step key."))
    else:
        for milestone, key in milestones.items():
            if milestone not in Milestone.values:
                errors.setdefault("milestones", []).append(
                    _("“%(name)s” is no milestone; they are %(known)s.")
                    % {"name": milestone, "known": ", ".join(Milestone.values)}
                )
            elif key not in seen:
                errors.setdefault("milestones", []).append(
                    _("The milestone “%(name)s” names no step of this template (“%(key)s”).")
                    % {"name": milestone, "key": key}
                )
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


def _step_values(step: dict) -> dict:
    values = {"help": {}, "required": True, "due_days": 7, "completed_by": CompletedBy.CUSTOMER,
              "event_count": 1, "article_key": "", "event_name": "", "trait_name": "",
              "trait_value": ""}  # fmt: skip
    return values | {name: value for name, value in step.items() if name in STEP_FIELDS}


@transaction.atomic
def template_save(
    *,
    tenant: Tenant,
    template: OnboardingTemplate | None = None,
    steps: list,
    milestones: dict | None = None,
    saved_by: Membership | None = None,
    **fields,
) -> OnboardingTemplate:
    """Create (`template` None) or replace a template's settings and steps; running plans
    follow. Raises ValidationError naming the field, and for steps the step."""
    milestones = milestones or {}
    template_validate(steps=steps, milestones=milestones)
    with tenant_scope(tenant):
        if template is None:
            template = OnboardingTemplate(tenant=tenant)
        else:
            template.version += 1
            if template.milestones != milestones:  # the plans' milestone dates move
                metrics_changes.onboarding_changed(tenant=tenant)
        for name, value in fields.items():
            setattr(template, name, value)
        template.milestones = milestones
        try:
            template.full_clean(exclude=["tenant", "milestones"])
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
        template.save()
        TemplateStep.objects.filter(template=template).delete()
        values = [_step_values(step) for step in steps]
        TemplateStep.objects.bulk_create(
            TemplateStep(tenant=tenant, template=template, position=n, **step)
            for n, step in enumerate(values)
        )
        TemplateVersion.objects.create(
            tenant=tenant, template=template, version=template.version, name=template.name,
            settings={name: getattr(template, name) for name in VERSIONED_SETTINGS},
            steps=values, milestones=milestones, saved_by=saved_by,
        )  # fmt: skip
        _plans_follow(tenant, template)
    return template


def _plans_follow(tenant: Tenant, template: OnboardingTemplate) -> int:
    """Bring the running plans of `template` to its current steps; returns plans changed."""
    steps = {step.key: step for step in template.steps.all()}
    # Locked: a tick at the same moment waits, and is not overwritten with an old status.
    plans = list(
        Plan.objects.select_for_update().filter(template=template, status=PlanStatus.RUNNING)
    )
    for plan in plans:
        have = {step.key: step for step in plan.steps.all()}
        changed = []
        for key, step in steps.items():
            mine = have.get(key)
            if mine is None:
                PlanStep.objects.create(
                    tenant=tenant, plan=plan, key=key, position=step.position,
                    due_on=plan.started_on + timedelta(days=step.due_days),
                    **{name: getattr(step, name) for name in COPIED},
                )  # fmt: skip
                continue
            for name in COPIED:
                setattr(mine, name, getattr(step, name))
            mine.position = step.position
            if mine.status == StepStatus.REMOVED:  # back in the template
                mine.status = StepStatus.DONE if mine.done_at else StepStatus.OPEN
            changed.append(mine)
        for key, mine in have.items():
            if key not in steps and mine.status != StepStatus.REMOVED:
                mine.status = StepStatus.REMOVED
                changed.append(mine)
        PlanStep.objects.bulk_update(changed, ["position", "status", *COPIED])
        done = {key for key, step in have.items() if step.done_at and key in steps}
        before = {name for name, key in plan.milestones.items() if key in have
                  and have[key].done_at}  # fmt: skip
        plan.template_version, plan.milestones = template.version, template.milestones
        plan.save(update_fields=["template_version", "milestones"])
        # A milestone moved onto a step already done is reached by this edit.
        now_reached = [name for name, key in plan.milestones.items() if key in done]
        milestones_announce(
            tenant=tenant, plan=plan, names=[n for n in now_reached if n not in before]
        )
        # The edit may have removed the last open required step.
        from onboarding.services.plans import plan_complete_if_done

        plan_complete_if_done(plan.pk, timezone.now())
    return len(plans)


@transaction.atomic
def template_delete(*, tenant: Tenant, template: OnboardingTemplate) -> None:
    """Delete a template; refused for the default one (accounts that match no other template
    start from it) and for one with running plans (they follow its edits)."""
    with tenant_scope(tenant):
        template = OnboardingTemplate.objects.select_for_update().get(pk=template.pk)
        if template.is_default:
            raise ValidationError(
                _("This is the default template: make another one the default first.")
            )
        running = Plan.objects.filter(template=template, status=PlanStatus.RUNNING).count()
        if running:
            raise ValidationError(
                _("%(count)s running plans follow this template; they must finish or be "
                  "stopped first.") % {"count": running}
            )  # fmt: skip
        template.delete()


def template_steps_data(template: OnboardingTemplate) -> list[dict]:
    """The template's steps as `template_save` takes them."""
    return [{name: getattr(step, name) for name in STEP_FIELDS} for step in template.steps.all()]
