"""A child adopted by the guardian or foster family it had been placed with left the registers
for that placement, and its entry into force did not record the adoption (until session 44): its
record said "placed under guardianship" for good, and the district could place it on a register
again. Each such child is now recorded as adopted, from the adoption's entry into force (or its
placement, if later), as `registry.services.deregister_adopted` does since: an entry of its history
and its state, each with an event of the audit trail by the system."""

from django.db import migrations
from django.db.models import F


def record_adopted(apps, schema_editor):
    Child = apps.get_model("registry", "Child")
    RegisterEntry = apps.get_model("registry", "RegisterEntry")
    AuditEvent = apps.get_model("core", "AuditEvent")
    children = (
        Child.objects.filter(status="deregistered", adoption__decision__in_force_on__isnull=False)
        .exclude(deregistration_reason__in=("adopted", "died"))
        .annotate(in_force_on=F("adoption__decision__in_force_on"))
        .order_by("pk")
    )
    events = []
    for child in children.iterator(chunk_size=500):
        on = max(child.in_force_on, child.deregistered_on or child.in_force_on)
        RegisterEntry.objects.filter(child=child, ended_on__isnull=True).update(ended_on=on)
        entry = RegisterEntry.objects.create(child=child, level="deregistered", on=on, reason="adopted")
        before = {"deregistered_on": child.deregistered_on.isoformat(), "deregistration_reason": child.deregistration_reason}
        Child.objects.filter(pk=child.pk).update(deregistered_on=on, deregistration_reason="adopted")
        subject = {"subject_type": "registry.child", "subject_id": str(child.pk), "actor_role": "system"}
        events += [
            AuditEvent(
                action="create",
                verb="deregister",
                object_type="registry.registerentry",
                object_id=str(entry.pk),
                after={"child": child.pk, "level": "deregistered", "on": on.isoformat(), "reason": "adopted"},
                purpose="the adoption's entry into force, recorded for a child it had left on a placement",
                **subject,
            ),
            AuditEvent(
                action="update",
                verb="deregister",
                object_type="registry.child",
                object_id=str(child.pk),
                before=before,
                after={"deregistered_on": on.isoformat(), "deregistration_reason": "adopted"},
                purpose="the adoption's entry into force, recorded for a child it had left on a placement",
                **subject,
            ),
        ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_search_name_text"),
        ("adoption", "0025_appeal_pending"),
        ("core", "0015_policy_reminders_aligned"),
    ]

    operations = [migrations.RunPython(record_adopted, migrations.RunPython.noop)]
