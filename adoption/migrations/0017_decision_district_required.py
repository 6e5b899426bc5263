from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    """The copy's constraint and index, after the backfill of 0016 (as 0015 for the documents); the
    national index of the open follow-ups holds what the queues read of them."""

    dependencies = [
        ('adoption', '0016_decision_district'),
    ]

    operations = [
        migrations.AlterField(
            model_name='decision',
            name='district',
            field=models.ForeignKey(db_index=False, editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.district'),
        ),
        migrations.AddIndex(
            model_name='decision',
            index=models.Index(condition=models.Q(('follow_up_settled', False), ('in_force_on__isnull', False)), fields=['district', 'in_force_on', 'case', 'id'], name='decision_follow_up_by_district'),
        ),
        migrations.RemoveIndex(model_name='decision', name='decision_follow_up_open'),
        migrations.AddIndex(
            model_name='decision',
            index=models.Index(condition=models.Q(('follow_up_settled', False), ('in_force_on__isnull', False)), fields=['in_force_on', 'case', 'outcome', 'id'], name='decision_follow_up_open'),
        ),
    ]
