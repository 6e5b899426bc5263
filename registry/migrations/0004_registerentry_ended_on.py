"""Each register entry ends on the date of the child's next entry (by on, id): the state on
a past date becomes a filter on the entries instead of a search for each child's latest."""

from django.db import migrations, models

# Portable SQL (PostgreSQL and SQLite): the date of the next entry of the same child.
END_EVERY_ENTRY = """
UPDATE registry_registerentry SET ended_on = (
    SELECT n."on" FROM registry_registerentry n
    WHERE n.child_id = registry_registerentry.child_id
      AND (n."on" > registry_registerentry."on" OR (n."on" = registry_registerentry."on" AND n.id > registry_registerentry.id))
    ORDER BY n."on", n.id LIMIT 1)
"""


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0003_search_name_trigram'),
    ]

    operations = [
        migrations.AddField(
            model_name='registerentry',
            name='ended_on',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(END_EVERY_ENTRY, migrations.RunSQL.noop),
    ]
