"""manage.py flush, as the login role that owns the tables (TRUNCATE is the owner's)."""

from django.core.management.commands import flush

from tenants.cli import OwnerCommand


class Command(OwnerCommand, flush.Command):
    pass
