"""A placement on the regional or central register made by mistake is withdrawn (session 49,
`registry.services.withdraw_placement`): it stays in the child's history, marked, and holds for
no day. Every existing entry stands."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0014_adopted_from_a_placement"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="registerentry",
            options={"default_manager_name": "objects", "ordering": ["on", "id"]},
        ),
        migrations.AddField(
            model_name="registerentry",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="registerentry",
            name="withdrawn_reason",
            field=models.CharField(blank=True, db_default="", max_length=300),
        ),
    ]
