"""Tenants, their members, invitations and API keys; later also the tenant's customer accounts."""
