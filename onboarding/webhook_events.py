"""The webhook events of onboarding: `onboarding.step_completed` and
`onboarding.milestone_reached`.

Each emits in the caller's transaction (the tick that completed the step, the template edit
that made a milestone reached), so the events are sent after it commits and never for a
change rolled back. A step is ticked once (its conditional UPDATE), so its event is emitted
once; a milestone is emitted once per plan, remembered in `Plan.milestones_announced`.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from onboarding.models import Plan, PlanStep, StepStatus
from tenants.models import Membership, Tenant
from tenants.services.webhooks import webhook_events_emit


def _account_fields(plan: Plan) -> dict:
    return {
        "account_id": plan.account_id,
        "account_external_id": plan.account.external_id,
        "account_name": plan.account.name,
        "plan_id": plan.pk,
    }


def step_completed_emit(
    *, tenant: Tenant, plan: Plan, step: PlanStep, contact=None, member: Membership | None = None
) -> int:
    """`onboarding.step_completed` for a step just ticked."""

    def items():
        return [
            _account_fields(plan)
            | {
                "step_key": step.key,
                "title": step.title_in("en"),
                "completed_by": step.completed_by,
                "done_by_contact_external_id": contact.external_id if contact else None,
                "done_by_member_id": member.pk if member else None,
                "done_at": step.done_at,
            }
        ]

    return webhook_events_emit(tenant=tenant, event_type="onboarding.step_completed", items=items)


def milestones_announce(*, tenant: Tenant, plan: Plan, names: list[str]) -> int:
    """`onboarding.milestone_reached` for each of `names` the plan has reached and never
    announced (the plan is locked by the caller); returns the milestones announced."""
    names = [name for name in names if name not in plan.milestones_announced]
    keys = {plan.milestones[name]: name for name in names if name in plan.milestones}
    if not keys:
        return 0
    done_at = dict(
        PlanStep.objects.for_tenant(tenant)
        .filter(plan=plan, key__in=list(keys), status=StepStatus.DONE)
        .values_list("key", "done_at")
    )
    reached = sorted(
        ((name, done_at[key]) for key, name in keys.items() if done_at.get(key)),
        key=lambda item: item[1],
    )
    if not reached:
        return 0
    plan.milestones_announced = [*plan.milestones_announced, *(name for name, _ in reached)]
    plan.save(update_fields=["milestones_announced"])
    zone = ZoneInfo(tenant.time_zone)

    def days_since_start(at: datetime) -> int:
        return (at.astimezone(zone).date() - plan.started_on).days

    def items():
        return [
            _account_fields(plan)
            | {
                "milestone": name,
                "step_key": plan.milestones[name],
                "reached_at": at,
                "days_since_start": days_since_start(at),
            }  # fmt: skip
            for name, at in reached
        ]

    webhook_events_emit(tenant=tenant, event_type="onboarding.milestone_reached", items=items)
    return len(reached)
