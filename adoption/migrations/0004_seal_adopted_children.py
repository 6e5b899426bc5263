"""Seal the identity of every child whose granted adoption is already in force (RULES §9):
`Child.sealed_on` from the decision's `in_force_on`, and no search key for the sealed name."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def seal(apps, schema_editor):
    Child = apps.get_model("registry", "Child")
    Adoption = apps.get_model("adoption", "Adoption")
    in_force = Adoption.objects.filter(child=OuterRef("pk"), decision__in_force_on__isnull=False).values("decision__in_force_on")[:1]
    Child.objects.filter(sealed_on__isnull=True, adoption__decision__in_force_on__isnull=False).update(
        sealed_on=Subquery(in_force), search_name="")


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0003_adoption_monitoring_next_due"),
        ("registry", "0006_sealed_identity"),
    ]

    operations = [migrations.RunPython(seal, migrations.RunPython.noop)]
