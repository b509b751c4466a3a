"""Demo surveys and the contacts' languages: a quarterly NPS survey already sent once, a
week before the seed's last day, with the answers of about a third of the contacts (the
score following the account's latest demo answer, so the survey and the NPS figures tell
the same story), and an enterprise pulse survey not sent yet.

No mail leaves the seed: the invitations' emails are marked sent in the seed's own
transaction, so the send tasks queued after commit find them sent and send nothing.
"""

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import F

from accounts.models import (
    Account,
    Contact,
    CustomerEmail,
    EmailStatus,
    NpsResponse,
    SurveyInvite,
    SurveySend,
)
from accounts.services.survey_emails import DEFAULT_QUESTION
from accounts.services.surveys import (
    survey_answer,
    survey_create,
    survey_send_batch,
    survey_send_start,
)
from csplatform.demo.seed.catalog import NPS_COMMENTS
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

SENT_DAYS_AGO = 7


def surveys_demo(*, tenant: Tenant, day: date, seed: int) -> Counter:
    """Add the demo surveys as of `day`; returns the rows added."""
    rows = Counter()
    zone = ZoneInfo(tenant.time_zone)
    rng = np.random.default_rng(seed)
    sent_at = datetime.combine(day - timedelta(days=SENT_DAYS_AGO), time(10), zone)
    with tenant_scope(tenant):
        if not Account.objects.filter(contacts__email__gt="").exists():
            return rows
        _languages()
        quarterly = survey_create(
            tenant=tenant, name="Quarterly NPS", question=DEFAULT_QUESTION, every_months=3,
            next_send_on=day + timedelta(days=90 - SENT_DAYS_AGO), throttle_days=60,
            account_ids=_sample_accounts(),
        )  # fmt: skip
        send = survey_send_start(tenant=tenant, survey=quarterly, now=sent_at)
        while survey_send_batch(tenant=tenant, send_id=send.pk, now=sent_at):
            pass
        quarterly.next_send_on = day + timedelta(days=90 - SENT_DAYS_AGO)
        quarterly.save(update_fields=["next_send_on"])
        SurveySend.objects.filter(pk=send.pk).update(started_at=sent_at, finished_at=sent_at)
        SurveyInvite.objects.filter(send=send).update(created_at=sent_at)
        emails = CustomerEmail.objects.filter(source=f"survey:{quarterly.pk}")
        rows["accounts.CustomerEmail"] = emails.filter(status=EmailStatus.QUEUED).update(
            status=EmailStatus.SENT, sent_at=sent_at
        )
        rows["accounts.SurveyInvite"] = SurveyInvite.objects.filter(send=send).count()
        latest = _latest_scores(tenant)
        invites = SurveyInvite.objects.filter(send=send).select_related("tenant", "contact")
        for invite in invites:
            if rng.random() > 0.35:
                continue
            base = latest.get(invite.account_id, 7)
            score = max(0, min(10, base + int(rng.integers(-1, 2))))
            kind = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
            choices = NPS_COMMENTS[kind]
            comment = choices[int(rng.integers(len(choices)))] if rng.random() < 0.6 else ""
            answered = sent_at + timedelta(hours=float(rng.uniform(1, 24 * (SENT_DAYS_AGO - 1))))
            survey_answer(invite=invite, score=score, comment=comment, now=answered)
            rows["accounts.NpsResponse"] += 1
        enterprise = Account.objects.filter(segment="Enterprise", contacts__email__gt="").exists()
        survey_create(
            tenant=tenant, name="Enterprise pulse", question=DEFAULT_QUESTION,
            segment="Enterprise" if enterprise else "", every_months=6, next_send_on=None,
            reminder_days=None,
        )  # fmt: skip
        rows["accounts.Survey"] = 2
        rows["accounts.SurveySend"] = 1
    return rows


# A big demo tenant (a benchmark's) surveys a sample of its accounts: the pages look the same,
# and seeding does not send tens of thousands of invitations through the outbox.
SURVEYED_ACCOUNTS = 200


def _sample_accounts() -> list[int]:
    """Every account, or an even sample of SURVEYED_ACCOUNTS of them."""
    ids = list(
        Account.objects.filter(contacts__email__gt="")
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(ids) <= SURVEYED_ACCOUNTS:
        return []
    step = len(ids) / SURVEYED_ACCOUNTS
    return [ids[int(n * step)] for n in range(SURVEYED_ACCOUNTS)]


# A tenant's customers speak the product's languages: one contact in ten each reads
# Simplified Chinese, Russian and Romanian (the rest English), so emails and survey pages
# show each language.
LANGUAGE_BY_REMAINDER = {0: "zh-hans", 1: "ru", 2: "ro"}


def _languages() -> int:
    contacts = Contact.objects.annotate(remainder=F("id") % 10)
    return sum(
        contacts.filter(remainder=remainder, language="").update(language=language)
        for remainder, language in LANGUAGE_BY_REMAINDER.items()
    )


def _latest_scores(tenant: Tenant) -> dict[int, int]:
    """Each account's latest demo answer."""
    answers = (
        NpsResponse.objects.for_tenant(tenant)
        .filter(account__isnull=False)
        .order_by("account_id", "-answered_at")
        .distinct("account_id")
        .values_list("account_id", "score")
    )
    return dict(answers)
