"""manage.py makemigrations, as the login role that owns the tables: it reads the migration
history, which works before the first `migrate` has created the application role."""

from django.core.management.commands import makemigrations

from tenants.cli import OwnerCommand


class Command(OwnerCommand, makemigrations.Command):
    pass
