"""The event types an endpoint can subscribe to, with their names for people.

Apps above tenants emit them through `tenants.services.webhooks.webhook_event_emit`; a new
domain's events are added here so endpoints can choose them.
"""

from django.utils.translation import gettext_lazy as _

EVENT_TYPES = {
    "account.health_band_changed": _("An account's health band changed"),
    "account.churned": _("An account churned"),
    "task.opened": _("A task was opened"),
    "nps.answered": _("An NPS question was answered"),
    "onboarding.step_completed": _("An onboarding step was completed"),
    "onboarding.milestone_reached": _("An onboarding milestone was reached"),
}
# Sent by "Send test" only, to the one endpoint; never subscribed to.
TEST_EVENT = "webhook.test"


def event_type_choices() -> list[tuple[str, str]]:
    return list(EVENT_TYPES.items())
