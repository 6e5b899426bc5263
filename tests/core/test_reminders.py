import datetime

import pytest

from core.models import AuditEvent, Reminder
from core.services import create_reminders

pytestmark = pytest.mark.django_db
DUE = datetime.date(2026, 12, 1)


def test_a_reminder_exists_once_per_kind_subject_and_due_date(district):
    def due(on=DUE):
        return Reminder(
            kind="register_escalation_due", subject_type="child", subject_id=7, due_on=on, district=district
        )

    create_reminders([due(), due()])  # found twice by one sweep
    create_reminders([due()])  # and again by the next
    create_reminders([due(DUE + datetime.timedelta(days=1))])  # a new deadline is a new reminder
    assert sorted(Reminder.objects.values_list("due_on", flat=True)) == [DUE, DUE + datetime.timedelta(days=1)]


def test_reminders_reach_only_their_organisation_and_other_districts_get_404(api, users, district, other_district):
    mine = Reminder.objects.create(kind="k", subject_type="child", subject_id=1, due_on=DUE, district=district)
    theirs = Reminder.objects.create(kind="k", subject_type="child", subject_id=2, due_on=DUE, district=other_district)
    listed = api(users["guardianship"]).get("/api/v1/reminders/").json()["results"]
    assert [r["id"] for r in listed] == [mine.pk]
    assert listed[0]["subject"] == {"type": "child", "id": 1}
    assert api(users["guardianship"]).post(f"/api/v1/reminders/{theirs.pk}/done/").status_code == 404
    assert Reminder.objects.get(pk=theirs.pk).done_at is None
    assert api(users["court"]).get("/api/v1/reminders/").json()["results"] == []


def test_marking_a_reminder_done_closes_it_and_is_audited(api, users, district):
    reminder = Reminder.objects.create(kind="k", subject_type="child", subject_id=1, due_on=DUE, district=district)
    response = api(users["guardianship"]).post(f"/api/v1/reminders/{reminder.pk}/done/")
    assert response.status_code == 200 and response.json()["done_at"]
    assert api(users["guardianship"]).get("/api/v1/reminders/").json()["results"] == []
    assert AuditEvent.objects.filter(verb="mark_reminder_done", object_id=str(reminder.pk)).exists()


def test_the_auditor_reads_reminders_but_cannot_close_them(api, users, district):
    reminder = Reminder.objects.create(kind="k", subject_type="child", subject_id=1, due_on=DUE, district=district)
    assert api(users["auditor"]).get("/api/v1/reminders/").json()["count"] == 1
    assert api(users["auditor"]).post(f"/api/v1/reminders/{reminder.pk}/done/").status_code == 403
