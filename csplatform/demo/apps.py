from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "csplatform.demo"
    label = "demo"
    verbose_name = "Demo data"
