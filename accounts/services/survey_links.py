"""Personal survey links: a signed token that names one tenant, one send and one contact,
stored only as its SHA-256 (unique per tenant). A forged, altered, expired or unknown token
finds nothing, and the pages answer 404 without saying which.

The token is deterministic (signed with the site's secret key), so the email sender makes
the same link the invitation's stored hash was made from, without the token ever being
stored."""

import hashlib
import hmac
import re

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import CustomerEmail, SurveyInvite
from tenants.models import Tenant
from tenants.tenancy.context import cross_tenant, tenant_scope

SALT = "accounts.survey.invite"
COMPANY = re.compile(r"\{\{\s*company_name\s*\}\}")
SCORES = range(11)
INVITE_KEY = "nps-survey"  # the customer email templates of surveys
REMINDER_KEY = "nps-survey-reminder"
SURVEY_KEYS = (INVITE_KEY, REMINDER_KEY)
LINK_PLACEHOLDERS = ("survey_link", "score_links")  # a survey email needs one of them


def invite_token(tenant_id: int, send_id: int, contact_id: int) -> str:
    return signing.Signer(salt=SALT).sign_object({"t": tenant_id, "s": send_id, "c": contact_id})


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_url(token: str, score: int | None = None) -> str:
    if score is None:
        return settings.SITE_URL + reverse("survey-answer", args=[token])
    return settings.SITE_URL + reverse("survey-score", args=[token, score])


def invite_for_token(token: str) -> SurveyInvite | None:
    """The invitation a genuine, unexpired token names, across tenants (the token says
    which); None otherwise."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(token)
        tenant_id, send_id, contact_id = int(data["t"]), int(data["s"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    with cross_tenant():
        invite = (
            SurveyInvite.objects.unscoped()
            .select_related("tenant", "send__survey", "contact", "answer")
            .filter(tenant_id=tenant_id, send_id=send_id, contact_id=contact_id)
            .first()
        )
    if invite is None or not hmac.compare_digest(invite.token_sha256, token_sha256(token)):
        return None
    if invite.expires_at <= timezone.now():
        return None
    return invite


def question_text(invite_survey, language: str, tenant: Tenant) -> str:
    """The survey's question in `language` (else English), with the company's name."""
    text = invite_survey.question_in(language)
    return COMPANY.sub(lambda _match: tenant.name, text)


def survey_email_values(tenant: Tenant, email: CustomerEmail, language: str) -> dict[str, str]:
    """The survey placeholders of an invitation or reminder email: its question (in
    `language`, the template's), its page link and one link per score (empty for any
    other email)."""
    with tenant_scope(tenant):
        invite = (
            SurveyInvite.objects.select_related("send__survey")
            .filter(Q(email_id=email.pk) | Q(reminder_id=email.pk))
            .first()
        )
    if invite is None:
        return {}
    token = invite_token(tenant.pk, invite.send_id, invite.contact_id)
    return {
        "survey_question": question_text(invite.send.survey, language, tenant),
        "survey_link": survey_url(token),
        "score_links": "\n".join(f"{score}: {survey_url(token, score)}" for score in SCORES),
    }
