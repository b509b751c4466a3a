"""The test model's foreign keys point at the tenants app's models (the same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("test_support", "0001_initial"),
        ("tenants", "0001_initial"),
    ]
    run_before = [("accounts", "0006_platform_out_of_accounts")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="memo",
                    name="membership",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="tenants.membership"
                    ),
                ),
                migrations.AlterField(
                    model_name="memo",
                    name="tenant",
                    field=models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="tenants.tenant",
                    ),
                ),
            ],
        ),
    ]
