from django.db import migrations

from core.migrating import postgres_only

# Name search (?q=) is a substring match: a trigram index keeps it fast on a national register.
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_child_search_name_trgm ON registry_child USING gin (search_name gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS registry_child_search_name_trgm"]


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_child_siblings")]
    operations = [postgres_only(FORWARD, BACKWARD)]
