"""Health scores keep each measure's raw value (`raws`, in the scorecard version's measure
order) and derive the rest of the explanation from them, instead of storing it whole."""

from django.db import migrations, models

TO_RAWS = """
UPDATE health_healthscore SET raws = COALESCE(
    (SELECT jsonb_agg(part -> 'raw' ORDER BY position)
     FROM jsonb_array_elements(parts) WITH ORDINALITY AS p(part, position)),
    '[]'::jsonb)
"""
TO_PARTS = """
UPDATE health_healthscore SET parts = (
    SELECT COALESCE(jsonb_agg(jsonb_build_object('raw', raw) ORDER BY position), '[]'::jsonb)
    FROM jsonb_array_elements(raws) WITH ORDINALITY AS r(raw, position))
"""


class Migration(migrations.Migration):
    dependencies = [("health", "0006_alert_rules")]

    operations = [
        migrations.AddField(
            model_name="healthscore", name="raws", field=models.JSONField(default=list)
        ),
        migrations.RunSQL(TO_RAWS, TO_PARTS),
        migrations.RemoveField(model_name="healthscore", name="parts"),
    ]
