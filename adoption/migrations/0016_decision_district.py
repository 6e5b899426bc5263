import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_cases(apps, schema_editor):
    """Each decision takes its case's district."""
    Case = apps.get_model("adoption", "Case")
    Decision = apps.get_model("adoption", "Decision")
    Decision.objects.update(district=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("district")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('adoption', '0015_document_district_required'),
        ('core', '0009_reference_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='decision',
            name='district',
            field=models.ForeignKey(db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.district'),
        ),
        migrations.RunPython(copy_from_cases, migrations.RunPython.noop),
    ]
