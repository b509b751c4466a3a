"""Foreign keys to tenants and members point at the tenants app's models (the same tables)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("metrics", "0005_contact_time_index"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='accountday',
                    name='tenant',
                    field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='accounteventfirst',
                    name='tenant',
                    field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='acquisitionspend',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='churnreason',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='churnrecord',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='dirtyday',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='eventreceipt',
                    name='tenant',
                    field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='feature',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='metricfigure',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='metricsstate',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='recomputejob',
                    name='requested_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tenants.membership'),
                ),
                migrations.AlterField(
                    model_name='recomputejob',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='usageevent',
                    name='tenant',
                    field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
            ],
        ),
    ]
