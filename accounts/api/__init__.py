"""REST API of the accounts app: authentication by API key, tenant, members, invitations."""
