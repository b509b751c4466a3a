"""Starting, running and stopping playbooks on accounts.

A run copies its playbook's steps with their due days (the start day plus each offset, in
the tenant's local days). `playbook_steps_due_run` executes the pending steps that are due,
each in its own transaction under a row lock, so running it twice (or in two workers at
once) executes every step once: a task step opens a task keyed by the step, an email step
queues one customer email per contact keyed by the step and the contact.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Contact
from accounts.services.customer_email import customer_email_queue
from health.models import (
    Playbook,
    PlaybookRun,
    PlaybookRunStep,
    RunStatus,
    RunStepStatus,
    StepKind,
    Task,
    TaskKind,
    TaskStatus,
)
from health.models.playbook import MANUAL
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.tasks import task_cancel, task_open
from tenants.models import Membership, Tenant
from tenants.tenancy.context import tenant_scope


def playbook_start(
    *,
    tenant: Tenant,
    playbook: Playbook,
    account: Account,
    day: date,
    started_by: Membership | None = None,
    trigger_kind: str = MANUAL,
) -> tuple[PlaybookRun, bool]:
    """Start `playbook` on `account` from `day` (the tenant's local day); returns (run, True),
    or (the running run, False) when one is running already. Steps due on `day` run now."""
    if not playbook.enabled:
        raise ValidationError({"playbook": _("This playbook is switched off.")})
    if playbook.tenant_id != tenant.pk:
        raise ValidationError({"playbook": _("Not a playbook of this tenant.")})
    if account.tenant_id != tenant.pk:
        raise ValidationError({"account": _("Not an account of this tenant.")})
    with tenant_scope(tenant):
        running = PlaybookRun.objects.filter(
            account=account, playbook=playbook, status=RunStatus.RUNNING
        )
        existing = running.first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():  # a concurrent start of the same playbook wins the index
                run = PlaybookRun.objects.create(
                    tenant=tenant,
                    playbook=playbook,
                    account=account,
                    started_on=day,
                    started_by=started_by,
                    trigger_kind=trigger_kind,
                )
                PlaybookRunStep.objects.bulk_create(
                    [
                        PlaybookRunStep(
                            tenant=tenant,
                            run=run,
                            position=n,
                            step=step.snapshot(),
                            due_on=day + timedelta(days=step.day_offset),
                        )
                        for n, step in enumerate(playbook.steps.order_by("position", "id"))
                    ]
                )
        except IntegrityError:
            return running.get(), False
    _due_run(tenant, day, PlaybookRunStep.objects.for_tenant(tenant).filter(run=run))
    _complete_finished(tenant, [run.pk])
    return run, True


def playbooks_start_for_rule(
    *, tenant: Tenant, account_id: int, rule_kind: str, day: date
) -> list[PlaybookRun]:
    """Start every enabled playbook triggered by `rule_kind` on the account (an alert rule
    fired); returns the runs started now (a playbook already running is left as it is)."""
    with tenant_scope(tenant):
        account = Account.objects.filter(pk=account_id).first()
        if account is None:
            return []
        playbooks = list(Playbook.objects.filter(enabled=True, trigger=rule_kind))
    started = []
    for playbook in playbooks:
        run, created = playbook_start(
            tenant=tenant, playbook=playbook, account=account, day=day, trigger_kind=rule_kind
        )
        if created:
            started.append(run)
    return started


def _stop(tenant: Tenant, runs, reason: str, by: Membership | None = None) -> int:
    """Stop the running runs of `runs`: pending steps skipped, their open tasks cancelled."""
    with tenant_scope(tenant), transaction.atomic():
        run_ids = list(runs.filter(status=RunStatus.RUNNING).values_list("pk", flat=True))
        if not run_ids:
            return 0
        task_ids = PlaybookRunStep.objects.filter(
            run_id__in=run_ids, task__isnull=False
        ).values_list("task_id", flat=True)
        for task in Task.objects.filter(pk__in=list(task_ids), status=TaskStatus.OPEN):
            task_cancel(tenant=tenant, task=task, by=by)
        PlaybookRunStep.objects.filter(run_id__in=run_ids, status=RunStepStatus.PENDING).update(
            status=RunStepStatus.SKIPPED
        )
        return PlaybookRun.objects.filter(pk__in=run_ids, status=RunStatus.RUNNING).update(
            status=RunStatus.STOPPED, stopped_reason=reason[:200], finished_at=timezone.now()
        )


def playbook_stop(*, tenant: Tenant, run: PlaybookRun, by: Membership | None = None) -> int:
    """Stop one run by hand (1 when it was running, else 0)."""
    runs = PlaybookRun.objects.for_tenant(tenant).filter(pk=run.pk)
    return _stop(tenant, runs, _("Stopped by hand"), by)


def playbooks_stop_cleared(*, tenant: Tenant, cleared: list[tuple[int, str]]) -> int:
    """Stop the running runs of playbooks set to stop when cleared, for each (account id,
    rule kind) whose condition cleared; returns how many runs stopped."""
    if not cleared:
        return 0
    match = Q()
    for account_id, rule_kind in cleared:
        match |= Q(account_id=account_id, trigger_kind=rule_kind)
    runs = PlaybookRun.objects.for_tenant(tenant).filter(match, playbook__stop_when_cleared=True)
    return _stop(tenant, runs, _("The condition that started it cleared"))


def playbook_steps_due_run(*, tenant: Tenant, day: date) -> int:
    """Execute the pending steps of running runs due on or before `day`; returns how many
    ran. Idempotent."""
    steps = PlaybookRunStep.objects.for_tenant(tenant)
    done, run_ids = _due_run(tenant, day, steps)
    _complete_finished(tenant, run_ids)
    return done


def _due_run(tenant: Tenant, day: date, steps) -> tuple[int, list[int]]:
    with tenant_scope(tenant):
        due = list(
            steps.filter(
                status=RunStepStatus.PENDING, due_on__lte=day, run__status=RunStatus.RUNNING
            )
            .order_by("due_on", "position", "id")
            .values_list("pk", flat=True)
        )
    done, run_ids = 0, set()
    for step_id in due:
        run_id = _step_execute(tenant, step_id)
        if run_id is not None:
            done += 1
            run_ids.add(run_id)
    return done, sorted(run_ids)


@transaction.atomic
def _step_execute(tenant: Tenant, step_id: int) -> int | None:
    """Execute one pending step under its row lock; returns its run's id, or None when
    another worker took it or it is no longer pending."""
    with tenant_scope(tenant):
        run_step = (
            PlaybookRunStep.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("run__playbook", "run__account")
            .filter(pk=step_id, status=RunStepStatus.PENDING, run__status=RunStatus.RUNNING)
            .first()
        )
        if run_step is None:
            return None
        snapshot, run = run_step.step, run_step.run
        if snapshot.get("kind") == StepKind.TASK:
            run_step.task, _created = task_open(
                tenant=tenant,
                account=run.account,
                title=snapshot["task_title"],
                due_on=run_step.due_on + timedelta(days=snapshot.get("task_due_days") or 0),
                kind=TaskKind.PLAYBOOK,
                reason=_("Playbook “%(name)s”, day %(day)s.")
                % {"name": run.playbook.name, "day": snapshot.get("day_offset", 0)},
                figures={"playbook": run.playbook_id, "run": run.pk},
                priority=snapshot.get("task_priority") or "medium",
                condition_key=f"playbook-step:{run_step.pk}",
            )
        else:
            contacts = Contact.objects.filter(account=run.account).order_by("id")
            if snapshot.get("contact_role"):
                contacts = contacts.filter(traits__role__iexact=snapshot["contact_role"])
            for contact in contacts:
                email, _created = customer_email_queue(
                    tenant=tenant,
                    account=run.account,
                    contact=contact,
                    template_key=snapshot["email_template_key"],
                    idempotency_key=f"playbook-step:{run_step.pk}:contact:{contact.pk}",
                    source=run_step.source,
                )
                run_step.email = run_step.email or email
        run_step.status = RunStepStatus.DONE
        run_step.done_at = timezone.now()
        run_step.save(update_fields=["task", "email", "status", "done_at"])
        return run.pk


def _complete_finished(tenant: Tenant, run_ids: list[int]) -> int:
    """Mark running runs with no pending step left as completed."""
    if not run_ids:
        return 0
    with tenant_scope(tenant):
        pending = PlaybookRunStep.objects.filter(status=RunStepStatus.PENDING)
        return (
            PlaybookRun.objects.filter(pk__in=run_ids, status=RunStatus.RUNNING)
            .exclude(pk__in=pending.values("run_id"))
            .update(status=RunStatus.COMPLETED, finished_at=timezone.now())
        )
