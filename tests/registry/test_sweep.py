import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app
from core.dates import today
from core.models import Reminder
from registry import deadlines, services
from registry.models import Child
from tests.conftest import postgres_only

pytestmark = pytest.mark.django_db
KIND = "register_escalation_due"


def reminders(child):
    return list(
        Reminder.objects.filter(kind=KIND, subject_id=child.pk).values_list("due_on", "district_id", "region_id")
    )


@pytest.mark.parametrize("identified_days_ago, due", [(2, False), (3, True), (4, True)])
def test_primary_entry_overdue_three_days_after_identification(make_child, days_ago, identified_days_ago, due):
    child = make_child(identified_on=days_ago(identified_days_ago))
    deadlines.sweep_registers()
    expected = [(days_ago(identified_days_ago) + datetime.timedelta(days=3), child.district_id, None)]
    assert reminders(child) == (expected if due else [])


@pytest.mark.parametrize("placed_days_ago, due", [(29, False), (30, True), (31, True)])
def test_regional_register_due_thirty_days_after_primary_to_the_district(make_child, days_ago, placed_days_ago, due):
    child = make_child(identified_on=days_ago(40))
    services.place_on_register(actor=None, child=child, level="primary", placed_on=days_ago(placed_days_ago))
    deadlines.sweep_registers()
    assert reminders(child) == ([(days_ago(placed_days_ago - 30), child.district_id, None)] if due else [])


def test_central_register_due_thirty_days_after_regional_to_the_region(make_child, days_ago):
    child = make_child(identified_on=days_ago(100))
    services.place_on_register(actor=None, child=child, level="primary", placed_on=days_ago(90))
    services.place_on_register(actor=None, child=child, level="regional", placed_on=days_ago(30))
    deadlines.sweep_registers()
    assert reminders(child) == [(today(), None, child.district.region_id)]


def test_the_policy_sets_the_escalation_period(make_child, days_ago):
    from core.models import Policy

    Policy.objects.filter(pk=Policy.current().pk).update(escalate_to_regional_days=10)
    child = make_child(identified_on=days_ago(40))
    services.place_on_register(actor=None, child=child, level="primary", placed_on=days_ago(10))
    deadlines.sweep_registers()
    assert reminders(child) == [(today(), child.district_id, None)]


def test_sweeping_twice_makes_one_reminder_and_escalating_closes_it(make_child, days_ago, users, api):
    child = make_child(identified_on=days_ago(60))
    services.place_on_register(actor=None, child=child, level="primary", placed_on=days_ago(45))
    deadlines.sweep_registers()
    deadlines.sweep_registers()
    assert Reminder.objects.filter(kind=KIND).count() == 1
    assert api(users["guardianship"]).get("/api/v1/reminders/").json()["count"] == 1
    services.place_on_register(actor=users["regional"], child=child, level="regional", placed_on=today())
    assert api(users["guardianship"]).get("/api/v1/reminders/").json()["count"] == 0


@pytest.mark.parametrize("corrected_days_ago, due", [(2, False), (3, True), (4, True)])
def test_a_corrected_identification_date_moves_the_reminder_of_the_primary_entry(
    make_child, days_ago, users, api, corrected_days_ago, due
):
    """The reminder was made from the date first typed; a correction of that date left it as it
    was: "overdue" on the home page for a child who was not, or an old due date for one who was."""
    child = make_child(identified_on=days_ago(10))
    deadlines.sweep_registers()
    assert reminders(child) == [(days_ago(7), child.district_id, None)]
    client = api(users["guardianship"])
    corrected = {"identified_on": days_ago(corrected_days_ago).isoformat()}
    assert client.patch(f"/api/v1/children/{child.pk}/", corrected, format="json").status_code == 200
    open_ = client.get("/api/v1/reminders/").json()["results"]
    # due three days after the corrected date: from the day it falls on (today for 3 days ago), not before
    assert [r["due_on"] for r in open_ if r["subject"] == {"type": "child", "id": child.pk}] == (
        [(days_ago(corrected_days_ago) + datetime.timedelta(days=3)).isoformat()] if due else []
    )
    closed = Reminder.objects.get(kind=KIND, subject_id=child.pk, due_on=days_ago(7))
    assert closed.done_at is not None and closed.done_by == users["guardianship"]
    deadlines.sweep_registers()  # the sweep agrees: nothing more to remind
    assert Reminder.objects.filter(kind=KIND, subject_id=child.pk, done_at__isnull=True).count() == int(due)


def test_a_correction_that_keeps_the_due_date_keeps_the_reminder(make_child, days_ago, users, api):
    child = make_child(identified_on=days_ago(10))
    deadlines.sweep_registers()
    client = api(users["guardianship"])
    assert client.patch(f"/api/v1/children/{child.pk}/", {"first_name": "Алия"}, format="json").status_code == 200
    assert Reminder.objects.get(kind=KIND, subject_id=child.pk).done_at is None
    # a date typed wrong, then typed back: the reminder it closed asks again (the sweep would not
    # make it a second time: a reminder is one kind, subject and due date)
    for typed in (days_ago(2), days_ago(10)):
        response = client.patch(f"/api/v1/children/{child.pk}/", {"identified_on": typed.isoformat()}, format="json")
        assert response.status_code == 200
    assert reminders(child) == [(days_ago(7), child.district_id, None)]
    assert Reminder.objects.get(kind=KIND, subject_id=child.pk).done_at is None


@pytest.mark.parametrize("birthday_offset, deregistered", [(-1, True), (0, True), (1, False)])
def test_a_child_who_turns_18_leaves_the_registers(make_child, birthday_offset, deregistered):
    """The 18th birthday yesterday / today / tomorrow."""
    eighteenth = today() + datetime.timedelta(days=birthday_offset)
    birth = (
        eighteenth.replace(year=eighteenth.year - 18)
        if not (eighteenth.month == 2 and eighteenth.day == 29)
        else datetime.date(eighteenth.year - 18, 3, 1)
    )
    child = make_child(birth_date=birth, identified_on=birth + datetime.timedelta(days=3000), on_register=("primary",))
    result = deadlines.sweep_registers()
    child.refresh_from_db()
    assert (child.status == "deregistered") is deregistered
    if deregistered:
        assert (child.deregistration_reason, child.deregistered_on) == ("came_of_age", eighteenth)
        assert result["came_of_age"] == 1
        deadlines.sweep_registers()  # a second sweep changes nothing
        assert child.register_entries.filter(level="deregistered").count() == 1


def test_the_sweep_is_a_beat_task_registered_with_celery():
    app.loader.import_default_modules()  # what a worker does at boot
    assert "registry.sweep_registers" in app.tasks
    entry = settings.CELERY_BEAT_SCHEDULE["registers"]
    assert entry["task"] == "registry.sweep_registers"
    assert entry["options"]["expires"] < settings.SWEEP_EVERY_SECONDS


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_make_one_reminder_each(district, days_ago):
    children = []
    for n in range(30):
        child, _ = services.create_child(
            actor=None,
            district=district,
            last_name=f"Child{n}",
            first_name="A",
            sex="F",
            birth_date=days_ago(2000),
            identified_on=days_ago(40),
        )
        services.place_on_register(actor=None, child=child, level="primary", placed_on=days_ago(35))
        children.append(child)
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            deadlines.sweep_registers()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Reminder.objects.filter(kind=KIND).count() == len(children)
    assert Child.objects.count() == 30
