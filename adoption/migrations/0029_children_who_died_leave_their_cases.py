"""Since session 50 a child who dies leaves a case that holds other children (siblings), which goes
on for them (`adoption.services.close_cases_of_a_child_who_died`, `child_left_case`). Until then a
child whose granted adoption lapsed with its death stayed linked to the case that entered into
force for its sibling: its name, beside the adoptive family, named the sealed sibling's birth
family, and found the case in a search; and a sister who died while a refusal was under appeal
stayed in the case, whose reversal could then not be recorded for the living sister. Each such link
is removed, with its event of the audit trail by the system. A case closed for good (its child's
death, a refusal not appealed) keeps its children: it is the record of why it closed."""

from django.db import migrations
from django.db.models import Q

PURPOSE = "the child's death, recorded before a child who died left its case"


def leave_cases(apps, schema_editor):
    Child = apps.get_model("registry", "Child")
    CaseChild = apps.get_model("adoption", "CaseChild")
    AuditEvent = apps.get_model("core", "AuditEvent")
    dead = Child.objects.filter(status="deregistered", deregistration_reason="died").values("pk")
    events = []
    under_appeal = Q(  # a refusal under appeal (adoption.models.REFUSAL_APPEALED)
        case__decision__outcome="refused", case__decision__appeal__isnull=False, case__decision__appeal__outcome=""
    )
    going_on = CaseChild.objects.filter(~Q(case__status="closed") | under_appeal)
    for link in going_on.filter(child__in=dead).order_by("pk"):
        if not CaseChild.objects.filter(case_id=link.case_id).exclude(child_id=link.child_id).exists():
            continue
        events.append(
            AuditEvent(
                action="delete",
                verb="child_left_case",
                object_type="adoption.casechild",
                object_id=str(link.pk),
                before={"id": link.pk, "case_id": link.case_id, "child_id": link.child_id, "is_relative": link.is_relative},
                subject_type="adoption.case",
                subject_id=str(link.case_id),
                actor_role="system",
                purpose=PURPOSE,
            )
        )
        link.delete()
    AuditEvent.objects.bulk_create(events, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0028_cases_of_children_who_died"),
        ("core", "0015_policy_reminders_aligned"),
        ("registry", "0015_withdrawn_placements"),
    ]

    operations = [migrations.RunPython(leave_cases, migrations.RunPython.noop)]
