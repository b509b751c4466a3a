"""Every account's trailing usage windows as of one day, carried from one day to the next.

`account_usage_as_of` aggregates 60 days of rollups for every account. A nightly run needs
the windows of the day after the last one it computed, and they differ from those by three
days only: the new day enters the trailing window, the day 30 days earlier moves from it to
the window before, and the day 60 days earlier leaves. `windows_advance` applies those three
days' rollups to the windows of the day before, reading a few thousand rollup rows instead
of every account's 60 days.

The windows are exact only while the rollups of their 60 days stay as they were read: the
caller keeps them for the next day only when no rollup of those days was rebuilt since
(health scores: a scoring run that includes a day of the windows forgets them).
"""

import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from metrics.engine.inputs import catalog_events, day_number, usage_days_frame, usage_windows_frame
from tenants.models import Tenant

NEVER = -1  # no day with events in the windows, or seen since


@dataclass(frozen=True)
class UsageWindows:
    """Windows of `window` days ending with `day` (trailing) and the `window` days before
    it, for the accounts with rollups in them (rows, ascending account ids)."""

    day: date
    window: int
    catalog_key: str  # the feature catalog they were counted with
    accounts: np.ndarray  # int64 account ids
    active_days: np.ndarray  # int64: days with events in the trailing window
    events: np.ndarray  # int64: events in the trailing window
    events_before: np.ndarray  # int64: events in the window before it
    feature_days: np.ndarray  # int16 accounts x features: days each feature was used
    core_days: np.ndarray  # int16 accounts x features: days used through a core event
    last_active: np.ndarray  # int64 day number of the last day with events, or NEVER
    # Whether the rows are every account of the tenant as of the windows' build, with the
    # last day with events of those idle through both windows too (`windows_whole`): an
    # account's NEVER then means no events ever, and only accounts created since need to be
    # looked up.
    whole: bool = False

    def frame(self) -> pd.DataFrame:
        """Per account: active days, events, events before, the distinct features used and
        core-used in the trailing window, and the last day with events (or NEVER)."""
        return pd.DataFrame(
            {
                "account": self.accounts,
                "active_days": self.active_days,
                "events": self.events,
                "events_before": self.events_before,
                "features_used": (self.feature_days > 0).sum(axis=1).astype(np.int64),
                "core_used": (self.core_days > 0).sum(axis=1).astype(np.int64),
                "last_active": self.last_active,
            }
        )

    def dumps(self) -> bytes:
        """The arrays, compressed: mostly small numbers, they shrink to a fifth or less
        (written every night, and quicker compressed here than by the database)."""
        buffer = io.BytesIO()
        np.savez(
            buffer,
            meta=np.array([day_number(self.day), self.window, self.whole], dtype=np.int64),
            key=np.array([self.catalog_key]),
            **{name: getattr(self, name) for name in _ARRAYS},
        )
        return zlib.compress(buffer.getvalue(), 1)

    @classmethod
    def loads(cls, data: bytes) -> "UsageWindows | None":
        """The windows `dumps` wrote; None for data it did not write (or an earlier
        version of it), which is built again rather than read."""
        try:
            return cls._loads(data)
        except (zlib.error, zipfile.BadZipFile, OSError, ValueError, KeyError, TypeError):
            return None

    @classmethod
    def _loads(cls, data: bytes) -> "UsageWindows":
        with np.load(io.BytesIO(zlib.decompress(data)), allow_pickle=False) as stored:
            day, window, *whole = stored["meta"].tolist()
            arrays = {name: stored[name] for name in _ARRAYS}
            return cls(
                day=date(1970, 1, 1) + timedelta(days=day),
                window=window,
                catalog_key=str(stored["key"][0]),
                **arrays,
                whole=bool(whole and whole[0]),
            )


_ARRAYS = [
    "accounts",
    "active_days",
    "events",
    "events_before",
    "feature_days",
    "core_days",
    "last_active",
]


def catalog_key(catalog) -> str:
    return hashlib.sha256(repr(catalog).encode()).hexdigest()


@dataclass(frozen=True)
class _Days:
    """Rollup rows of some days: account, day offset, events, features used (bool matrix,
    rows x features) and features used through a core event."""

    accounts: np.ndarray
    offsets: np.ndarray
    events: np.ndarray
    used: np.ndarray
    core: np.ndarray


def _read(tenant: Tenant, first: date, last: date, catalog, only=None) -> _Days:
    frame = usage_days_frame(tenant, first, last, catalog, only=only)

    def bits(prefix: str) -> np.ndarray:
        matrix = np.zeros((len(frame), len(catalog)), dtype=bool)
        for number in range(len(catalog)):
            word = frame[f"{prefix}{number // 63}"].to_numpy()
            matrix[:, number] = (word >> (number % 63)) & 1 == 1
        return matrix

    return _Days(
        accounts=frame["account"].to_numpy(dtype=np.int64),
        offsets=frame["day"].to_numpy(dtype=np.int64),
        events=frame["events"].to_numpy(dtype=np.int64),
        used=bits("mask"),
        core=bits("core"),
    )


def windows_build(tenant: Tenant, day: date, window: int = 30) -> UsageWindows:
    """The windows ending with `day`, aggregated from their days' rollups."""
    if not 1 <= window <= 366:  # day counts are kept as int16
        raise ValueError(f"A usage window of {window} days is out of range (1-366).")
    catalog = catalog_events(tenant)
    recent = day - timedelta(days=window - 1)
    first = recent - timedelta(days=window)
    frame = usage_windows_frame(tenant, first, day, recent, catalog)

    def matrix(column: str) -> np.ndarray:
        # "{3,0,1}" per account: one parse of all of them.
        shape = (len(frame), len(catalog))
        if not len(catalog) or not len(frame):
            return np.zeros(shape, dtype=np.int16)
        text = ",".join(frame[column].str.slice(1, -1))
        return np.array(text.split(","), dtype=np.int16).reshape(shape)

    return UsageWindows(
        day=day,
        window=window,
        catalog_key=catalog_key(catalog),
        accounts=frame["account"].to_numpy(dtype=np.int64),
        active_days=frame["active_days"].to_numpy(dtype=np.int64),
        events=frame["events"].to_numpy(dtype=np.int64),
        events_before=frame["events_before"].to_numpy(dtype=np.int64),
        feature_days=matrix("features"),
        core_days=matrix("core"),
        last_active=frame["last_active"].to_numpy(dtype=np.int64),
    )


def windows_advance(tenant: Tenant, previous: UsageWindows) -> UsageWindows | None:
    """The windows of the day after `previous`'s, from three days' rollups; None when the
    catalog changed since (they must be built again)."""
    catalog = catalog_events(tenant)
    if catalog_key(catalog) != previous.catalog_key:
        return None
    window = previous.window
    day = previous.day + timedelta(days=1)
    entering = day  # into the trailing window
    moving = day - timedelta(days=window)  # from the trailing window to the one before
    leaving = day - timedelta(days=2 * window)  # out of both
    rows = _read(tenant, leaving, day, catalog, only=[leaving, moving, entering])
    accounts = np.union1d(previous.accounts, rows.accounts)
    at = np.searchsorted(accounts, previous.accounts)

    def widened(values, fill=0) -> np.ndarray:
        shape = (len(accounts), *values.shape[1:])
        out = np.full(shape, fill, dtype=values.dtype)
        out[at] = values
        return out

    active_days = widened(previous.active_days)
    events = widened(previous.events)
    events_before = widened(previous.events_before)
    feature_days = widened(previous.feature_days)
    core_days = widened(previous.core_days)
    last_active = widened(previous.last_active, NEVER)

    row = np.searchsorted(accounts, rows.accounts)
    offset = rows.offsets
    sign = np.where(offset == (entering - leaving).days, 1, 0)
    sign = np.where(offset == (moving - leaving).days, -1, sign)  # window >= 1: distinct days
    active = rows.events > 0
    # Into (+1) and out of (-1) the trailing window.
    np.add.at(active_days, row, sign * active)
    np.add.at(events, row, sign * rows.events)
    np.add.at(feature_days, row, (sign[:, None] * rows.used).astype(np.int16))
    np.add.at(core_days, row, (sign[:, None] * rows.core).astype(np.int16))
    # Into (the moving day) and out of (the leaving day) the window before.
    before = np.where(offset == 0, -1, np.where(sign == -1, 1, 0))
    np.add.at(events_before, row, before * rows.events)
    new_day = active & (sign == 1)
    np.maximum.at(last_active, row[new_day], day_number(entering))
    return UsageWindows(
        day=day,
        window=window,
        catalog_key=previous.catalog_key,
        accounts=accounts,
        active_days=active_days,
        events=events,
        events_before=events_before,
        feature_days=feature_days,
        core_days=core_days,
        last_active=last_active,
        whole=previous.whole,
    )


def windows_whole(windows: UsageWindows, accounts, idle_last: dict[int, int]) -> UsageWindows:
    """`windows` with a row for each of `accounts` (every account of the tenant) and, for
    the accounts idle through both windows, their last day with events before them
    (`idle_last`: account -> day number; absent: none ever)."""
    ids = np.union1d(windows.accounts, np.asarray(accounts, dtype=np.int64))
    at = np.searchsorted(ids, windows.accounts)

    def widened(values, fill=0) -> np.ndarray:
        out = np.full((len(ids), *values.shape[1:]), fill, dtype=values.dtype)
        out[at] = values
        return out

    last_active = widened(windows.last_active, NEVER)
    if idle_last:
        found = np.fromiter(idle_last.keys(), dtype=np.int64, count=len(idle_last))
        days = np.fromiter(idle_last.values(), dtype=np.int64, count=len(idle_last))
        known = np.isin(found, ids)
        rows = np.searchsorted(ids, found[known])
        idle = last_active[rows] == NEVER  # a day in the windows is the later one
        last_active[rows[idle]] = days[known][idle]
    return UsageWindows(
        day=windows.day,
        window=windows.window,
        catalog_key=windows.catalog_key,
        accounts=ids,
        active_days=widened(windows.active_days),
        events=widened(windows.events),
        events_before=widened(windows.events_before),
        feature_days=widened(windows.feature_days),
        core_days=widened(windows.core_days),
        last_active=last_active,
        whole=True,
    )
