"""Daily snapshot figures for a run of local days, for every cut, from frames and coverage.

Trailing-window counts of distinct contacts (WAU, MAU) and each contact's latest NPS answer
use the same device: a row at day x stands for its contact until the contact's next row or
until the window closes, whichever comes first. Those spans never overlap for one contact,
so a difference array over them counts each contact once per day.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from metrics.definitions import Grain
from metrics.engine import figures as fig
from metrics.engine.coverage import Coverage
from metrics.engine.cuts import Cut, Cuts

ADOPTION_WINDOW = 30


@dataclass
class DailyInputs:
    first: date  # the first day to compute
    last: date
    coverage: Coverage  # must span from 3 months before `first`'s month to `last` + 1 day
    cuts: Cuts
    user_days: pd.DataFrame  # from `first` - 29 days; day = offset from that base
    session_seconds: pd.DataFrame  # from `first`; day = offset from `first`
    core_days: pd.DataFrame  # from `first` - 29 days; day = offset from that base
    nps: pd.DataFrame  # from `first` - (window - 1) days; day = offset from that base
    nps_window: int
    adoption_min_days: int
    gross_margin: Decimal
    churn_by_month: dict[Cut, dict[date, fig.Figure]]  # logo churn, for LTV


def daily_figures(inputs: DailyInputs) -> list[fig.FigureRow]:
    days = (inputs.last - inputs.first).days + 1
    cov, cuts = inputs.coverage, inputs.cuts
    lo = cov.column(inputs.first)
    active = cov.active[:, lo : lo + days]
    cents = np.where(active, cov.cents[:, lo : lo + days], 0)
    active_by_cut = cuts.sum_rows(active.astype(np.int64))
    cents_by_cut = cuts.sum_rows(cents)
    owners = _owners_with_active_accounts(cuts, active)
    adopted_by_cut = cuts.sum_rows(_adopted(inputs, active).astype(np.int64))
    users = _active_users(inputs, days)
    answers = _nps_counts(inputs, days)

    rows = []
    for cut in cuts.all():
        n_active, mrr_cents = active_by_cut[cut], cents_by_cut[cut]
        dau, wau, mau, seconds = (users[name].get(cut, np.zeros(days)) for name in USER_SERIES)
        promoters, detractors, answering = (
            answers[name].get(cut, np.zeros(days)) for name in NPS_SERIES
        )
        for offset in range(days):
            day = inputs.first + timedelta(days=offset)
            arpu = fig.money_ratio(mrr_cents[offset], n_active[offset])
            values = {
                "active_accounts": fig.count(n_active[offset]),
                "mrr": fig.money(mrr_cents[offset]),
                "arr": fig.money(12 * mrr_cents[offset]),
                "arpu": arpu,
                "ltv": ltv_figure(
                    arpu, inputs.gross_margin, inputs.churn_by_month.get(cut, {}), day
                ),
                "nps": fig.nps(
                    int(promoters[offset]), int(detractors[offset]), int(answering[offset])
                ),
                "dau": fig.count(dau[offset]),
                "wau": fig.count(wau[offset]),
                "mau": fig.count(mau[offset]),
                "stickiness": fig.ratio(int(dau[offset]), int(mau[offset])),
                "time_in_app_seconds": fig.ratio(int(seconds[offset]), int(dau[offset])),
                "adoption_rate": fig.ratio(int(adopted_by_cut[cut][offset]), int(n_active[offset])),
                "arr_per_csm": fig.money_ratio(12 * mrr_cents[offset], owners[cut][offset]),
            }
            rows.extend(
                fig.FigureRow(Grain.DAY.value, day, cut.dimension, cut.key, name, figure)
                for name, figure in values.items()
            )
    return rows


def _owners_with_active_accounts(cuts: Cuts, active: np.ndarray) -> dict[Cut, np.ndarray]:
    """Per cut and day, how many distinct CSMs own at least one active account."""
    owner_codes = cuts.codes["owner"]
    owned = owner_codes >= 0
    result = {}
    for dimension, codes in cuts.codes.items():
        for code, cut in enumerate(cuts.names[dimension]):
            rows = owned & (codes == code)
            if not rows.any():
                result[cut] = np.zeros(active.shape[1], dtype=np.int64)
                continue
            frame = pd.DataFrame(active[rows]).groupby(owner_codes[rows]).any()
            result[cut] = frame.sum(axis=0).to_numpy()
    return result


def _adopted(inputs: DailyInputs, active: np.ndarray) -> np.ndarray:
    """Accounts x days: active and with a core feature on enough of the trailing 30 days."""
    days = active.shape[1]
    span = days + ADOPTION_WINDOW - 1
    used = np.zeros((len(inputs.cuts.accounts), span + 1), dtype=np.int32)
    core = inputs.core_days
    rows = inputs.cuts.rows_of(core["account"].to_numpy())
    keep = (rows >= 0) & (core["day"].to_numpy() < span)
    used[rows[keep], core["day"].to_numpy()[keep] + 1] = 1
    running = np.cumsum(used, axis=1)
    # Trailing window of day t (column t + 29 of `used`): columns t+1 .. t+30 of the cumsum.
    window = running[:, ADOPTION_WINDOW:] - running[:, :days]
    return active & (window >= inputs.adoption_min_days)


USER_SERIES = ("dau", "wau", "mau", "seconds")


def _active_users(inputs: DailyInputs, days: int) -> dict[str, dict[Cut, np.ndarray]]:
    frame, cuts = inputs.user_days, inputs.cuts
    base = ADOPTION_WINDOW - 1  # user days start 29 days before the first day
    rows = cuts.rows_of(frame["account"])
    day, contact = frame["day"].to_numpy(), frame["contact"].to_numpy()
    today = day >= base
    seconds = inputs.session_seconds
    return {
        "dau": cuts.bincount(rows[today], day[today] - base, days),
        "seconds": cuts.bincount(
            cuts.rows_of(seconds["account"]),
            seconds["day"].to_numpy(),
            days,
            weights=seconds["seconds"].to_numpy(),
        ),
        "wau": _distinct_in_window(cuts, rows, contact, day, 7, base, days),
        "mau": _distinct_in_window(cuts, rows, contact, day, 30, base, days),
    }


def _spans(keys: np.ndarray, day: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """[start, end) of each row: from its day until the next row of the same key or the end
    of the window. Rows must be sorted by (key, day)."""
    following = np.full(len(day), np.iinfo(np.int64).max, dtype=np.int64)
    if len(day) > 1:
        same = keys[1:] == keys[:-1]
        following[:-1] = np.where(same, day[1:], following[:-1])
    return day.astype(np.int64), np.minimum(following, day.astype(np.int64) + window)


def _span_counts(codes, start, end, n_cuts: int, base: int, days: int) -> np.ndarray:
    """Cuts x days: how many spans cover each day (days counted from `base`)."""
    width = base + days + 1
    start = np.clip(start, 0, width - 1)
    end = np.clip(end, 0, width - 1)
    diff = np.bincount(codes * width + start, minlength=n_cuts * width)
    diff = diff - np.bincount(codes * width + end, minlength=n_cuts * width)
    return np.cumsum(diff.reshape(n_cuts, width), axis=1)[:, base : base + days]


def _distinct_in_window(cuts: Cuts, rows, contact, day, window, base, days):
    result = {}
    for dimension, codes in cuts.row_codes(rows).items():
        inside = codes >= 0
        c, who, d = codes[inside], contact[inside], day[inside]
        order = np.lexsort((d, who, c))
        c, who, d = c[order], who[order], d[order]
        key = c.astype(np.int64) * (int(who.max(initial=0)) + 1) + who
        start, end = _spans(key, d, window)
        counts = _span_counts(c, start, end, len(cuts.names[dimension]), base, days)
        for code, cut in enumerate(cuts.names[dimension]):
            result[cut] = counts[code]
    return result


NPS_SERIES = ("promoters", "detractors", "answering")


def _nps_counts(inputs: DailyInputs, days: int) -> dict[str, dict[Cut, np.ndarray]]:
    frame, cuts, window = inputs.nps, inputs.cuts, inputs.nps_window
    base = window - 1
    rows = cuts.rows_of(frame["account"])
    score, contact, day = (frame[name].to_numpy() for name in ("score", "contact", "day"))
    result = {name: {} for name in NPS_SERIES}
    for dimension, codes in cuts.row_codes(rows).items():
        inside = codes >= 0
        c, who, d, s = codes[inside], contact[inside], day[inside], score[inside]
        # The frame is ordered by contact and answer time: a stable sort keeps that order.
        order = np.lexsort((np.arange(len(c)), who, c))
        c, who, d, s = c[order], who[order], d[order], s[order]
        key = c.astype(np.int64) * (int(who.max(initial=0)) + 1) + who
        start, end = _spans(key, d, window)
        n_cuts = len(cuts.names[dimension])
        for name, mask in (
            ("promoters", s >= 9),
            ("detractors", s <= 6),
            ("answering", np.ones(len(s), dtype=bool)),
        ):
            counts = _span_counts(c[mask], start[mask], end[mask], n_cuts, base, days)
            for code, cut in enumerate(cuts.names[dimension]):
                result[name][cut] = counts[code]
    return result


def ltv_figure(arpu: fig.Figure, margin: Decimal, churn: dict[date, fig.Figure], day: date):
    """ARPU x margin / mean of the defined logo churn rates of the 3 months before `day`'s."""
    month = day.replace(day=1)
    rates = []
    for back in (1, 2, 3):
        index = month.year * 12 + month.month - 1 - back
        figure = churn.get(date(index // 12, index % 12 + 1, 1))
        if figure is not None and figure.value is not None:
            rates.append(figure.numerator / figure.denominator)
    if arpu.value is None:
        return fig.Figure(None)
    exact = arpu.numerator / arpu.denominator * margin  # ARPU before rounding to cents
    numerator = exact.quantize(fig.CENT, ROUND_HALF_UP)
    if not rates or not sum(rates):
        return fig.Figure(None, numerator, Decimal(0) if rates else None)
    mean = sum(rates) / len(rates)
    value = (exact / mean).quantize(fig.CENT, ROUND_HALF_UP)
    return fig.Figure(value, numerator, mean.quantize(fig.RATIO_PLACES, ROUND_HALF_UP))
