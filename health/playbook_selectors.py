"""Reads of playbooks: the list with counts, one playbook's steps and running runs, an
account's running runs with their next step, and the customer emails logged on an account.
Each is a constant number of queries, whatever the number of rows."""

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import Account, CustomerEmail
from health.models import Playbook, PlaybookRun, PlaybookRunStep, RunStatus, RunStepStatus

EMAILS_SHOWN = 20


def playbooks() -> QuerySet[Playbook]:
    """The active tenant's playbooks with their steps and how many runs are running."""
    return (
        Playbook.objects.prefetch_related("steps")
        .annotate(running=Count("runs", filter=Q(runs__status=RunStatus.RUNNING)))
        .order_by("name", "id")
    )


def _pending_steps() -> Prefetch:
    return Prefetch(
        "steps",
        queryset=PlaybookRunStep.objects.filter(status=RunStepStatus.PENDING).order_by(
            "due_on", "position", "id"
        ),
        to_attr="pending_steps",
    )


def runs_running() -> QuerySet[PlaybookRun]:
    """Running runs with account, playbook and their pending steps (`pending_steps`, the
    first being the next one)."""
    return (
        PlaybookRun.objects.filter(status=RunStatus.RUNNING)
        .select_related("account", "playbook", "started_by__user")
        .prefetch_related(_pending_steps())
        .order_by("started_on", "id")
    )


def playbook_runs_running(playbook: Playbook) -> QuerySet[PlaybookRun]:
    return runs_running().filter(playbook=playbook)


def account_runs_running(account: Account) -> QuerySet[PlaybookRun]:
    return runs_running().filter(account=account)


def account_customer_emails(account: Account, limit: int = EMAILS_SHOWN) -> list[CustomerEmail]:
    """The latest customer emails logged on the account, newest first."""
    return list(
        CustomerEmail.objects.filter(account=account)
        .select_related("contact")
        .order_by("-created_at", "-id")[:limit]
    )


def playbooks_startable() -> QuerySet[Playbook]:
    return Playbook.objects.filter(enabled=True).order_by("name", "id")
