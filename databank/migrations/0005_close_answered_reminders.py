"""The reminders that a family did not answer a proposal whose step was taken before proposing
closed them (session 31) are done: the child proposed to another family since, or off the
registers (returned to its parents, placed, adopted, of age)."""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone


def close_answered(apps, schema_editor):
    Reminder = apps.get_model("core", "Reminder")
    Child = apps.get_model("registry", "Child")
    Proposal = apps.get_model("databank", "Proposal")
    proposed_since = Proposal.objects.filter(child_id=OuterRef("subject_id"), created_at__gt=OuterRef("created_at"))
    off_the_registers = Child.objects.filter(pk=OuterRef("subject_id"), status="deregistered")
    Reminder.objects.filter(
        Exists(proposed_since) | Exists(off_the_registers),
        kind="proposal_no_answer",
        subject_type="child",
        done_at__isnull=True,
    ).update(done_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("databank", "0004_wishes_by_age_then_family"),
        ("core", "0011_policy_bounds"),
        ("registry", "0012_duplicate_flag_child_no_index_of_its_own"),
    ]

    operations = [migrations.RunPython(close_answered, migrations.RunPython.noop)]
