"""Trailing-window usage of every account for every day of a range, from the daily rollups
in one read: what health scores need for a year of history without a query per day.

For each day d the windows are those of `account_usage_as_of`: the trailing `window` days
ending with d, and the `window` days before them."""

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from metrics.engine.inputs import catalog_events, day_number, last_active_before, usage_days_frame
from tenants.models import Tenant

NEVER = -1  # no active day yet


@dataclass(frozen=True)
class UsageHistory:
    first: date  # the day of column 0
    accounts: np.ndarray  # account ids, one per row (those given)
    active_days: np.ndarray  # int, accounts x days: days with events in the trailing window
    events: np.ndarray  # int64: events in the trailing window
    events_before: np.ndarray  # int64: events in the window before it
    features_used: np.ndarray  # int: distinct catalog features used in the trailing window
    core_used: np.ndarray  # int: distinct core features used in the trailing window
    last_active: np.ndarray  # int64 day number of the last day with events so far, or NEVER
    features: int  # distinct features in the catalog
    core_features: int


def _trailing(daily: np.ndarray, window: int, lead: int) -> np.ndarray:
    """Sums over the trailing `window` columns, for the columns from `lead` on."""
    total = np.zeros((daily.shape[0], daily.shape[1] + 1), dtype=np.int64)
    np.cumsum(daily, axis=1, out=total[:, 1:])
    return total[:, lead + 1 :] - total[:, lead + 1 - window : total.shape[1] - window]


def _used_in_window(masks, number, rows, cols, shape, window, lead) -> np.ndarray:
    """Whether feature `number` was used in each day's trailing window."""
    bit = (masks[number // 63] >> (number % 63)) & 1
    used = np.zeros(shape, dtype=np.int32)
    used[rows[bit == 1], cols[bit == 1]] = 1
    return _trailing(used, window, lead) > 0


def usage_history(
    tenant: Tenant, account_ids: np.ndarray, first: date, last: date, window: int = 30
) -> UsageHistory:
    account_ids = np.asarray(account_ids, dtype=np.int64)
    lead = 2 * window - 1  # the days before `first` that its windows reach back to
    start = first - timedelta(days=lead)
    days = (last - start).days + 1
    catalog = catalog_events(tenant)
    words = (len(catalog) + 62) // 63
    frame = usage_days_frame(tenant, start, last, catalog)
    row_of = np.full(1, -1)
    if len(account_ids):
        row_of = np.full(int(account_ids.max()) + 1, -1)
        row_of[account_ids] = np.arange(len(account_ids))
    accounts = frame["account"].to_numpy()
    known = accounts < len(row_of)
    rows = np.where(known, row_of[np.where(known, accounts, 0)], -1)
    keep = rows >= 0
    rows, cols = rows[keep], frame["day"].to_numpy()[keep]
    shape = (len(account_ids), days)
    events = np.zeros(shape, dtype=np.int64)
    np.add.at(events, (rows, cols), frame["events"].to_numpy()[keep])
    active = events > 0

    features_used = np.zeros((len(account_ids), days - lead), dtype=np.int32)
    core_used = np.zeros_like(features_used)
    masks = [frame[f"mask{word}"].to_numpy()[keep] for word in range(words)]
    core_masks = [frame[f"core{word}"].to_numpy()[keep] for word in range(words)]
    for number, (_, core) in enumerate(catalog):
        features_used += _used_in_window(masks, number, rows, cols, shape, window, lead)
        if core:  # used through one of its core events, as `account_usage_as_of` counts
            core_used += _used_in_window(core_masks, number, rows, cols, shape, window, lead)

    before = last_active_before(tenant, start)
    seen = np.full(len(account_ids), NEVER, dtype=np.int64)
    if len(before):
        ids = before["account"].to_numpy()
        ok = ids < len(row_of)
        found = np.where(ok, row_of[np.where(ok, ids, 0)], -1)
        seen[found[found >= 0]] = before["last"].to_numpy()[found >= 0]
    day_numbers = day_number(start) + np.arange(days, dtype=np.int64)
    last_seen = np.where(active, day_numbers, NEVER)
    last_seen[:, 0] = np.maximum(last_seen[:, 0], seen)
    np.maximum.accumulate(last_seen, axis=1, out=last_seen)

    events_window = _trailing(events, window, lead)
    events_earlier = _trailing(events, 2 * window, lead) - events_window
    return UsageHistory(
        first=first,
        accounts=account_ids,
        active_days=_trailing(active.astype(np.int32), window, lead),
        events=events_window,
        events_before=events_earlier,
        features_used=features_used,
        core_used=core_used,
        last_active=last_seen[:, lead:],
        features=len(catalog),
        core_features=sum(1 for _, core in catalog if core),
    )
