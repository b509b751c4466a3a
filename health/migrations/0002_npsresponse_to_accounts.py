"""NPS answers now belong to the accounts app (the table is renamed there, in 0005)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("health", "0001_initial"),
        ("accounts", "0005_platform_to_tenants"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="NpsResponse")],
        ),
    ]
