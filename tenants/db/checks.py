"""System checks of the database settings that keep tenants apart."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.database, deploy=True)
def row_security_on(app_configs, **kwargs):
    """Row-level security may be off to measure its cost, never in production."""
    if settings.DATABASE_ROW_SECURITY and settings.DATABASES["default"]["ENGINE"] == (
        "tenants.db.backend"
    ):
        return []
    return [
        checks.Warning(
            "Row-level security is off: the application runs as the role that owns the "
            "tables, so the database no longer keeps tenants apart.",
            hint="Unset DATABASE_ROW_SECURITY (it is on by default) and keep the ENGINE "
            "tenants.db.backend.",
            id="tenants.W001",
        )
    ]
