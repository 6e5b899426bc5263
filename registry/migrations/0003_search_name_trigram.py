from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_child_search_name_trgm ON registry_child USING gin (search_name gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS registry_child_search_name_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        # Name search (?q=) is a substring match: a trigram index keeps it fast on a national
        # register. PostgreSQL only; the embedded SQLite default scans (fine at its size).
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return apply


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_child_siblings")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
