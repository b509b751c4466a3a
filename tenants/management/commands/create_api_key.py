"""manage.py create_api_key SLUG --name NAME  (the new key alone on the last line)"""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from tenants.cli import ApplicationCommand, command_error
from tenants.models import Tenant
from tenants.services.api_keys import api_key_create
from tenants.tenancy.context import tenant_scope


class Command(ApplicationCommand):
    help = "Create an API key for a tenant and print it (shown once; only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)

    def handle(self, *args, slug, name, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(f"No tenant with slug {slug!r}; create it with create_tenant first.")
        try:
            with tenant_scope(tenant):
                api_key, raw_key = api_key_create(tenant=tenant, name=name)
        except ValidationError as error:
            raise command_error(error) from None
        self.stderr.write(
            f"Created API key {api_key.name!r} ({api_key.prefix}…) for {tenant.slug}."
        )
        self.stdout.write(raw_key)
