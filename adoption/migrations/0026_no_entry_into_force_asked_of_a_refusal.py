"""A refused decision closes its case at once, and nothing waits on its entry into force; until
session 44 the sweep still reminded the court to record it ("record the entry into force"), a
reminder no page could answer (the case is closed). Those still open are done."""

from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone


def close_asked_of_refusals(apps, schema_editor):
    Reminder = apps.get_model("core", "Reminder")
    Decision = apps.get_model("adoption", "Decision")
    refused = Decision.objects.filter(case_id=OuterRef("subject_id"), outcome="refused")
    Reminder.objects.filter(
        Exists(refused), kind="decision_in_force_due", subject_type="case", done_at__isnull=True
    ).update(done_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("adoption", "0025_appeal_pending"), ("core", "0015_policy_reminders_aligned")]

    operations = [migrations.RunPython(close_asked_of_refusals, migrations.RunPython.noop)]
