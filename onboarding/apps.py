from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Onboarding"

    def ready(self):
        # The answer email's placeholders come from this app's questions (accounts sends it).
        from accounts.services.customer_email import email_values_register
        from onboarding.services.questions import ANSWER_KEY, answer_email_values

        email_values_register(ANSWER_KEY, answer_email_values)
