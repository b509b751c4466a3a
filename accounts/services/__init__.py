"""Write operations of the accounts app (tenants, members, invitations, API keys)."""
