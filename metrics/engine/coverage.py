"""Which accounts are active, with what MRR, on each day: subscription terms as matrices.

An account is active on day d when one of its terms has start <= d < end (open ends are
infinite) or d falls in a renewal gap: a later term of the same account started no later
than the grace window after a term's end, and the days between the end and that start keep
the ended term's MRR. Terms are few (a handful per account), so they are turned into an
accounts x days matrix with difference arrays: one pass, no loop over days.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from metrics.engine.inputs import OPEN_END, day_number


@dataclass
class Coverage:
    first: date  # the day of column 0
    accounts: np.ndarray  # account ids, one per row
    active: np.ndarray  # bool, accounts x days
    cents: np.ndarray  # int64 MRR in cents, accounts x days

    def column(self, day: date) -> int:
        index = (day - self.first).days
        if not 0 <= index < self.active.shape[1]:
            raise ValueError(f"{day} is outside the coverage ({self.first} + {self.days} days).")
        return index

    @property
    def days(self) -> int:
        return self.active.shape[1]


def renewals(terms: pd.DataFrame, grace_days: int) -> pd.DataFrame:
    """For each ended term, its renewal: the earliest later term of the same account that
    started no later than `grace_days` after the end. Columns: term, renewal, renewal_start,
    renewal_cents (NaN where the term was not renewed). Days are day numbers."""
    ended = terms[terms["end"] < OPEN_END]
    pairs = ended.merge(terms, on="account", suffixes=("", "_next"))
    pairs = pairs[
        (pairs["start_next"] > pairs["start"]) & (pairs["start_next"] <= pairs["end"] + grace_days)
    ]
    pairs = pairs.sort_values(["id", "start_next", "id_next"]).drop_duplicates("id")
    found = pairs[["id", "id_next", "start_next", "cents_next"]].rename(
        columns={
            "id": "term",
            "id_next": "renewal",
            "start_next": "renewal_start",
            "cents_next": "renewal_cents",
        }
    )
    return ended[["id"]].rename(columns={"id": "term"}).merge(found, on="term", how="left")


def coverage_build(
    terms: pd.DataFrame, account_ids: np.ndarray, first: date, last: date, grace_days: int
) -> Coverage:
    """Active flags and MRR of every account (rows in `account_ids` order) for each day."""
    days = (last - first).days + 1
    rows = len(account_ids)
    count = np.zeros((rows, days + 1), dtype=np.int32)
    cents = np.zeros((rows, days + 1), dtype=np.int64)
    if len(terms):
        row_of = pd.Series(np.arange(rows), index=account_ids)
        spans = _spans(terms, grace_days)
        spans = spans[spans["account"].isin(row_of.index)]
        row = row_of.loc[spans["account"]].to_numpy()
        base = day_number(first)
        start = np.clip(spans["start"].to_numpy() - base, 0, days)
        end = np.clip(spans["end"].to_numpy() - base, 0, days)
        keep = start < end
        row, start, end = row[keep], start[keep], end[keep]
        value = spans["cents"].to_numpy()[keep]
        np.add.at(count, (row, start), 1)
        np.add.at(count, (row, end), -1)
        np.add.at(cents, (row, start), value)
        np.add.at(cents, (row, end), -value)
    active = np.cumsum(count, axis=1)[:, :days] > 0
    mrr = np.cumsum(cents, axis=1)[:, :days]
    return Coverage(first=first, accounts=np.asarray(account_ids), active=active, cents=mrr)


def _spans(terms: pd.DataFrame, grace_days: int) -> pd.DataFrame:
    """Terms plus renewal gaps, as [start, end) spans of day numbers with MRR in cents."""
    spans = terms[["account", "start", "end", "cents"]]
    renewed = renewals(terms, grace_days).dropna(subset=["renewal"])
    gaps = renewed.merge(terms, left_on="term", right_on="id")
    gaps = gaps[gaps["renewal_start"] > gaps["end"]]
    gap_spans = pd.DataFrame(
        {
            "account": gaps["account"],
            "start": gaps["end"],
            "end": gaps["renewal_start"].astype(np.int64),
            "cents": gaps["cents"],
        }
    )
    return pd.concat([spans, gap_spans], ignore_index=True)
