"""The reminders whose step was taken before the steps closed them (session 30) are done: an entry
into force recorded (or the case closed: a reversed appeal), a civil registry's record entered, an
HC93 art. 23 certificate issued, a monitoring report received (its reminder names its due date),
the end of the central register's wait of a case decided or closed.
Reminders of children who have come of age are closed by the hourly `settle_follow_up`."""

from django.db import migrations
from django.db.models import DateField, Exists, OuterRef, Q
from django.db.models.functions import Cast, Substr
from django.utils import timezone

MONITORING_DETAIL = "monitoring report due "  # then the due date, YYYY-MM-DD (consular.deadlines.monitoring_detail)


def close_answered(apps, schema_editor):
    Reminder = apps.get_model("core", "Reminder")
    Case = apps.get_model("adoption", "Case")
    Decision = apps.get_model("adoption", "Decision")
    HagueProcedure = apps.get_model("adoption", "HagueProcedure")
    MonitoringReport = apps.get_model("consular", "MonitoringReport")
    of_case = Reminder.objects.filter(done_at__isnull=True, subject_type="case")
    decision = Decision.objects.filter(case_id=OuterRef("subject_id"))
    answered = [
        of_case.filter(kind="central_wait_ends").exclude(
            Exists(Case.objects.filter(pk=OuterRef("subject_id"), status__in=("open", "referred", "heard")))
        ),
        of_case.filter(kind="decision_in_force_due").filter(
            Exists(decision.filter(in_force_on__isnull=False))
            | Exists(Case.objects.filter(pk=OuterRef("subject_id"), status="closed"))
        ),
        of_case.filter(kind="civil_registration_due").filter(
            Exists(decision.filter(civil_registered_on__isnull=False))
        ),
        of_case.filter(kind="hague_certificate_due").filter(
            Exists(HagueProcedure.objects.filter(case_id=OuterRef("subject_id"), certificate_issued_on__isnull=False))
        ),
        Reminder.objects.filter(
            Exists(
                MonitoringReport.objects.filter(
                    child_id=OuterRef("subject_id"),
                    due_on=Cast(Substr(OuterRef("detail"), len(MONITORING_DETAIL) + 1, 10), DateField()),
                )
            ),
            Q(detail__startswith=MONITORING_DETAIL),
            done_at__isnull=True,
            subject_type="child",
            kind="monitoring_report_overdue",
        ),
    ]
    now = timezone.now()
    for reminders in answered:
        reminders.update(done_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("consular", "0003_fewer_indexes_search_by_number"),
        ("adoption", "0018_adoption_monitoring_first_missing"),
        ("core", "0011_policy_bounds"),
    ]

    operations = [migrations.RunPython(close_answered, migrations.RunPython.noop)]
