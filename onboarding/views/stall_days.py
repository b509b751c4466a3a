"""The N of the onboarding pages' "stalled" (`?days=`), within the bounds the alert rule
allows; a missing or bad value reads as the default."""

from onboarding.selectors.stalled import STALL_DAYS

MAX_DAYS = 365


def stall_days(request) -> int:
    try:
        days = int(request.GET.get("days", STALL_DAYS))
    except (TypeError, ValueError):
        return STALL_DAYS
    return days if 1 <= days <= MAX_DAYS else STALL_DAYS
