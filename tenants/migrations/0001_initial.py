"""The platform's models move here from the accounts app, keeping their rows. This creates
their state only; accounts 0006 renames the tables and forgets the old models, and 0002 here
marks the tables as in place for every later migration."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

import tenants.models.tenant


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # Every migration that created a foreign key to the old tables runs first.
        ("accounts", "0004_tenant_metric_settings"),
        ("health", "0001_initial"),
        ("metrics", "0005_contact_time_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Tenant',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200)),
                        ('slug', models.SlugField(unique=True, validators=[django.core.validators.RegexValidator('^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$', 'Use 1-50 lowercase letters, digits and hyphens, not starting or ending with a hyphen.')])),
                        ('time_zone', models.CharField(default='UTC', max_length=64, validators=[tenants.models.tenant.validate_time_zone])),
                        ('currency', models.CharField(default='USD', max_length=3, validators=[tenants.models.tenant.validate_currency])),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('renewal_grace_days', models.PositiveSmallIntegerField(default=30, help_text='Days after a term ends within which a new term counts as its renewal.', validators=[django.core.validators.MaxValueValidator(365)])),
                        ('gross_margin', models.DecimalField(decimal_places=4, default=Decimal('1'), help_text='Gross margin used for LTV, as a fraction (1 = 100%).', max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.0001')), django.core.validators.MaxValueValidator(Decimal('1'))])),
                        ('adoption_min_days', models.PositiveSmallIntegerField(default=4, help_text='Distinct days with a core feature in trailing 30 days for an adopted account.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(30)])),
                        ('nps_window_days', models.PositiveSmallIntegerField(default=90, help_text="Trailing days whose NPS answers count (each contact's latest).", validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(730)])),
                        ('activation_event', models.CharField(blank=True, help_text='The event that marks an account as activated (its onboarding milestone).', max_length=200)),
                        ('first_value_event', models.CharField(blank=True, help_text="The event that marks an account's first value (for time to first value).", max_length=200)),
                    ],
                    options={
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='TenantAPIKey',
                    fields=[
                        ('id', models.CharField(editable=False, max_length=150, primary_key=True, serialize=False, unique=True)),
                        ('prefix', models.CharField(editable=False, max_length=8, unique=True)),
                        ('hashed_key', models.CharField(editable=False, max_length=150)),
                        ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('name', models.CharField(default=None, help_text='A free-form name for the API key. Need not be unique. 50 characters max.', max_length=50)),
                        ('revoked', models.BooleanField(blank=True, default=False, help_text='If the API key is revoked, clients cannot use it anymore. (This cannot be undone.)')),
                        ('expiry_date', models.DateTimeField(blank=True, help_text='Once API key expires, clients cannot use it anymore.', null=True, verbose_name='Expires')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
                    ],
                    options={
                        'verbose_name': 'API key',
                        'verbose_name_plural': 'API keys',
                        'ordering': ('-created',),
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('admin', 'Admin'), ('csm', 'Customer success manager'), ('viewer', 'Viewer')], default='csm', max_length=16)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                        ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
                    ],
                    options={
                        'ordering': ['created_at', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('tenant', 'user'), name='membership_unique_user')],
                    },
                ),
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254)),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('admin', 'Admin'), ('csm', 'Customer success manager'), ('viewer', 'Viewer')], default='csm', max_length=16)),
                        ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('tenant', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.tenant')),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                        'constraints': [models.UniqueConstraint(models.F('tenant'), django.db.models.functions.text.Lower('email'), condition=models.Q(('accepted_at__isnull', True), ('revoked_at__isnull', True)), name='invitation_one_open_per_email')],
                    },
                ),
            ],
        ),
    ]
