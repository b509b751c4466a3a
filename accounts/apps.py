from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Tenants and access"

    def ready(self):
        from accounts.api import schema  # noqa: F401  (registers the OpenAPI auth extension)
