"""The words of a rule-opened task (its title and the reason it was opened), made from the
figures the rule stored with it, in the language active when they are read: a task opened by
the nightly run reads in Russian for a Russian CSM and in Chinese for a Chinese one.

`alert_words` returns None for figures it cannot word (a task of an older shape, a kind
without rule words); the task's stored title and reason, written in English when it was
opened, are shown then."""

from collections.abc import Callable
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _


def _band(value: str) -> str:
    from health.models import Band  # the models import this module's callers

    return str(Band(value).label)


def _day(value: str) -> str:
    return date_format(date.fromisoformat(value))


def band_dropped(figures: dict) -> tuple[str, str]:
    title = _("Health band dropped to %(band)s") % {"band": _band(figures["band"])}
    reason = _(
        "Health band dropped from %(before)s to %(after)s (score %(score_before)s on "
        "%(day_before)s, %(score)s now)."
    ) % {
        "before": _band(figures["band_before"]),
        "after": _band(figures["band"]),
        "score_before": figures["score_before"],
        "score": figures["score"],
        "day_before": _day(figures["day_before"]),
    }
    return title, reason


def score_fell(figures: dict) -> tuple[str, str]:
    fell, days = figures["points_fell"], figures["window_days"]
    title = ngettext(
        "Health score fell by %(points)s point", "Health score fell by %(points)s points", fell
    ) % {"points": fell}
    reason = ngettext(
        "Health score fell from %(before)s to %(after)s in %(days)s day.",
        "Health score fell from %(before)s to %(after)s in %(days)s days.",
        days,
    ) % {"before": figures["score_before"], "after": figures["score"], "days": days}
    return title, reason


def usage_down(figures: dict) -> tuple[str, str]:
    down = f"{-figures['usage_change_percent']:g}"
    title = _("Usage down %(percent)s%%") % {"percent": down}
    reason = _(
        "Usage events of the last 30 days are down %(percent)s%% against the 30 days "
        "before (the rule fires at %(threshold)s%%)."
    ) % {"percent": down, "threshold": figures["threshold_percent"]}
    return title, reason


def nps_detractor(figures: dict) -> tuple[str, str]:
    answers = figures["answers"]
    title = _("NPS detractor: answered %(score)s") % {"score": figures["lowest_score"]}
    reason = ngettext(
        "%(count)s NPS answer of %(max_score)s or less on %(day)s; the lowest is %(score)s.",
        "%(count)s NPS answers of %(max_score)s or less on %(day)s; the lowest is %(score)s.",
        answers,
    ) % {
        "count": answers,
        "max_score": figures["max_score"],
        "day": _day(figures["day"]),
        "score": figures["lowest_score"],
    }
    return title, reason


def renewal_at_risk(figures: dict) -> tuple[str, str]:
    renews, band = _day(figures["renews_on"]), _band(figures["band"])
    # The date, not a count of days: the task is read on later days too.
    title = _("Renewal on %(date)s, health %(band)s") % {"date": renews, "band": band}
    reason = _(
        "The subscription renews on %(renews)s and the health band is %(band)s (score %(score)s)."
    ) % {"renews": renews, "band": band, "score": figures["score"]}
    return title, reason


def no_activity(figures: dict) -> tuple[str, str]:
    idle, threshold = figures["days_since_activity"], figures["threshold_days"]
    title = ngettext("No activity for %(days)s day", "No activity for %(days)s days", idle) % {
        "days": idle
    }
    reason = _("The last usage event was on %(day)s (the rule fires after %(threshold)s).") % {
        "day": _day(figures["last_active_on"]),
        "threshold": ngettext("%(days)s day", "%(days)s days", threshold) % {"days": threshold},
    }
    return title, reason


def customer_question(figures: dict) -> tuple[str, str]:
    """A question from the onboarding portal: who asked, its first line, and the question
    itself (as the customer typed it) for the reason."""
    title = _("Question from %(who)s: %(text)s") % {"who": figures["who"], "text": figures["short"]}
    return title, figures["text"]


def onboarding_stalled(figures: dict) -> tuple[str, str]:
    titles = figures["step_title"]
    step = titles.get(get_language() or "en") or titles.get("en") or figures["step_key"]
    threshold = ngettext("%(days)s day", "%(days)s days", figures["threshold_days"]) % {
        "days": figures["threshold_days"]
    }
    title = _("Onboarding stalled at “%(step)s”") % {"step": step}
    if figures["reason"] == "overdue":
        reason = _(
            "The required step “%(step)s” was due on %(due)s and is still open (the rule "
            "fires when a step is overdue by more than %(threshold)s)."
        ) % {"step": step, "due": _day(figures["due_on"]), "threshold": threshold}
    else:
        reason = _(
            "No onboarding step was completed since %(day)s (the rule fires after more than "
            "%(threshold)s)."
        ) % {"day": _day(figures["last_progress"]), "threshold": threshold}
    return title, reason


WORDS: dict[str, Callable[[dict], tuple[str, str]]] = {
    "band_dropped": band_dropped,
    "score_fell": score_fell,
    "usage_down": usage_down,
    "nps_detractor": nps_detractor,
    "renewal_at_risk": renewal_at_risk,
    "no_activity": no_activity,
    "customer_question": customer_question,
    "onboarding_stalled": onboarding_stalled,
}


def alert_words(kind: str, figures: dict) -> tuple[str, str] | None:
    """(title, reason) of a task the rule of `kind` opened with `figures`, or None."""
    words = WORDS.get(kind)
    if words is None or not isinstance(figures, dict):
        return None
    try:
        return words(figures)
    except (KeyError, TypeError, ValueError):
        return None
