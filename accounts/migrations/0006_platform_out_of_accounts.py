"""The platform's tables take the tenants app's names and the accounts app forgets their old
models; their content types, and so their permissions and admin history, move with them.

The rename is here, with the state it ends, so that migrating accounts back to 0004 gives the
old tables back, whatever else stays applied."""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models

import tenants.models.tenant


MOVED = {
    "accounts": ("tenants", ["tenant", "membership", "invitation", "tenantapikey"]),
    "health": ("accounts", ["npsresponse"]),
}


def move_content_types(apps, schema_editor, reverse=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_label, (new_label, models_) in MOVED.items():
        source, target = (new_label, old_label) if reverse else (old_label, new_label)
        for model in models_:
            # A content type created meanwhile under the new label would collide; the old one,
            # which the permissions and admin history point at, wins.
            if ContentType.objects.filter(app_label=source, model=model).exists():
                ContentType.objects.filter(app_label=target, model=model).delete()
            ContentType.objects.filter(app_label=source, model=model).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0005_platform_to_tenants"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("health", "0002_npsresponse_to_accounts"),
        ("metrics", "0006_platform_to_tenants"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL('ALTER TABLE "accounts_tenant" RENAME TO "tenants_tenant"; ALTER TABLE "accounts_membership" RENAME TO "tenants_membership"; ALTER TABLE "accounts_invitation" RENAME TO "tenants_invitation"; ALTER TABLE "accounts_tenantapikey" RENAME TO "tenants_tenantapikey";', reverse_sql='ALTER TABLE "tenants_tenant" RENAME TO "accounts_tenant"; ALTER TABLE "tenants_membership" RENAME TO "accounts_membership"; ALTER TABLE "tenants_invitation" RENAME TO "accounts_invitation"; ALTER TABLE "tenants_tenantapikey" RENAME TO "accounts_tenantapikey";'),
            ],
            state_operations=[
                migrations.RemoveField(
                    model_name='membership',
                    name='tenant',
                ),
                migrations.RemoveField(
                    model_name='membership',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='tenantapikey',
                    name='tenant',
                ),
                migrations.RemoveField(
                    model_name='tenantapikey',
                    name='created_by',
                ),
                migrations.DeleteModel(
                    name='Invitation',
                ),
                migrations.DeleteModel(
                    name='Membership',
                ),
                migrations.DeleteModel(
                    name='Tenant',
                ),
                migrations.DeleteModel(
                    name='TenantAPIKey',
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
