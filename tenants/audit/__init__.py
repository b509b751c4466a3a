"""The audit log: who changed what and when, one tenant's entries at a time (django-auditlog)."""
