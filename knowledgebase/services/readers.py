"""What the help center's readers write, anonymously: a view of an article (counted per
article, language and day in the tenant's time zone) and a "was this helpful?" answer."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from knowledgebase.models import ArticleFeedback, FeedbackReason, Language
from tenants.models import Tenant
from tenants.tenancy.context import tenant_scope

MAX_COMMENT = 1000


def article_view_count(*, tenant: Tenant, article_id: int, language: str,
                       day: date | None = None) -> None:  # fmt: skip
    """One more view of the article in `language` on `day` (the tenant's today): a single
    INSERT ... ON CONFLICT, so parallel views never lose a count nor collide."""
    day = day or tenant.today()
    with tenant_scope(tenant), connection.cursor() as cursor:
        # Every value names the active tenant's row; row-level security checks it too.
        cursor.execute(
            """
            INSERT INTO knowledgebase_articleviewday (tenant_id, article_id, language, day, views)
            VALUES (%s, %s, %s, %s, 1)
            ON CONFLICT (tenant_id, article_id, language, day)
            DO UPDATE SET views = knowledgebase_articleviewday.views + 1
            """,
            [tenant.pk, article_id, language, day],
        )


def feedback_clean(*, helpful, reason, comment) -> dict:
    """The answer's values, or a ValidationError naming each bad field."""
    errors = {}
    answers = {"yes": True, "no": False}
    if helpful not in answers:
        errors["helpful"] = [_("Choose yes or no.")]
    reason = (reason or "").strip()
    if reason and reason not in FeedbackReason.values:
        errors["reason"] = [_("Choose one of the reasons.")]
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > MAX_COMMENT:
        errors["comment"] = [_("A comment is at most %(n)s characters.") % {"n": MAX_COMMENT}]
    if errors:
        raise ValidationError(errors)
    return {"helpful": answers[helpful], "reason": reason, "comment": comment}


@transaction.atomic
def feedback_record(*, tenant: Tenant, article_id: int, language: str, helpful, reason="",
                    comment="") -> ArticleFeedback:  # fmt: skip
    """Record a reader's answer to "was this helpful?" about the article's text in
    `language`; `helpful` is "yes" or "no" as the form sends it."""
    values = feedback_clean(helpful=helpful, reason=reason, comment=comment)
    if language not in Language.values:
        raise ValidationError({"language": [_("Unknown language: %(code)s") % {"code": language}]})
    with tenant_scope(tenant):
        return ArticleFeedback.objects.create(
            tenant=tenant, article_id=article_id, language=language, **values
        )
