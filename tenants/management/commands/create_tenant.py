"""manage.py create_tenant SLUG --name NAME --owner-email E --owner-password P"""

from django.core.exceptions import ValidationError

from tenants.cli import ApplicationCommand, command_error
from tenants.services.tenants import tenant_create


class Command(ApplicationCommand):
    help = (
        "Create a tenant with its owner. Running it again for the same tenant and owner is a no-op."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner-email", required=True)
        parser.add_argument(
            "--owner-password", help="Omit to create the owner with no password (reset by email)."
        )
        parser.add_argument("--time-zone", default="UTC")
        parser.add_argument("--currency", default="USD")

    def handle(
        self, *args, slug, name, owner_email, owner_password, time_zone, currency, **options
    ):
        try:
            tenant, created = tenant_create(
                slug=slug,
                name=name,
                owner_email=owner_email,
                owner_password=owner_password,
                time_zone=time_zone,
                currency=currency.upper(),
            )
        except ValidationError as error:
            raise command_error(error) from None
        verb = "Created" if created else "Already exists:"
        self.stdout.write(f"{verb} tenant {tenant.slug} ({tenant.name}), owner {owner_email}")
