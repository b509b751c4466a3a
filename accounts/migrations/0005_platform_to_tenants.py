"""Foreign keys to tenants and members point at the tenants app's models (the same tables);
NPS answers move here from the health app, keeping their rows: customer data lives here. State
only: health 0002 renames the NPS table, 0006 here the platform's tables."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

import tenants.models.tenant


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_tenant_metric_settings"),
        ("health", "0001_initial"),
        ("tenants", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='account',
                    name='owner',
                    field=models.ForeignKey(blank=True, help_text='The CSM who owns the account.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='owned_accounts', to='tenants.membership'),
                ),
                migrations.AlterField(
                    model_name='importjob',
                    name='created_by',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tenants.membership'),
                ),
                migrations.AlterField(
                    model_name='accountnote',
                    name='author',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tenants.membership'),
                ),
                migrations.AlterField(
                    model_name='subscription',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='importjob',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='contact',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='account',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
                migrations.AlterField(
                    model_name='accountnote',
                    name='tenant',
                    field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant'),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='NpsResponse',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('external_id', models.CharField(blank=True, max_length=255, null=True)),
                        ('score', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(10)])),
                        ('comment', models.TextField(blank=True)),
                        ('answered_at', models.DateTimeField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('account', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.account')),
                        ('contact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='nps_responses', to='accounts.contact')),
                        ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
                    ],
                    options={
                        'ordering': ['-answered_at', '-id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='npsresponse',
                    index=models.Index(fields=['tenant', 'contact', 'answered_at'], name='accounts_np_tenant__53793a_idx'),
                ),
                migrations.AddIndex(
                    model_name='npsresponse',
                    index=models.Index(fields=['tenant', 'answered_at'], name='accounts_np_tenant__a3cfb0_idx'),
                ),
                migrations.AddConstraint(
                    model_name='npsresponse',
                    constraint=models.UniqueConstraint(condition=models.Q(('external_id__isnull', False)), fields=('tenant', 'external_id'), name='nps_unique_xid'),
                ),
                migrations.AddConstraint(
                    model_name='npsresponse',
                    constraint=models.CheckConstraint(condition=models.Q(('score__lte', 10)), name='nps_score_0_10'),
                ),
            ],
        ),
    ]
