import datetime

import pytest

from core.deadlines import reminded_pairs
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


def test_reminded_pairs_finds_the_reminders_of_its_kind_among_any_number_of_subjects(district):
    """The ids go as one parameter (`__in_array`): more than a placeholder list may hold (SQLite's
    32,766), with duplicates, and none at all."""
    for subject_id, kind in ((5, "central_wait_ends"), (40_001, "central_wait_ends"), (6, "decision_in_force_due")):
        Reminder.objects.create(kind=kind, subject_type="case", subject_id=subject_id, due_on=DUE, district=district)
    Reminder.objects.create(kind="central_wait_ends", subject_type="child", subject_id=7, due_on=DUE, district=district)
    many = [*range(1, 40_002), 5, 5]
    assert reminded_pairs("central_wait_ends", subject_type="case", subject_ids=many) == {(5, DUE), (40_001, DUE)}
    assert reminded_pairs("central_wait_ends", subject_type="case", subject_ids=[6, 7]) == set()
    assert reminded_pairs("central_wait_ends", subject_type="case", subject_ids=[]) == set()
    assert list(Reminder.objects.filter(subject_id__in_array=[7, 6]).values_list("subject_id", flat=True)) == [6, 7]
