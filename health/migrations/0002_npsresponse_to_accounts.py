"""NPS answers now belong to the accounts app (its state since accounts 0005): the table takes
that app's name here, with the state it ends, so migrating health back restores it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("health", "0001_initial"),
        ("accounts", "0005_platform_to_tenants"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL('ALTER TABLE "health_npsresponse" RENAME TO "accounts_npsresponse"; ALTER INDEX "health_npsr_tenant__9ccc24_idx" RENAME TO "accounts_np_tenant__53793a_idx"; ALTER INDEX "health_npsr_tenant__b652a6_idx" RENAME TO "accounts_np_tenant__a3cfb0_idx";', reverse_sql='ALTER TABLE "accounts_npsresponse" RENAME TO "health_npsresponse"; ALTER INDEX "accounts_np_tenant__53793a_idx" RENAME TO "health_npsr_tenant__9ccc24_idx"; ALTER INDEX "accounts_np_tenant__a3cfb0_idx" RENAME TO "health_npsr_tenant__b652a6_idx";'),
            ],
            state_operations=[migrations.DeleteModel(name="NpsResponse")],
        ),
    ]
