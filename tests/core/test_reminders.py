import datetime

import pytest

from core.models import AuditEvent, Reminder
from core.services import ensure_reminder

pytestmark = pytest.mark.django_db
DUE = datetime.date(2026, 12, 1)


def test_a_reminder_exists_once_per_kind_subject_and_due_date(district):
    first, created = ensure_reminder(kind="register_escalation_due", subject_type="child", subject_id=7, due_on=DUE, district=district)
    again, created_again = ensure_reminder(kind="register_escalation_due", subject_type="child", subject_id=7, due_on=DUE, district=district)
    assert created and not created_again and first.pk == again.pk
    ensure_reminder(kind="register_escalation_due", subject_type="child", subject_id=7, due_on=DUE + datetime.timedelta(days=1), district=district)
    assert Reminder.objects.count() == 2


def test_reminders_reach_only_their_organisation_and_other_districts_get_404(api, users, district, other_district):
    mine, _ = ensure_reminder(kind="k", subject_type="child", subject_id=1, due_on=DUE, district=district)
    theirs, _ = ensure_reminder(kind="k", subject_type="child", subject_id=2, due_on=DUE, district=other_district)
    listed = api(users["guardianship"]).get("/api/v1/reminders/").json()["results"]
    assert [r["id"] for r in listed] == [mine.pk]
    assert listed[0]["subject"] == {"type": "child", "id": 1}
    assert api(users["guardianship"]).post(f"/api/v1/reminders/{theirs.pk}/done/").status_code == 404
    assert Reminder.objects.get(pk=theirs.pk).done_at is None
    assert api(users["court"]).get("/api/v1/reminders/").json()["results"] == []


def test_marking_a_reminder_done_closes_it_and_is_audited(api, users, district):
    reminder, _ = ensure_reminder(kind="k", subject_type="child", subject_id=1, due_on=DUE, district=district)
    response = api(users["guardianship"]).post(f"/api/v1/reminders/{reminder.pk}/done/")
    assert response.status_code == 200 and response.json()["done_at"]
    assert api(users["guardianship"]).get("/api/v1/reminders/").json()["results"] == []
    assert AuditEvent.objects.filter(verb="mark_reminder_done", object_id=str(reminder.pk)).exists()


def test_the_auditor_reads_reminders_but_cannot_close_them(api, users, district):
    reminder, _ = ensure_reminder(kind="k", subject_type="child", subject_id=1, due_on=DUE, district=district)
    assert api(users["auditor"]).get("/api/v1/reminders/").json()["count"] == 1
    assert api(users["auditor"]).post(f"/api/v1/reminders/{reminder.pk}/done/").status_code == 403
