"""A reminder asks for a step; once the step is taken, the reminder is done (its reader's list of
open reminders, the API's and the home page's, and the e-mail sweep read only open ones). The
case's steps close the reminders the workflow's table says they answer (adoption.workflow.STEPS),
a monitoring report received closes the reminder of its own due date, and a consular
registration the registration's (tested with the worked example)."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps as django_apps

from adoption import deadlines as adoption_deadlines
from adoption import services as adoption_services
from adoption.models import Decision
from consular import deadlines as consular_deadlines
from consular import rules as consular_rules
from consular import services as consular_services
from consular.models import MonitoringReport
from core.dates import today
from core.errors import RuleError
from core.models import Policy, Reminder
from tests.adoption.conftest import adopt_abroad, ago

pytestmark = pytest.mark.django_db


def open_kinds(subject_type: str, subject_id: int) -> list[str]:
    reminders = Reminder.objects.filter(subject_type=subject_type, subject_id=subject_id, done_at__isnull=True)
    return sorted(reminders.values_list("kind", flat=True))


def test_each_step_of_the_court_and_the_ministry_closes_the_reminder_that_asked_for_it(
    api, users, district, court, us_post
):
    case, _child = adopt_abroad(district, court, in_force_ago=40, in_force=False)  # decided 88 days ago
    adoption_deadlines.sweep_court_deadlines()
    assert open_kinds("case", case.pk) == ["decision_in_force_due"]
    adoption_services.set_in_force(actor=users["court"], case=case, in_force_on=ago(40))
    assert open_kinds("case", case.pk) == []
    done = Reminder.objects.get(kind="decision_in_force_due", subject_id=case.pk)
    assert done.done_by == users["court"] and done.done_at is not None

    adoption_deadlines.sweep_court_deadlines()  # in force 40 days ago: the civil registry's record and HC93 art. 23
    assert open_kinds("case", case.pk) == ["civil_registration_due", "hague_certificate_due"]
    home = api(users["court"]).get("/api/v1/reminders/").json()["results"]
    assert [r["kind"] for r in home] == ["civil_registration_due"]
    recorded = api(users["court"]).patch(
        f"/api/v1/cases/{case.pk}/decision/",
        {"civil_registration": {"number": "AZ-1", "registered_on": ago(35).isoformat(), "office": "Esil"}},
        format="json",
    )
    assert recorded.status_code == 200, recorded.content
    assert open_kinds("case", case.pk) == ["hague_certificate_due"]
    assert api(users["court"]).get("/api/v1/reminders/").json()["results"] == []
    adoption_services.issue_hague_certificate(actor=users["ministry"], case=case, number="HC-1", issued_on=ago(30))
    assert open_kinds("case", case.pk) == []
    adoption_deadlines.sweep_court_deadlines()  # and no sweep asks again
    assert open_kinds("case", case.pk) == []


def test_a_refused_step_closes_nothing(users, district, court, us_post):
    case, _child = adopt_abroad(district, court, in_force_ago=40, in_force=False)
    adoption_deadlines.sweep_court_deadlines()
    with pytest.raises(RuleError) as refused:  # in force before the decision was made
        adoption_services.set_in_force(actor=users["court"], case=case, in_force_on=ago(400))
    assert refused.value.errors[0].code == "before_decision"
    assert open_kinds("case", case.pk) == ["decision_in_force_due"]


def test_an_appeal_reversing_the_decision_closes_the_reminder_to_record_its_entry_into_force(
    users, district, court, us_post
):
    case, _child = adopt_abroad(district, court, in_force_ago=40, in_force=False)
    adoption_deadlines.sweep_court_deadlines()
    adoption_services.record_appeal(
        actor=users["court"], case=case, filed_on=ago(80), decided_on=ago(60), outcome="reversed"
    )
    assert open_kinds("case", case.pk) == []  # nothing will enter into force


def test_an_appeal_filed_closes_the_reminder_to_record_the_entry_into_force_and_no_sweep_asks_again(
    users, district, court, us_post
):
    case, _child = adopt_abroad(district, court, in_force_ago=40, in_force=False)  # its term ran out
    adoption_deadlines.sweep_court_deadlines()
    assert open_kinds("case", case.pk) == ["decision_in_force_due"]
    adoption_services.record_appeal(actor=users["court"], case=case, filed_on=ago(80))  # pending
    assert open_kinds("case", case.pk) == []
    adoption_deadlines.sweep_court_deadlines()  # the decision waits for the appeal, not for its term
    assert open_kinds("case", case.pk) == []
    with pytest.raises(RuleError) as held:
        adoption_services.set_in_force(actor=users["court"], case=case, in_force_on=ago(40))
    assert held.value.errors[0].code == "appeal_pending"


def test_a_monitoring_report_received_closes_the_reminder_of_its_own_due_date(users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=500)  # reports due at 6 and 12 months: both overdue
    on = today()
    policy = Policy.on(on)
    first, second = [
        due
        for due in consular_rules.monitoring_due_dates(
            case.decision.in_force_on, child.birth_date, policy.monitoring_schedule
        )
        if due <= consular_deadlines.last_overdue(on, policy)
    ]
    consular_deadlines.sweep_consular_deadlines()
    overdue = Reminder.objects.filter(kind="monitoring_report_overdue", subject_id=child.pk)
    assert sorted(overdue.values_list("due_on", flat=True)) == [
        due + datetime.timedelta(days=policy.monitoring_grace_days) for due in (first, second)
    ]
    post = users["consular"]
    consular_services.register_child(actor=post, child=child, post=us_post, number="US-7", registered_on=ago(300))
    consular_services.record_monitoring_report(actor=post, child=child, due_on=second, received_on=on)
    assert list(overdue.filter(done_at__isnull=True).values_list("detail", flat=True)) == [
        f"monitoring report due {first.isoformat()} not received"
    ]
    assert overdue.get(done_at__isnull=False).done_by == post
    consular_services.record_monitoring_report(actor=post, child=child, due_on=first, received_on=on)
    assert not overdue.filter(done_at__isnull=True).exists()


def test_a_corrected_final_form_closes_the_reminder_of_the_old_expected_date_and_the_sweep_reminds_the_new_one(
    users, district, court, us_post
):
    case, _child = adopt_abroad(district, court, in_force_ago=40, in_force=False)  # decided 88 days ago
    adoption_deadlines.sweep_court_deadlines()
    before = Reminder.objects.get(kind="decision_in_force_due", subject_id=case.pk)
    decided_on = case.decision.decided_on
    adoption_services.correct_decision(
        actor=users["court"],
        case=case,
        decided_on=decided_on,
        final_form_on=decided_on + datetime.timedelta(days=10),
        reason="the final form was made ten days later",
    )
    before.refresh_from_db()
    assert before.done_by == users["court"]  # the date it named is no longer the expected one
    adoption_deadlines.sweep_court_deadlines()
    again = Reminder.objects.get(kind="decision_in_force_due", subject_id=case.pk, done_at__isnull=True)
    expected = adoption_services.expected_in_force_on(Decision.objects.get(case=case))
    assert again.due_on == expected > before.due_on


def test_the_reminders_answered_before_the_steps_closed_them_are_closed_by_the_migration(
    users, district, court, us_post
):
    """A database of session 29 holds reminders whose step was taken: the migration closes those,
    and only those."""
    case, child = adopt_abroad(district, court, in_force_ago=500)
    waiting, _other = adopt_abroad(district, court, in_force_ago=40, in_force=False, last_name="Lee")
    recorded, _third = adopt_abroad(district, court, in_force_ago=40, in_force=False, last_name="Park")
    adoption_deadlines.sweep_court_deadlines()
    consular_deadlines.sweep_consular_deadlines()
    reports = Reminder.objects.filter(kind="monitoring_report_overdue", subject_id=child.pk).order_by("due_on")
    first = reports[0].detail.split()[3]
    MonitoringReport.objects.create(child=child, due_on=first, received_on=today())  # as before: no closing
    for decided in (case, waiting, recorded):  # decided long ago: the wait's reminder as a sweep then made it
        Reminder.objects.create(kind="central_wait_ends", subject_type="case", subject_id=decided.pk, due_on=ago(600))
    Decision.objects.filter(case=case).update(civil_registered_on=ago(400), civil_registration_number="AZ-2")
    Decision.objects.filter(case=recorded).update(in_force_on=ago(40))
    assert Reminder.objects.filter(done_at__isnull=False).count() == 0
    expected_open = {
        ("hague_certificate_due", case.pk),  # not issued
        ("consular_registration_due", child.pk),  # not registered
        ("decision_in_force_due", waiting.pk),  # not in force
        *(("monitoring_report_overdue", child.pk) for _ in reports[1:]),
    }
    closing = import_module("consular.migrations.0004_close_answered_reminders")
    closing.close_answered(django_apps, None)
    still = Reminder.objects.filter(done_at__isnull=True)
    assert set(still.values_list("kind", "subject_id")) == expected_open
    assert still.filter(kind="monitoring_report_overdue").count() == len(reports) - 1
    assert set(Reminder.objects.filter(done_at__isnull=False).values_list("kind", "detail")) == {
        ("civil_registration_due", "enter the civil registry's record of the adoption"),
        ("decision_in_force_due", "record the date the decision entered into force"),
        ("central_wait_ends", ""),
        ("monitoring_report_overdue", f"monitoring report due {first} not received"),
    }
