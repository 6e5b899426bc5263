"""An applicant is found by name in either script, as a child is: a search key of both names
(registry.rules.name_key, computed for the applicants already recorded), on a trigram index that
replaces the two on each name in any case (migration 0012), which nothing reads any more."""

from django.db import migrations, models

from core.migrating import postgres_only
from registry.rules import name_key

BATCH = 5_000

FORWARD = [
    "CREATE INDEX IF NOT EXISTS applicant_search_name_trgm ON adoption_applicant USING gin (search_name gin_trgm_ops)",
    *[f"DROP INDEX IF EXISTS applicant_{name}_trgm" for name in ("last_name", "first_name")],
]
BACKWARD = [
    "DROP INDEX IF EXISTS applicant_search_name_trgm",
    *[
        f"CREATE INDEX IF NOT EXISTS applicant_{name}_trgm ON adoption_applicant USING gin ((upper(({name})::text)) gin_trgm_ops)"
        for name in ("last_name", "first_name")
    ],
]


def key_the_names(apps, schema_editor):
    Applicant = apps.get_model("adoption", "Applicant")
    named = Applicant.objects.exclude(last_name="", first_name="").only("last_name", "first_name").order_by("pk")
    after = 0
    while batch := list(named.filter(pk__gt=after)[:BATCH]):
        for applicant in batch:
            applicant.search_name = name_key(applicant.last_name, applicant.first_name)
        Applicant.objects.bulk_update(batch, ["search_name"])
        after = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0023_outlook_entries_of"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicant",
            name="search_name",
            field=models.TextField(db_default="", default="", editable=False),
        ),
        migrations.RunPython(key_the_names, migrations.RunPython.noop),
        postgres_only(FORWARD, BACKWARD),
    ]
