"""Short names of the measure sources, for tables, charts, sentences and form choices (the
model's choices carry the full definitions)."""

from django.utils.translation import gettext_lazy

from health.models import Source

SHORT_NAMES = {
    Source.USAGE_FREQUENCY: gettext_lazy("Usage frequency"),
    Source.CORE_DEPTH: gettext_lazy("Core depth"),
    Source.FEATURE_BREADTH: gettext_lazy("Feature breadth"),
    Source.USAGE_TREND: gettext_lazy("Usage trend"),
    Source.NPS_LATEST: gettext_lazy("NPS (mean of contacts' latest answers)"),
    Source.ONBOARDING_PROGRESS: gettext_lazy("Onboarding progress"),
    Source.DAYS_TO_RENEWAL: gettext_lazy("Days to renewal"),
    Source.DAYS_SINCE_ACTIVITY: gettext_lazy("Days since last activity"),
}


def short_name(source: str) -> str:
    return str(SHORT_NAMES.get(source, source))
