"""The platform's tables carry this app's names from here on (renamed in accounts 0006).

Later migrations that point at these models depend on this one, so on a new database they
run after the rename."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("tenants", "0001_initial"),
        ("accounts", "0006_platform_out_of_accounts"),
    ]

    operations = []
