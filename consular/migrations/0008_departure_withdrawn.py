"""A departure recorded by mistake (on the wrong child of the case) is withdrawn (session 50,
`consular.services.withdraw_departure`): it stays, marked, and one standing departure per child
replaces the one-to-one link, so that the right departure of the child is recorded anew."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('adoption', '0028_cases_of_children_who_died'),
        ('consular', '0007_route_open_reminders'),
        ('registry', '0015_withdrawn_placements'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='departure',
            options={'default_manager_name': 'objects'},
        ),
        migrations.AddField(
            model_name='departure',
            name='withdrawn_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='departure',
            name='withdrawn_reason',
            field=models.CharField(blank=True, db_default='', max_length=300),
        ),
        migrations.AlterField(
            model_name='departure',
            name='child',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='departures', to='registry.child'),
        ),
        migrations.AddConstraint(
            model_name='departure',
            constraint=models.UniqueConstraint(condition=models.Q(('withdrawn_at__isnull', True)), fields=('child',), name='one_standing_departure_per_child'),
        ),
    ]
