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
