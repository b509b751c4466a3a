"""manage.py migrate, followed by the row-level security of every tenant-owned table.

Django's own migrate, as the login role that owns the tables, then `rls_ensure`: the
application role, its grants, and the policies of any tenant-owned table that has none yet
(a table a migration just created)."""

from django.apps import apps
from django.core.management.commands import migrate
from django.db import connections

from tenants.cli import OwnerCommand
from tenants.db.rls import rls_ensure


class Command(OwnerCommand, migrate.Command):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        if options.get("plan") or options.get("check_unapplied"):
            return
        covered = rls_ensure(connections[options["database"]], apps)
        if covered and options["verbosity"] >= 1:
            self.stdout.write(f"Row-level security on {len(covered)} tenant-owned tables.")
