"""Fixtures of the platform tests: two tenants for the isolation tests."""

from tests.platform.tenant_data import filled_tenants  # noqa: F401  (a fixture)
