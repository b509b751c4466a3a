"""Populations a figure is computed for: all accounts, each segment, each owner CSM.

Every account belongs to the whole tenant, to at most one segment and to at most one owner,
so a cut is a code per account per dimension (-1: not in any cut of that dimension). Sums
per cut are then one grouped sum per dimension, over account rows or event-derived rows.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.models import Dimension


@dataclass(frozen=True)
class Cut:
    dimension: str
    key: str


@dataclass
class Cuts:
    """Codes of each account row for each dimension, and the cut each code names."""

    accounts: np.ndarray
    codes: dict[str, np.ndarray]  # dimension -> code per account row
    names: dict[str, list[Cut]]  # dimension -> cut per code

    @classmethod
    def build(cls, accounts: pd.DataFrame) -> "Cuts":
        codes, names = {Dimension.ALL.value: np.zeros(len(accounts), dtype=np.int64)}, {}
        names[Dimension.ALL.value] = [Cut(Dimension.ALL.value, "")]
        segment = accounts["segment"].to_numpy(dtype=object)
        owner = accounts["owner"].astype("string").fillna("").to_numpy(dtype=object)
        for dimension, values in (
            (Dimension.SEGMENT.value, segment),
            (Dimension.OWNER.value, owner),
        ):
            keys = sorted({value for value in values if value})
            index = {key: code for code, key in enumerate(keys)}
            codes[dimension] = np.array([index.get(value, -1) for value in values], dtype=np.int64)
            names[dimension] = [Cut(dimension, key) for key in keys]
        return cls(accounts=accounts["id"].to_numpy(), codes=codes, names=names)

    def all(self) -> list[Cut]:
        return [cut for cuts in self.names.values() for cut in cuts]

    def rows_of(self, account_ids) -> np.ndarray:
        """Account row of each id (-1 for -1, no account, or an unknown id). Account rows
        are in ascending id order, so a binary search finds them."""
        ids = np.asarray(account_ids, dtype=np.int64)
        rows = np.searchsorted(self.accounts, ids)
        rows = np.minimum(rows, max(len(self.accounts) - 1, 0))
        found = len(self.accounts) > 0
        hit = (self.accounts[rows] == ids) if found else np.zeros(len(ids), dtype=bool)
        return np.where(hit, rows, -1)

    def sum_rows(self, matrix: np.ndarray) -> dict[Cut, np.ndarray]:
        """Per cut, the column sums of `matrix` (one row per account)."""
        result = {}
        for dimension, codes in self.codes.items():
            inside = codes >= 0
            grouped = pd.DataFrame(matrix[inside]).groupby(codes[inside]).sum()
            for code, cut in enumerate(self.names[dimension]):
                if code in grouped.index:
                    result[cut] = grouped.loc[code].to_numpy()
                else:
                    result[cut] = np.zeros(matrix.shape[1], dtype=matrix.dtype)
        return result

    def sum_named(self, columns: dict[str, np.ndarray]) -> dict[Cut, dict[str, int]]:
        """Per cut, the sum of each named column (one value per account row), by name."""
        names = list(columns)
        sums = self.sum_rows(np.stack([columns[name] for name in names], axis=1))
        return {
            cut: dict(zip(names, map(int, values), strict=True)) for cut, values in sums.items()
        }

    def row_codes(self, account_rows: np.ndarray) -> dict[str, np.ndarray]:
        """Per dimension, the cut code of rows that name an account row (-1: none).

        Rows with no account still belong to the whole tenant."""
        result = {}
        for dimension, codes in self.codes.items():
            if dimension == Dimension.ALL.value:
                result[dimension] = np.zeros(len(account_rows), dtype=np.int64)
            else:
                safe = np.where(account_rows >= 0, account_rows, 0)
                result[dimension] = np.where(account_rows >= 0, codes[safe], -1)
        return result

    def bincount(self, account_rows, day, days: int, weights=None) -> dict[Cut, np.ndarray]:
        """Per cut, per day, the count (or weighted sum) of rows."""
        result = {}
        for dimension, codes in self.row_codes(np.asarray(account_rows)).items():
            cuts = self.names[dimension]
            inside = codes >= 0
            flat = codes[inside] * days + np.asarray(day)[inside]
            w = None if weights is None else np.asarray(weights)[inside]
            counts = np.bincount(flat, weights=w, minlength=len(cuts) * days)
            for code, cut in enumerate(cuts):
                result[cut] = counts[code * days : (code + 1) * days]
        return result
