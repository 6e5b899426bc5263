import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Each outlook keeps its case's district, so that a district's work queue reads its own
    outlooks in date order from an index instead of walking the national one."""

    dependencies = [
        ("adoption", "0010_outlook"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outlook",
            name="district",
            field=models.ForeignKey(
                null=True,
                db_index=False,  # the index below leads with it
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.district",
            ),
        ),
        migrations.RunSQL(
            # written for both PostgreSQL and the embedded SQLite (which has no alias in an UPDATE)
            "UPDATE adoption_outlook SET district_id = "
            "(SELECT c.district_id FROM adoption_case c WHERE c.id = adoption_outlook.case_id)",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="outlook",
            name="district",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.district"
            ),
        ),
        migrations.RemoveIndex(model_name="outlook", name="adoption_ou_due_on_d0ae2b_idx"),
        migrations.AddIndex(
            model_name="outlook",
            index=models.Index(fields=["district", "due_on", "case"], name="outlook_by_district"),
        ),
    ]
