"""Until session 45 a child's death closed none of its cases: each stayed open, referred, heard or
decided for good, in the district's and the court's queues, with steps no page could take (the
child is off the registers for good; the entry into force of its adoption was refused). As
`adoption.services.close_cases_of_a_child_who_died` does since, each case of a child who died
closes (`child_died`) unless it is decided and a sibling's adoption is left to it; the dead
child's adoption granted and not in force lapses. Each change has its event of the audit trail by
the system, and the reminders nothing can answer now are done."""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

PURPOSE = "the child's death, recorded before its cases closed with it"
OPEN = ("open", "referred", "heard", "decided")


def close_cases(apps, schema_editor):
    Child = apps.get_model("registry", "Child")
    Case = apps.get_model("adoption", "Case")
    Adoption = apps.get_model("adoption", "Adoption")
    CaseDocument = apps.get_model("adoption", "CaseDocument")
    Referral = apps.get_model("adoption", "Referral")
    Hearing = apps.get_model("adoption", "Hearing")
    Decision = apps.get_model("adoption", "Decision")
    Reminder = apps.get_model("core", "Reminder")
    AuditEvent = apps.get_model("core", "AuditEvent")
    dead = dict(
        Child.objects.filter(status="deregistered", deregistration_reason="died").values_list("pk", "deregistered_on")
    )
    if not dead:
        return
    events = []
    system = {"actor_role": "system", "purpose": PURPOSE}
    for case in Case.objects.filter(child_links__child_id__in=dead, status__in=OPEN).distinct().order_by("pk"):
        subject = {"subject_type": "adoption.case", "subject_id": str(case.pk)}
        died = {pk: dead[pk] for pk in case.child_links.values_list("child_id", flat=True) if pk in dead}
        if case.status == "decided":
            lapsed = list(Adoption.objects.filter(decision__case=case, child_id__in=died))
            events += [
                AuditEvent(
                    action="delete",
                    verb="adoption_lapsed",
                    object_type="adoption.adoption",
                    object_id=str(adoption.pk),
                    before={"id": adoption.pk, "child_id": adoption.child_id, "decision_id": adoption.decision_id},
                    **subject,
                    **system,
                )
                for adoption in lapsed
            ]
            Adoption.objects.filter(pk__in=[a.pk for a in lapsed]).delete()
            if Adoption.objects.filter(decision__case=case).exists():
                continue
        steps = [case.opened_on, *died.values()]
        for model, field, extra in (
            (Referral, "on", {}),
            (Hearing, "on", {"withdrawn_at__isnull": True}),
            (Decision, "decided_on", {}),
        ):
            last = model.objects.filter(case=case, **extra).aggregate(last=Max(field))["last"]
            steps += [last] if last else []
        closed_on = max(steps)
        before = {"status": case.status, "version": case.version, "closed_reason": "", "closed_on": None}
        after = {"status": "closed", "version": case.version + 1, "closed_reason": "child_died", "closed_on": closed_on}
        Case.objects.filter(pk=case.pk).update(
            status="closed", version=case.version + 1, closed_reason="child_died", closed_on=closed_on
        )
        CaseDocument.objects.filter(case=case, case_decided=False).update(case_decided=True)
        Reminder.objects.filter(
            subject_type="case",
            subject_id=case.pk,
            kind__in=("central_wait_ends", "decision_in_force_due"),
            done_at__isnull=True,
        ).update(done_at=timezone.now())
        events.append(
            AuditEvent(
                action="update",
                verb="close_case",
                object_type="adoption.case",
                object_id=str(case.pk),
                before=before,
                after={**after, "closed_on": closed_on.isoformat()},
                **subject,
                **system,
            )
        )
    AuditEvent.objects.bulk_create(events, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0027_child_died"),
        ("core", "0015_policy_reminders_aligned"),
        ("registry", "0014_adopted_from_a_placement"),
    ]

    operations = [migrations.RunPython(close_cases, migrations.RunPython.noop)]
