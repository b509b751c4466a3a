import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built and dropped concurrently: the events table keeps taking writes meanwhile.
    atomic = False

    dependencies = [
        ("accounts", "0004_tenant_metric_settings"),
        ("metrics", "0004_metrics_engine"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="usageevent",
            index=models.Index(
                fields=["contact", "timestamp"],
                include=("account", "tenant"),
                name="usageevent_contact_time",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="usageevent",
                    name="contact",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="accounts.contact",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX CONCURRENTLY IF EXISTS metrics_usageevent_contact_id_9ea83698",
                    reverse_sql=(
                        "CREATE INDEX CONCURRENTLY metrics_usageevent_contact_id_9ea83698 "
                        "ON metrics_usageevent (contact_id)"
                    ),
                ),
            ],
        ),
    ]
