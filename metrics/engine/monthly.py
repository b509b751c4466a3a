"""Monthly figures: retention (logo churn, GRR, NRR), renewals, cohorts, CAC and LTV:CAC.

A month [s, e) runs from its first day to the next month's first day; only months whose
next first day is covered (complete months) are computed.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

import numpy as np
import pandas as pd

from metrics.definitions import Grain
from metrics.engine import figures as fig
from metrics.engine.calendar import next_month
from metrics.engine.coverage import Coverage, renewals
from metrics.engine.cuts import Cut, Cuts
from metrics.engine.daily import ltv_figure
from metrics.engine.inputs import OPEN_END, day_number

NONE = fig.Figure(None)


@dataclass
class MonthlyInputs:
    months: list[date]  # first days; each month's next first day must be in the coverage
    coverage: Coverage  # also spans the 3 months before the first month (for LTV)
    cuts: Cuts
    terms: pd.DataFrame
    grace_days: int
    gross_margin: Decimal
    activated_on: dict[int, int]  # account -> first day number of the activation event
    first_value_on: dict[int, int]  # account -> first day number of the first-value event
    has_activation_event: bool
    has_first_value_event: bool
    spend_cents: dict[date, int]


def logo_churn(coverage: Coverage, cuts: Cuts, months: list[date]) -> dict[Cut, dict]:
    """Per cut and month: accounts active at the start and not at the next month's start."""
    result: dict[Cut, dict] = {cut: {} for cut in cuts.all()}
    for month in months:
        start = coverage.active[:, coverage.column(month)]
        end = coverage.active[:, coverage.column(next_month(month))]
        lost = cuts.sum_rows((start & ~end).astype(np.int64)[:, None])
        base = cuts.sum_rows(start.astype(np.int64)[:, None])
        for cut in result:
            result[cut][month] = fig.ratio(int(lost[cut][0]), int(base[cut][0]))
    return result


def monthly_figures(inputs: MonthlyInputs, churn: dict[Cut, dict]) -> list[fig.FigureRow]:
    cov, cuts = inputs.coverage, inputs.cuts
    # Day number of each account's first term start (NaN: no term).
    first_start = inputs.terms.groupby("account")["start"].min().reindex(cuts.accounts)
    due = _due_terms(inputs)
    rows = []
    for month in inputs.months:
        following = next_month(month)
        s, e = cov.column(month), cov.column(following)
        at_start = cov.active[:, s]
        cents_s = np.where(at_start, cov.cents[:, s], 0)
        cents_e = np.where(at_start & cov.active[:, e], cov.cents[:, e], 0)
        sums = cuts.sum_named(
            {
                "lost": (at_start & ~cov.active[:, e]).astype(np.int64),
                "start_cents": cents_s,
                "capped_cents": np.minimum(cents_e, cents_s),  # no expansion counted (GRR)
                "end_cents": cents_e,
            }
        )
        lo, hi = day_number(month), day_number(following)
        cohort = ((first_start >= lo) & (first_start < hi)).to_numpy(dtype=bool)
        month_due = due[(due["end"] >= lo) & (due["end"] < hi)]
        due_sums = _sum_by_account(cuts, month_due, ["due", "renewed", "due_cents", "renew_cents"])
        cohort_stats = _cohort(inputs, cuts, first_start, cohort)
        last_day = following - timedelta(days=1)
        for cut in cuts.all():
            lost, start_cents = sums[cut]["lost"], sums[cut]["start_cents"]
            capped_cents, end_cents = sums[cut]["capped_cents"], sums[cut]["end_cents"]
            n_due, n_renewed = due_sums[cut]["due"], due_sums[cut]["renewed"]
            due_cents, renew_cents = due_sums[cut]["due_cents"], due_sums[cut]["renew_cents"]
            stats = cohort_stats[cut]
            new, activated, reached, ttfv = stats.size, stats.activated, stats.reached, stats.ttfv
            is_all = cut.dimension == "all"
            cac = _cac(inputs, month, new) if is_all else NONE
            values = {
                "logo_churn_rate": churn[cut][month],
                "grr": fig.ratio(fig.cents_to_money(capped_cents), fig.cents_to_money(start_cents)),
                "nrr": fig.ratio(fig.cents_to_money(end_cents), fig.cents_to_money(start_cents)),
                "renewal_rate": fig.ratio(int(n_renewed), int(n_due)),
                "renewal_revenue_rate": fig.ratio(
                    fig.cents_to_money(12 * renew_cents), fig.cents_to_money(12 * due_cents)
                ),
                "activation_rate": (
                    fig.ratio(activated, new)
                    if inputs.has_activation_event
                    else fig.Figure(None, None, Decimal(new))
                ),
                "ttfv_median_days": (
                    fig.Figure(ttfv, Decimal(reached), Decimal(new))
                    if inputs.has_first_value_event
                    else fig.Figure(None, None, Decimal(new))
                ),
                "cac": cac,
                "ltv_to_cac": _ltv_to_cac(inputs, churn[cut], cut, last_day, cac),
                "new_accounts": fig.count(new),
                "churned_accounts": fig.count(lost),
            }
            rows.extend(
                fig.FigureRow(Grain.MONTH.value, month, cut.dimension, cut.key, name, figure)
                for name, figure in values.items()
            )
    return rows


def _due_terms(inputs: MonthlyInputs) -> pd.DataFrame:
    """Ended terms with whether each was renewed and the MRR of its renewal."""
    terms = inputs.terms
    found = renewals(terms, inputs.grace_days)
    due = terms[terms["end"] < OPEN_END].merge(found, left_on="id", right_on="term")
    due["due"] = 1
    due["renewed"] = due["renewal"].notna().astype(np.int64)
    due["due_cents"] = due["cents"]
    due["renew_cents"] = due["renewal_cents"].fillna(0).astype(np.int64)
    return due


def _sum_by_account(cuts: Cuts, frame: pd.DataFrame, columns: list[str]) -> dict[Cut, dict]:
    """Per cut, the sum of each of `columns` by name, over rows, each row counted for its
    account's cuts."""
    matrix = np.zeros((len(cuts.accounts), len(columns)), dtype=np.int64)
    if len(frame):
        rows = cuts.rows_of(frame["account"])
        keep = rows >= 0
        np.add.at(matrix, rows[keep], frame[columns].to_numpy(dtype=np.int64)[keep])
    return cuts.sum_named({name: matrix[:, n] for n, name in enumerate(columns)})


class CohortStats(NamedTuple):
    """A month's signup cohort in one cut."""

    size: int
    activated: int
    reached: int  # reached first value
    ttfv: Decimal | None  # median days to first value


def _cohort(inputs: MonthlyInputs, cuts: Cuts, first_start: pd.Series, cohort: np.ndarray):
    """Per cut, the month's signup cohort: its size, activated, reached first value, and the
    median days to first value."""
    accounts = pd.Series(cuts.accounts)
    activated = accounts.map(inputs.activated_on).notna().to_numpy() & cohort
    reached_on = accounts.map(inputs.first_value_on).to_numpy(dtype=float)
    waits = np.where(cohort, np.maximum(reached_on - first_start.to_numpy(dtype=float), 0), np.nan)
    result = {}
    for dimension, codes in cuts.codes.items():
        for code, cut in enumerate(cuts.names[dimension]):
            inside = (codes == code) & cohort
            reached = inside & ~np.isnan(waits)
            median = None
            if reached.any():
                median = Decimal(str(float(np.median(waits[reached])))).quantize(Decimal("0.1"))
            result[cut] = CohortStats(
                size=int(inside.sum()),
                activated=int((activated & inside).sum()),
                reached=int(reached.sum()),
                ttfv=median,
            )
    return result


def _cac(inputs: MonthlyInputs, month: date, new: int) -> fig.Figure:
    spend = inputs.spend_cents.get(month)
    if spend is None:
        return fig.Figure(None, None, Decimal(new))
    return fig.money_ratio(spend, new)


def _ltv_to_cac(inputs: MonthlyInputs, churn: dict, cut: Cut, day: date, cac: fig.Figure):
    if cac.value is None:
        return NONE
    cov = inputs.coverage
    column = cov.column(day)
    rows = inputs.cuts.codes[cut.dimension] == inputs.cuts.names[cut.dimension].index(cut)
    active = cov.active[rows, column]
    arpu = fig.money_ratio(int(cov.cents[rows, column][active].sum()), int(active.sum()))
    ltv = ltv_figure(arpu, inputs.gross_margin, churn, day)
    if ltv.value is None:
        return NONE
    return fig.ratio(ltv.value, cac.value)
