"""The KPIs the platform computes: names, units and the definitions shown to users.

One registry feeds the engine (which figures exist), the API (names and descriptions in the
OpenAPI schema) and the dashboard (tooltips and the definitions page), so what a user reads
next to a number is what computed it.
"""

from dataclasses import dataclass
from enum import StrEnum


class Grain(StrEnum):
    DAY = "day"
    MONTH = "month"


class Unit(StrEnum):
    COUNT = "count"  # a whole number; no numerator or denominator
    MONEY = "money"  # a decimal string with two places, in the tenant's currency
    RATIO = "ratio"  # a decimal fraction (0.05 for 5%) with its numerator and denominator
    SCORE = "score"  # NPS, an integer from -100 to 100
    SECONDS = "seconds"
    DAYS = "days"


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    grain: Grain
    unit: Unit
    definition: str
    numerator: str = ""  # what the numerator counts, where the figure has one
    denominator: str = ""

    @property
    def has_parts(self) -> bool:
        return bool(self.denominator)


_DAILY = [
    Metric(
        "active_accounts",
        "Active accounts",
        Grain.DAY,
        Unit.COUNT,
        "Accounts with a subscription term covering the day (start <= day < end, an open end "
        "counts as infinite), or inside a renewal gap: the days between a term's end and a "
        "renewal that started within the grace window.",
    ),
    Metric(
        "mrr",
        "MRR",
        Grain.DAY,
        Unit.MONEY,
        "Monthly recurring revenue on the day: the sum of the MRR of the terms covering it, "
        "plus, in a renewal gap, the MRR of the term that ended.",
    ),
    Metric("arr", "ARR", Grain.DAY, Unit.MONEY, "Annual recurring revenue: 12 × MRR."),
    Metric(
        "arpu",
        "ARPU",
        Grain.DAY,
        Unit.MONEY,
        "Average revenue per account (monthly): MRR of active accounts / active accounts.",
        numerator="MRR of active accounts",
        denominator="active accounts",
    ),
    Metric(
        "ltv",
        "LTV",
        Grain.DAY,
        Unit.MONEY,
        "Customer lifetime value: ARPU × gross margin / monthly logo churn, where monthly "
        "logo churn is the mean of the defined logo churn rates of the 3 calendar months "
        "before the day's month. Undefined (n/a) when no churn was observed.",
        numerator="ARPU × gross margin",
        denominator="mean monthly logo churn rate",
    ),
    Metric(
        "nps",
        "NPS",
        Grain.DAY,
        Unit.SCORE,
        "Net Promoter Score over the trailing NPS window (default 90 days): each contact's "
        "latest answer counts; promoters answer 9-10, detractors 0-6. NPS = % promoters - "
        "% detractors, rounded to an integer (halves away from zero).",
        numerator="promoters - detractors",
        denominator="contacts answering",
    ),
    Metric(
        "dau",
        "DAU",
        Grain.DAY,
        Unit.COUNT,
        "Daily active users: distinct contacts with at least one event on the day.",
    ),
    Metric(
        "wau",
        "WAU",
        Grain.DAY,
        Unit.COUNT,
        "Weekly active users: distinct contacts with an event in the trailing 7 days.",
    ),
    Metric(
        "mau",
        "MAU",
        Grain.DAY,
        Unit.COUNT,
        "Monthly active users: distinct contacts with an event in the trailing 30 days.",
    ),
    Metric(
        "stickiness",
        "Stickiness",
        Grain.DAY,
        Unit.RATIO,
        "DAU / MAU.",
        numerator="DAU",
        denominator="MAU",
    ),
    Metric(
        "time_in_app_seconds",
        "Time in app",
        Grain.DAY,
        Unit.SECONDS,
        "Average time in app per active contact: total session length of the day / DAU. A "
        "contact's events with gaps of at most 30 minutes form one session, whose length is "
        "its last event - its first; sessions are cut at local midnight.",
        numerator="total session seconds",
        denominator="DAU",
    ),
    Metric(
        "adoption_rate",
        "Product adoption rate",
        Grain.DAY,
        Unit.RATIO,
        "Active accounts that used at least one core feature on at least 4 distinct days "
        "(tenant setting) in the trailing 30 days / active accounts.",
        numerator="adopting active accounts",
        denominator="active accounts",
    ),
    Metric(
        "arr_per_csm",
        "ARR per CSM",
        Grain.DAY,
        Unit.MONEY,
        "ARR of active accounts / CSMs who own at least one active account.",
        numerator="ARR of active accounts",
        denominator="CSMs owning an active account",
    ),
]

_MONTHLY = [
    Metric(
        "logo_churn_rate",
        "Logo churn rate",
        Grain.MONTH,
        Unit.RATIO,
        "Accounts active on the month's first day and not active on the next month's first "
        "day / accounts active on the month's first day. Accounts that start inside the "
        "month count in neither part.",
        numerator="accounts lost",
        denominator="accounts active at the start",
    ),
    Metric(
        "grr",
        "Gross revenue retention",
        Grain.MONTH,
        Unit.RATIO,
        "MRR at the month's end of the accounts active at its start, each capped at its MRR "
        "at the start / their MRR at the start. Revenue churn = 1 - GRR.",
        numerator="retained MRR (capped)",
        denominator="MRR at the start",
    ),
    Metric(
        "nrr",
        "Net revenue retention",
        Grain.MONTH,
        Unit.RATIO,
        "As GRR, without the cap: expansion counts.",
        numerator="MRR at the end of the accounts active at the start",
        denominator="MRR at the start",
    ),
    Metric(
        "renewal_rate",
        "Renewal rate",
        Grain.MONTH,
        Unit.RATIO,
        "Of the terms whose end date falls in the month (renewals due; end dates are "
        "exclusive), the share renewed: a later term of the same account started no later "
        "than the grace window after the end.",
        numerator="terms renewed",
        denominator="terms due",
    ),
    Metric(
        "renewal_revenue_rate",
        "Renewal revenue rate",
        Grain.MONTH,
        Unit.RATIO,
        "ARR of the renewing terms / ARR of the terms due. Above 1 with upsells at renewal, "
        "below the renewal rate with discounted renewals.",
        numerator="ARR of the renewing terms",
        denominator="ARR of the terms due",
    ),
    Metric(
        "activation_rate",
        "Activation rate",
        Grain.MONTH,
        Unit.RATIO,
        "Of the accounts whose first term started in the month (the cohort), the share that "
        "reached the activation milestone: the step of their onboarding plan marked "
        '"activated", or, for accounts without such a plan, the tenant\'s activation event.',
        numerator="activated accounts",
        denominator="accounts in the cohort",
    ),
    Metric(
        "ttfv_median_days",
        "Median time to first value",
        Grain.MONTH,
        Unit.DAYS,
        "For the month's cohort: the median number of days from an account's first term start "
        'to its first value (the onboarding step marked "first value", or, without such a '
        "plan, the tenant's first-value event), over the accounts that reached it; the "
        "numerator is how many reached it, the denominator the cohort.",
        numerator="accounts that reached first value",
        denominator="accounts in the cohort",
    ),
    Metric(
        "cac",
        "CAC",
        Grain.MONTH,
        Unit.MONEY,
        "Customer acquisition cost: the month's sales and marketing spend / new accounts "
        "whose first term started in the month.",
        numerator="spend",
        denominator="new accounts",
    ),
    Metric(
        "ltv_to_cac",
        "LTV:CAC",
        Grain.MONTH,
        Unit.RATIO,
        "LTV on the month's last day / the month's CAC.",
        numerator="LTV",
        denominator="CAC",
    ),
    Metric(
        "new_accounts",
        "New accounts",
        Grain.MONTH,
        Unit.COUNT,
        "Accounts whose first term started in the month.",
    ),
    Metric(
        "churned_accounts",
        "Churned accounts",
        Grain.MONTH,
        Unit.COUNT,
        "Accounts active on the month's first day and not active on the next month's first day.",
    ),
]

DAILY: dict[str, Metric] = {m.name: m for m in _DAILY}
MONTHLY: dict[str, Metric] = {m.name: m for m in _MONTHLY}
ALL: dict[str, Metric] = {**DAILY, **MONTHLY}


def describe(metrics: dict[str, Metric]) -> str:
    """Markdown list of the definitions, for API descriptions."""
    return "\n".join(f"- `{m.name}` ({m.label}): {m.definition}" for m in metrics.values())
