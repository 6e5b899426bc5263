import datetime

from django.db import migrations, models
from django.db.models import F


def recompute(apps, schema_editor):
    """The outlooks that kept a day are computed again by the next sweep (`refresh_stale`, the
    stalest first): until then the district's day holds what it held, the ministry's none."""
    Outlook = apps.get_model("adoption", "Outlook")
    Outlook.objects.filter(district_entries_through__isnull=False).update(
        as_of=F("as_of") - datetime.timedelta(days=1)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0020_outlook_registered_through"),
    ]

    operations = [
        migrations.RenameField(model_name="outlook", old_name="registered_through", new_name="district_entries_through"),
        migrations.AddField(
            model_name="outlook",
            name="ministry_entries_through",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="outlook",
            index=models.Index(
                condition=models.Q(ministry_entries_through__isnull=False),
                fields=["ministry_entries_through", "case"],
                name="outlook_ministry_entries",
            ),
        ),
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
