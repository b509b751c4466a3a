"""Typo-tolerant matching needs the pg_trgm extension and a trigram index on the text it
compares. Every PostgreSQL distribution's contrib package has pg_trgm; a server without it
(the embedded one of `make run`) keeps working, with exact and stemmed search only."""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS kb_translation_fuzzy ON knowledgebase_articletranslation "
    "USING gin (fuzzy gin_trgm_ops)"
)


def trigram_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(INDEX)


def drop_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS kb_translation_fuzzy")


class Migration(migrations.Migration):
    dependencies = [("knowledgebase", "0001_initial")]

    operations = [migrations.RunPython(trigram_index, drop_index)]
