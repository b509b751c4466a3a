"""Read queries of the survey pages and API: surveys with their latest send, and a
survey's (or one send's) results: response rate, NPS, the 0-10 distribution, comments."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from accounts.models import Survey, SurveyInvite, SurveySend
from tenants.models import Tenant


def surveys_list(tenant: Tenant):
    return (
        Survey.objects.for_tenant(tenant)
        .annotate(
            sends_count=Count("sends", distinct=True),
            last_sent_at=Max("sends__started_at"),
        )
        .order_by("-created_at", "-id")
    )


def survey_sends(survey: Survey | None = None):
    """Sends (of one survey, or all, of the active tenant) with their invited and answered
    counts."""
    sends = SurveySend.objects.select_related("survey")
    if survey is not None:
        sends = sends.filter(survey=survey)
    return sends.annotate(
        invited=Count("invites"),
        answered=Count("invites", filter=Q(invites__answer__isnull=False)),
    )


@dataclass
class Results:
    invited: int = 0
    answered: int = 0
    distribution: list[int] = field(default_factory=lambda: [0] * 11)
    comments: list[dict] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        return None if not self.invited else self.answered * 100 / self.invited

    @property
    def promoters(self) -> int:
        return sum(self.distribution[9:])

    @property
    def passives(self) -> int:
        return sum(self.distribution[7:9])

    @property
    def detractors(self) -> int:
        return sum(self.distribution[:7])

    @property
    def nps(self) -> float | None:
        if not self.answered:
            return None
        return (self.promoters - self.detractors) * 100 / self.answered

    @property
    def bars(self) -> list[dict]:
        """The distribution as the bars of an SVG chart (110 units tall at most)."""
        top = max(self.distribution) or 1
        bars = []
        for score, count in enumerate(self.distribution):
            height = round(count * 96 / top, 1)
            bars.append(
                {"score": score, "count": count, "x": score * 30 + 3, "mid": score * 30 + 15,
                 "h": height, "y": 112 - height, "label_y": 108 - height}
            )  # fmt: skip
        return bars


COMMENTS_SHOWN = 100


def survey_results(tenant: Tenant, survey: Survey, send: SurveySend | None = None) -> Results:
    """The results of all of a survey's sends (or of one), in three queries."""
    invites = SurveyInvite.objects.for_tenant(tenant).filter(send__survey=survey)
    if send is not None:
        invites = invites.filter(send=send)
    results = Results(invited=invites.count())
    answered = invites.filter(answer__isnull=False)
    for score, count in answered.values_list("answer__score").annotate(n=Count("pk")):
        results.distribution[score] = count
    results.answered = sum(results.distribution)
    rows = (
        answered.exclude(answer__comment="")
        .select_related("answer", "contact", "account")
        .order_by("-answered_at", "-id")[:COMMENTS_SHOWN]
    )
    results.comments = [
        {
            "score": row.answer.score,
            "comment": row.answer.comment,
            "contact": row.contact.name or row.contact.email,
            "account": row.account.name if row.account else "",
            "account_id": row.account_id,
            "answered_at": row.answered_at,
        }
        for row in rows
    ]
    return results
