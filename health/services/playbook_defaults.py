"""The playbooks every tenant starts with, and their email templates in the four
languages. Added once; the tenant edits or switches them off afterwards (the admin site)."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.services.customer_email import email_templates_add
from health.models import Playbook, PlaybookStep, PlaybookTrigger, StepKind, TaskPriority
from health.services.playbook_emails import DEFAULT_EMAILS
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

ONBOARDING_CHECKINS = "onboarding-check-ins"


def _task(day: int, title: str, priority=TaskPriority.MEDIUM, due_days: int = 3) -> dict:
    return {
        "day_offset": day,
        "kind": StepKind.TASK,
        "task_title": title,
        "task_priority": priority,
        "task_due_days": due_days,
    }


def _email(day: int, key: str, role: str = "") -> dict:
    return {
        "day_offset": day,
        "kind": StepKind.EMAIL,
        "email_template_key": key,
        "contact_role": role,
    }


def onboarding_checkins_spec() -> dict:
    """The CSM's check-ins on days 7, 30, 60 and 90 of an account's onboarding plan."""
    return {
        "key": ONBOARDING_CHECKINS,
        "name": _("Onboarding check-ins"),
        "description": _(
            "When an account's onboarding plan starts: check in with the account on days 7, "
            "30, 60 and 90 of the plan."
        ),
        "trigger": PlaybookTrigger.PLAN_STARTED,
        "stop_when_cleared": False,
        "steps": [
            _task(7, _("Onboarding check-in: the first week"), TaskPriority.MEDIUM, 3),
            _task(30, _("Onboarding check-in: day 30"), TaskPriority.MEDIUM, 5),
            _task(60, _("Onboarding check-in: day 60"), TaskPriority.MEDIUM, 5),
            _task(90, _("Onboarding review: the first 90 days"), TaskPriority.HIGH, 7),
        ],
    }


def _defaults() -> list[dict]:
    """In the active language (names and task titles are the tenant's rows once added)."""
    return [
        {
            "key": "at-risk-outreach",
            "name": _("At-risk outreach"),
            "description": _(
                "When an account's health band drops: call the account, write to its "
                "contacts, and follow up a week later. Stops when the band recovers."
            ),
            "trigger": PlaybookTrigger.BAND_DROPPED,
            "stop_when_cleared": True,
            "steps": [
                _task(0, _("Call the account: its health band dropped"), TaskPriority.HIGH, 2),
                _email(1, "at-risk-checkin"),
                _task(7, _("Follow up on the at-risk outreach"), TaskPriority.MEDIUM, 3),
            ],
        },
        {
            "key": "renewal-preparation",
            "name": _("Renewal preparation (90 days out)"),
            "description": _(
                "About 90 days before a renewal: prepare a review of the value delivered, "
                "invite the contacts to it, and confirm the decision a month later."
            ),
            "trigger": PlaybookTrigger.RENEWAL_AT_RISK,
            "stop_when_cleared": False,
            "steps": [
                _task(0, _("Prepare the renewal review"), TaskPriority.HIGH, 7),
                _email(7, "renewal-review"),
                _task(30, _("Confirm the renewal decision"), TaskPriority.HIGH, 7),
            ],
        },
        {
            "key": "success-stories",
            "name": _("Success stories for accounts that never adopted"),
            "description": _(
                "Show accounts that never took off how similar customers succeed, then "
                "offer a training session."
            ),
            "trigger": PlaybookTrigger.MANUAL,
            "stop_when_cleared": False,
            "steps": [
                _email(0, "success-stories"),
                _task(14, _("Offer a training session"), TaskPriority.MEDIUM, 5),
            ],
        },
        {
            "key": "promoter-asks",
            "name": _("Case study and referral asks for promoters"),
            "description": _(
                "For accounts whose contacts are promoters: ask for a case study, then for "
                "a referral three weeks later."
            ),
            "trigger": PlaybookTrigger.MANUAL,
            "stop_when_cleared": False,
            "steps": [_email(0, "case-study-ask"), _email(21, "referral-ask")],
        },
        onboarding_checkins_spec(),
        {
            "key": "first-90-days",
            "name": _("First 90 days check-ins"),
            "description": _("A welcome on day 0, check-ins on days 30 and 60, and a review."),
            "trigger": PlaybookTrigger.MANUAL,
            "stop_when_cleared": False,
            "steps": [
                _email(0, "welcome-checkin"),
                _email(30, "progress-checkin"),
                _email(60, "progress-checkin"),
                _task(90, _("Review the first 90 days with the account"), TaskPriority.MEDIUM, 7),
            ],
        },
    ]


def email_templates_ensure_defaults(*, tenant: Tenant) -> int:
    """Add the default templates a tenant does not have (a tenant's own edits stay)."""
    return email_templates_add(tenant=tenant, emails=DEFAULT_EMAILS)


@transaction.atomic
def playbooks_ensure_defaults(*, tenant: Tenant) -> list[Playbook]:
    """Add the default playbooks (and their templates) the tenant never had; idempotent.
    Returns the playbooks added now."""
    added = []
    with tenant_scope(tenant):
        if Playbook.objects.exclude(key="").exists():
            return []  # added before (a tenant's deletions are not undone)
        # The tenant row locked: two first calls at once add the defaults once.
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        if Playbook.objects.exclude(key="").exists():
            return []
        email_templates_ensure_defaults(tenant=tenant)
        existing = set(Playbook.objects.exclude(key="").values_list("key", flat=True))
        for spec in _defaults():
            if spec["key"] in existing:
                continue
            steps = spec.pop("steps")
            playbook = Playbook.objects.create(tenant=tenant, **spec)
            PlaybookStep.objects.bulk_create(
                [
                    PlaybookStep(tenant=tenant, playbook=playbook, position=n, **step)
                    for n, step in enumerate(steps)
                ]
            )
            added.append(playbook)
    return added
