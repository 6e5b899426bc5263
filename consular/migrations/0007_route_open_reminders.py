"""The open follow-up reminders of each child go to the post that follows it now (session 48,
`consular.deadlines.route_to_post`): the post it is registered with, else the embassy of its
country of residence (its departure's, else its case's receiving country). Until then a reminder
stayed with the post of the day it was made, through a transfer or a departure. Each moved is
e-mailed again, to its new post."""

from django.db import migrations

KINDS = ("consular_registration_due", "monitoring_report_overdue")


def route(apps, schema_editor):
    Reminder = apps.get_model("core", "Reminder")
    ConsularPost = apps.get_model("core", "ConsularPost")
    ConsularRegistration = apps.get_model("consular", "ConsularRegistration")
    Departure = apps.get_model("consular", "Departure")
    Adoption = apps.get_model("adoption", "Adoption")
    open_reminders = Reminder.objects.filter(kind__in=KINDS, subject_type="child", done_at__isnull=True)
    children = sorted({int(pk) for pk in open_reminders.values_list("subject_id", flat=True)})
    embassies = dict(ConsularPost.objects.filter(kind="embassy").values_list("country", "pk"))
    for start in range(0, len(children), 2000):
        batch = children[start : start + 2000]
        active = dict(
            ConsularRegistration.objects.filter(
                child_id__in=batch, ended_on__isnull=True, withdrawn_at__isnull=True
            ).values_list("child_id", "post_id")
        )
        residence = dict(
            Adoption.objects.filter(child_id__in=batch).values_list("child_id", "decision__case__receiving_country")
        )
        residence.update(Departure.objects.filter(child_id__in=batch).values_list("child_id", "residence_country"))
        to_post: dict[int | None, list[int]] = {}
        for child_id in batch:
            if residence.get(child_id):  # (a child adopted abroad: its follow-up has a post)
                to_post.setdefault(active.get(child_id) or embassies.get(residence[child_id]), []).append(child_id)
        for post, ids in to_post.items():  # a statement a post
            open_reminders.filter(subject_id__in=ids).exclude(consular_post_id=post).update(
                consular_post_id=post, emailed_at=None, email_failed_at=None, emailed_to=[]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("consular", "0006_withdrawn_consular_registrations"),
        ("adoption", "0028_cases_of_children_who_died"),
        ("core", "0015_policy_reminders_aligned"),
    ]

    operations = [migrations.RunPython(route, migrations.RunPython.noop)]
