from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self) -> None:
        # Onboarding's emails use placeholders only onboarding can fill (the portal link, a
        # portal question and its answer); accounts sends them.
        from accounts.services.email_values import EmailKind, email_kind_register
        from onboarding.services import email_texts
        from onboarding.services.emails import email_values
        from onboarding.services.questions import ANSWER_KEY, answer_email_values

        email_kind_register(
            EmailKind(
                keys=email_texts.KEYS,
                placeholders=email_texts.PLACEHOLDERS,
                required=email_texts.REQUIRED,
                values=email_values,
            )
        )
        email_kind_register(
            EmailKind(
                keys=(ANSWER_KEY,),
                placeholders=("question", "answer", "portal_link"),
                required=("answer",),
                values=answer_email_values,
            )
        )
