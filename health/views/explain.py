"""Health scores in words for the pages: short measure names, a raw value as a phrase, the
measure that pulled a score down most, and the change against an earlier day."""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from health.labels import short_name
from health.models import Source


def _figure(value) -> str:
    number = float(value)
    return f"{number:.0f}" if number == round(number) else f"{number:.1f}"


def raw_phrase(source: str, raw) -> str:
    """ "4 active days in 30", "no data"."""
    if raw is None:
        return _("no data")
    figure = _figure(raw)
    count = round(float(raw))
    phrases = {
        Source.USAGE_FREQUENCY: lambda: (
            ngettext("%(n)s active day in 30", "%(n)s active days in 30", count) % {"n": figure}
        ),
        Source.CORE_DEPTH: lambda: _("%(n)s%% of core features used") % {"n": figure},
        Source.FEATURE_BREADTH: lambda: _("%(n)s%% of features used") % {"n": figure},
        Source.USAGE_TREND: lambda: (
            _("usage %(n)s%% against the 30 days before")
            % {"n": ("+" if float(raw) > 0 else "") + figure}
        ),
        Source.NPS_LATEST: lambda: _("a mean latest NPS answer of %(n)s") % {"n": figure},
        Source.ONBOARDING_PROGRESS: lambda: _("%(n)s%% of onboarding steps done") % {"n": figure},
        Source.DAYS_TO_RENEWAL: lambda: (
            ngettext("%(n)s day to renewal", "%(n)s days to renewal", count) % {"n": figure}
        ),
        Source.DAYS_SINCE_ACTIVITY: lambda: (
            ngettext("%(n)s day since last activity", "%(n)s days since last activity", count)
            % {"n": figure}
        ),
    }
    phrase = phrases.get(source)
    return phrase() if phrase else figure


def lost_points(part: dict) -> float:
    """The points a measure kept the score from: its effective weight x (100 - its score)."""
    if not part.get("effective_weight"):
        return 0.0
    return float(part["effective_weight"]) * 100 - float(part["contribution"])


def weakest_sentence(parts: list[dict]) -> str | None:
    """ "Usage frequency pulled the score down most: 4 active days in 30 scored 13"; None when
    no measure cost any points."""
    counted = [part for part in parts if lost_points(part) > 0]
    if not counted:
        return None
    part = max(counted, key=lost_points)
    values = {
        "measure": short_name(part["source"]),
        "raw": raw_phrase(part["source"], part["raw"]),
        "score": _figure(part["score"]),
    }
    if part["missing"]:
        return _("%(measure)s pulled the score down most: no data, counted as %(score)s") % values
    return _("%(measure)s pulled the score down most: %(raw)s scored %(score)s") % values


def tenths_adding_up(values: list[float]) -> list[float]:
    """The values with one decimal, adding up to their total with one decimal (the largest
    remainders take the rounding), so that a column of them visibly does."""
    tenths = [float(value) * 10 for value in values]
    floors = [math.floor(value) for value in tenths]
    short = round(sum(tenths)) - sum(floors)
    by_remainder = sorted(range(len(values)), key=lambda i: floors[i] - tenths[i])
    for index in by_remainder[:short]:
        floors[index] += 1
    return [value / 10 for value in floors]


def percents_adding_up(shares: list[float]) -> list[float]:
    """Shares as percentages with one decimal that add up to 100.0; all 0 when the shares
    add up to nothing."""
    total = sum(float(share) for share in shares)
    if total <= 0:
        return [0.0 for _ in shares]
    return tenths_adding_up([float(share) / total * 100 for share in shares])


@dataclass(frozen=True)
class Change:
    days: int
    points: int | None  # None: no score that day

    @property
    def arrow(self) -> str:
        if self.points is None:
            return ""
        return "↑" if self.points > 0 else "↓" if self.points < 0 else "→"

    @property
    def direction(self) -> str:
        if not self.points:
            return "flat"
        return "up" if self.points > 0 else "down"

    @property
    def size(self) -> int | None:
        """The change without its sign: the words and the arrow say which way."""
        return None if self.points is None else abs(self.points)

    @property
    def signed(self) -> str:
        if self.points is None:
            return _("n/a")
        return f"{self.points:+d}" if self.points else "±0"  # signs read the same everywhere


def change(score: int | None, before: int | None, days: int) -> Change:
    points = None if score is None or before is None else score - before
    return Change(days, points)
