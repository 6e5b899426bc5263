"""A child's search key is a text: a letter may be two of the key's ("ж", "zh"), so names of their
full length made a key longer than its 320 characters, and the child could not be recorded (a
500). On PostgreSQL a varchar becomes a text without rewriting the table or its index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0012_duplicate_flag_child_no_index_of_its_own"),
    ]

    operations = [
        migrations.AlterField(
            model_name="child",
            name="search_name",
            field=models.TextField(editable=False),
        ),
    ]
