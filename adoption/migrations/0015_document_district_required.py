from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """The copies' constraint and index, after the backfill of 0014 (PostgreSQL cannot alter a
    table with the backfill's deferred checks pending in the same transaction)."""

    dependencies = [
        ('adoption', '0014_document_before_decision'),
    ]

    operations = [
        migrations.AlterField(
            model_name='casedocument',
            name='district',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.district'),
        ),
        migrations.AddIndex(
            model_name='casedocument',
            index=models.Index(condition=models.Q(('case_decided', False), ('withdrawn_at__isnull', True)), fields=['district', 'issued_on', 'id'], name='document_before_decision'),
        ),
    ]
