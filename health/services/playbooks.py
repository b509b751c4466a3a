"""Starting, running and stopping playbooks on accounts.

A run copies its playbook's steps with their due days (the start day plus each offset, in
the tenant's local days). `playbook_steps_due_run` executes the pending steps that are due,
each in its own transaction under a row lock, so running it twice (or in two workers at
once) executes every step once: a task step opens a task keyed by the step, an email step
queues one customer email per contact keyed by the step and the contact. Alert rules start
many runs at once (`playbooks_start_for_rules`): their runs, steps, tasks and emails are
written in bulk, in one transaction, so nobody else sees their day-0 steps pending.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Account, Contact
from accounts.services.customer_email import (
    EmailRequest,
    customer_email_queue,
    customer_emails_queue_new,
)
from health.models import (
    Playbook,
    PlaybookRun,
    PlaybookRunStep,
    PlaybookStep,
    RunStatus,
    RunStepStatus,
    StepKind,
    Task,
    TaskKind,
    TaskStatus,
)
from health.models.playbook import MANUAL
from health.services.playbook_defaults import playbooks_ensure_defaults
from health.services.tasks import health_settings_for, task_cancel, task_open
from health.webhook_events import tasks_opened_emit
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
    return playbooks_start_for_rules(tenant=tenant, fired=[(account_id, rule_kind)], day=day)


def playbooks_start_for_rules(
    *, tenant: Tenant, fired: list[tuple[int, str]], day: date
) -> list[PlaybookRun]:
    """Start every enabled playbook triggered by each fired (account id, rule kind) on its
    account from `day`, in a constant number of queries however many fired (the nightly
    run starts hundreds). Steps due on `day` run at once: their tasks opened and their
    emails queued in bulk. Returns the runs started now; an account already running a
    playbook, an unknown account or another tenant's is skipped."""
    if not fired:
        return []
    playbooks_ensure_defaults(tenant=tenant)  # a rule may fire before anyone opened a page
    with tenant_scope(tenant):
        steps = PlaybookStep.objects.order_by("position", "id")
        playbooks = list(
            Playbook.objects.filter(enabled=True, trigger__in={kind for _, kind in fired})
            .prefetch_related(Prefetch("steps", queryset=steps))
            .order_by("name", "id")
        )
        if not playbooks:
            return []
        accounts = Account.objects.in_bulk({account_id for account_id, _ in fired})
        taken = set(
            PlaybookRun.objects.filter(
                status=RunStatus.RUNNING,
                account_id__in=list(accounts),
                playbook_id__in=[p.pk for p in playbooks],
            ).values_list("account_id", "playbook_id")
        )
    by_kind = defaultdict(list)
    for playbook in playbooks:
        by_kind[playbook.trigger].append(playbook)
    starts = []
    for account_id, kind in fired:
        account = accounts.get(account_id)
        for playbook in by_kind.get(kind, []) if account is not None else []:
            if (account_id, playbook.pk) not in taken:
                taken.add((account_id, playbook.pk))
                starts.append((account, playbook, kind))
    if not starts:
        return []
    try:
        with transaction.atomic():
            return _runs_start(tenant, starts, day)
    except IntegrityError:
        # Someone started one of these meanwhile (the one-running index): one at a time,
        # each start then finds the running run and leaves it.
        started = []
        for account, playbook, kind in starts:
            run, created = playbook_start(
                tenant=tenant, playbook=playbook, account=account, day=day, trigger_kind=kind
            )
            if created:
                started.append(run)
        return started


def _runs_start(tenant: Tenant, starts: list, day: date) -> list[PlaybookRun]:
    """Create the runs of (account, playbook, rule kind) `starts` with their steps, and
    execute the steps due on `day`, in bulk (one transaction, the caller's: nobody else
    sees the new steps before they are done)."""
    with tenant_scope(tenant):
        runs = PlaybookRun.objects.bulk_create(
            [
                PlaybookRun(
                    tenant=tenant, playbook=playbook, account=account, started_on=day,
                    trigger_kind=kind,
                )
                for account, playbook, kind in starts
            ]
        )  # fmt: skip
        run_steps = PlaybookRunStep.objects.bulk_create(
            [
                PlaybookRunStep(
                    tenant=tenant,
                    run=run,
                    position=n,
                    step=step.snapshot(),
                    due_on=day + timedelta(days=step.day_offset),
                )
                for run in runs
                for n, step in enumerate(run.playbook.steps.all())
            ]
        )
        due = sorted(
            (s for s in run_steps if s.due_on <= day), key=lambda s: (s.due_on, s.position, s.pk)
        )
        _tasks_open(tenant, [s for s in due if s.step.get("kind") == StepKind.TASK])
        _emails_queue(tenant, [s for s in due if s.step.get("kind") != StepKind.TASK])
        now = timezone.now()
        for run_step in due:
            run_step.status, run_step.done_at = RunStepStatus.DONE, now
        if due:
            PlaybookRunStep.objects.bulk_update(due, ["task", "email", "status", "done_at"])
        pending = {s.run_id for s in run_steps if s.status == RunStepStatus.PENDING}
        finished = [run.pk for run in runs if run.pk not in pending]
        if finished:
            PlaybookRun.objects.filter(pk__in=finished).update(
                status=RunStatus.COMPLETED, finished_at=now
            )
    return runs


def _tasks_open(tenant: Tenant, run_steps: list[PlaybookRunStep]) -> None:
    """`task_open` for task steps just created: their condition keys are new, so no open
    task can have them. Assignee: the account's owner, else the tenant's fallback."""
    if not run_steps:
        return
    fallback_id = None
    if any(s.run.account.owner_id is None for s in run_steps):
        fallback_id = health_settings_for(tenant).task_fallback_assignee_id
    tasks = []
    for run_step in run_steps:
        snapshot, run = run_step.step, run_step.run
        tasks.append(
            Task(
                tenant=tenant,
                account=run.account,
                title=(snapshot.get("task_title") or "").strip()[:200] or run.playbook.name,
                due_on=run_step.due_on + timedelta(days=snapshot.get("task_due_days") or 0),
                kind=TaskKind.PLAYBOOK,
                reason=_("Playbook “%(name)s”, day %(day)s.")
                % {"name": run.playbook.name, "day": snapshot.get("day_offset", 0)},
                figures={"playbook": run.playbook_id, "run": run.pk},
                priority=snapshot.get("task_priority") or "medium",
                condition_key=f"playbook-step:{run_step.pk}",
                assignee_id=run.account.owner_id or fallback_id,
            )
        )
    for run_step, task in zip(run_steps, Task.objects.bulk_create(tasks), strict=True):
        run_step.task = task
    tasks_opened_emit(tenant=tenant, tasks=tasks)


def _emails_queue(tenant: Tenant, run_steps: list[PlaybookRunStep]) -> None:
    """`customer_email_queue` for email steps just created: one email per contact (with the
    step's role, when it names one), keyed by the step and the contact."""
    if not run_steps:
        return
    contacts = defaultdict(list)
    account_ids = {s.run.account_id for s in run_steps}
    for contact in Contact.objects.filter(account_id__in=account_ids).order_by("id"):
        contacts[contact.account_id].append(contact)
    requests, owners = [], []
    for run_step in run_steps:
        snapshot, run = run_step.step, run_step.run
        role = (snapshot.get("contact_role") or "").upper()
        for contact in contacts[run.account_id]:
            if role and _role(contact) != role:
                continue
            requests.append(
                EmailRequest(
                    account=run.account,
                    contact=contact,
                    template_key=snapshot["email_template_key"],
                    idempotency_key=f"playbook-step:{run_step.pk}:contact:{contact.pk}",
                    source=run_step.source,
                )
            )
            owners.append(run_step)
    emails = customer_emails_queue_new(tenant=tenant, requests=requests)
    for run_step, email in zip(owners, emails, strict=True):
        if run_step.email_id is None:
            run_step.email = email


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
    # The running runs are few and the cleared conditions many: the runs are read first
    # (one OR-term per condition would make a query that is slow to plan).
    runs = PlaybookRun.objects.for_tenant(tenant).filter(
        status=RunStatus.RUNNING, playbook__stop_when_cleared=True
    )
    conditions = set(cleared)
    stopping = [
        pk
        for pk, account_id, kind in runs.values_list("pk", "account_id", "trigger_kind")
        if (account_id, kind) in conditions
    ]
    if not stopping:
        return 0
    return _stop(tenant, runs.filter(pk__in=stopping), _("The condition that started it cleared"))


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


def _role(contact: Contact) -> str | None:
    """The contact's trait "role" upper-cased, as `traits__role__iexact` compares it."""
    traits = contact.traits if isinstance(contact.traits, dict) else {}
    value = traits.get("role")
    return None if value is None else str(value).upper()


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
