"""A change of the policy's periods moves the due dates of the reminders it sets (RULES v2 §10):
once the version is in effect, the beat realigns the open reminders with it (closes those whose
date is no longer the step's, opens again those a change closed and the policy now asks for), and
the sweeps remind the new dates. Before, a lengthened period left an "overdue" reminder of a step
not yet due, and a shortened one left two reminders of one step."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from adoption import deadlines as court_deadlines
from config.celery import app
from consular import deadlines as consular_deadlines
from core import services as core_services
from core.dates import add_months, today
from core.deadlines import FOLLOWS_POLICY, align_with_policy
from core.models import AuditEvent, Policy, Reminder
from registry import deadlines as registry_deadlines
from registry import services as registry_services
from tests.adoption.conftest import adopt_abroad

pytestmark = pytest.mark.django_db
ESCALATION = "register_escalation_due"
DAY = datetime.timedelta(days=1)


def on_primary(make_child, days_ago, placed_days_ago):
    child = make_child(identified_on=days_ago(placed_days_ago + 5))
    registry_services.place_on_register(actor=None, child=child, level="primary", placed_on=days_ago(placed_days_ago))
    return child


def open_due(kind, subject_id) -> list[datetime.date]:
    reminders = Reminder.objects.filter(kind=kind, subject_id=subject_id, done_at__isnull=True)
    return sorted(reminders.values_list("due_on", flat=True))


def set_period(users, days, **kwargs):
    core_services.update_policy(actor=users["ministry"], escalate_to_regional_days=days, **kwargs)


def test_every_kind_whose_dates_the_policy_sets_is_aligned():
    assert sorted(FOLLOWS_POLICY) == ["consular_registration_due", "hague_certificate_due", ESCALATION]


@pytest.mark.parametrize("days, due", [(34, True), (35, True), (36, False)])
def test_a_lengthened_period_closes_the_overdue_reminder_until_the_new_date(make_child, days_ago, users, days, due):
    """On the primary register 35 days: overdue under 30 days. Lengthened to 34 (due yesterday),
    35 (due today) or 36 days (due tomorrow): only the last is no longer overdue."""
    child = on_primary(make_child, days_ago, 35)
    registry_deadlines.sweep_registers()
    assert open_due(ESCALATION, child.pk) == [days_ago(5)]
    set_period(users, days)
    align_with_policy()
    registry_deadlines.sweep_registers()
    assert open_due(ESCALATION, child.pk) == ([days_ago(35 - days)] if due else [])
    closed = Reminder.objects.get(kind=ESCALATION, subject_id=child.pk, due_on=days_ago(5))
    assert (closed.done_at is not None) and closed.done_by is None  # closed by no one: the policy moved it


def test_a_shortened_period_leaves_one_reminder_of_the_step(make_child, days_ago, users):
    child = on_primary(make_child, days_ago, 35)
    registry_deadlines.sweep_registers()
    set_period(users, 20)
    registry_deadlines.sweep_registers()
    assert open_due(ESCALATION, child.pk) == [days_ago(15), days_ago(5)]  # two, until the beat aligns them
    align_with_policy()
    assert open_due(ESCALATION, child.pk) == [days_ago(15)]


def test_a_period_changed_back_opens_the_reminder_again_once(make_child, days_ago, users):
    child = on_primary(make_child, days_ago, 35)
    registry_deadlines.sweep_registers()
    set_period(users, 40)
    align_with_policy()
    assert open_due(ESCALATION, child.pk) == []
    set_period(users, 30)
    align_with_policy()
    registry_deadlines.sweep_registers()
    assert open_due(ESCALATION, child.pk) == [days_ago(5)]
    assert Reminder.objects.filter(kind=ESCALATION, subject_id=child.pk).count() == 1  # opened again, not made twice


def test_a_reminder_someone_closed_stays_closed_and_others_are_left_as_they_are(make_child, days_ago, users):
    dismissed, kept = on_primary(make_child, days_ago, 35), on_primary(make_child, days_ago, 33)
    registry_deadlines.sweep_registers()
    core_services.mark_reminder_done(
        actor=users["guardianship"], reminder=Reminder.objects.get(subject_id=dismissed.pk)
    )
    before = Reminder.objects.get(subject_id=kept.pk)
    core_services.update_policy(actor=users["ministry"], dossier_validity_months=6)  # no period of theirs
    assert align_with_policy() == 0
    assert Reminder.objects.get(subject_id=dismissed.pk).done_by == users["guardianship"]
    assert Reminder.objects.get(subject_id=kept.pk).done_at is None and open_due(ESCALATION, kept.pk) == [before.due_on]


def test_a_version_is_aligned_once_and_a_version_to_come_on_the_day_it_takes_effect(
    make_child, days_ago, users, django_assert_num_queries
):
    child = on_primary(make_child, days_ago, 35)
    registry_deadlines.sweep_registers()
    align_with_policy()
    with django_assert_num_queries(1):  # the version in effect, aligned: nothing to do
        assert align_with_policy() == 0
    takes_effect = today() + 10 * DAY
    set_period(users, 60, effective_from=takes_effect)
    assert align_with_policy() == 0 and open_due(ESCALATION, child.pk) == [days_ago(5)]  # not yet in effect
    assert align_with_policy(on=takes_effect - DAY) == 0
    assert align_with_policy(on=takes_effect) == 1
    assert open_due(ESCALATION, child.pk) == [] and Policy.on(takes_effect).reminders_aligned


def test_the_change_is_not_in_the_audit_trail_of_the_policy(users):
    version = core_services.update_policy(actor=users["ministry"], escalate_to_regional_days=40)
    align_with_policy()
    after = AuditEvent.objects.filter(verb="update_policy").latest("pk").after or {}
    assert after["escalate_to_regional_days"] == 40 and "reminders_aligned" not in after
    version.refresh_from_db()
    assert version.reminders_aligned


def test_the_consular_registration_and_the_hc93_certificate_follow_their_periods(users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=40)
    consular_deadlines.sweep_consular_deadlines()
    court_deadlines.sweep_court_deadlines()
    in_force_on = case.decision.in_force_on
    assert open_due("consular_registration_due", child.pk) == [in_force_on + 30 * DAY]
    assert open_due("hague_certificate_due", case.pk) == [in_force_on + 14 * DAY]
    core_services.update_policy(actor=users["ministry"], consular_registration_days=41, hague_certificate_days=39)
    align_with_policy()
    consular_deadlines.sweep_consular_deadlines()
    court_deadlines.sweep_court_deadlines()
    assert open_due("consular_registration_due", child.pk) == []  # due tomorrow
    assert open_due("hague_certificate_due", case.pk) == [in_force_on + 39 * DAY]  # due yesterday


def test_the_alignment_is_a_beat_task_that_runs_it(make_child, days_ago, users):
    app.loader.import_default_modules()  # what a worker does at boot
    entry = settings.CELERY_BEAT_SCHEDULE["reminders-of-the-policy"]
    assert entry["task"] == "core.align_reminders" and entry["task"] in app.tasks
    child = on_primary(make_child, days_ago, 35)
    registry_deadlines.sweep_registers()
    set_period(users, 40)
    assert app.tasks[entry["task"]].apply().get() == 1 and open_due(ESCALATION, child.pk) == []


MONITORING = "monitoring_report_overdue"


@pytest.mark.parametrize("late, reminded", [(1, True), (0, False)])  # its grace ended yesterday, or ends today
def test_a_lengthened_grace_period_moves_the_report_s_reminder(users, district, court, us_post, late, reminded):
    """The monitoring reports' reminders are dated in Python by the consular sweep, which reads
    every adoption again after a change of the policy (consular.signals): it realigns them there."""
    case, child = adopt_abroad(district, court, in_force_ago=250)
    first = add_months(case.decision.in_force_on, 6)
    consular_deadlines.sweep_consular_deadlines()
    assert open_due(MONITORING, child.pk) == [first + 30 * DAY]
    grace = (today() - first).days - late
    core_services.update_policy(actor=users["ministry"], monitoring_grace_days=grace)
    consular_deadlines.sweep_consular_deadlines()
    assert open_due(MONITORING, child.pk) == ([first + grace * DAY] if reminded else [])


def test_a_report_the_schedule_no_longer_asks_for_is_not_overdue_and_asked_again_when_it_is(
    users, district, court, us_post
):
    case, child = adopt_abroad(district, court, in_force_ago=250)
    first = add_months(case.decision.in_force_on, 6)
    consular_deadlines.sweep_consular_deadlines()
    Reminder.objects.filter(kind=MONITORING).update(emailed_at=timezone.now(), emailed_to=["post@example.kz"])
    yearly = {"first_years": 3, "first_every_months": 12, "then_every_months": 12}
    core_services.update_policy(actor=users["ministry"], monitoring_schedule=yearly)
    consular_deadlines.sweep_consular_deadlines()
    assert open_due(MONITORING, child.pk) == []  # the first report is due at twelve months now
    core_services.update_policy(actor=users["ministry"], monitoring_schedule={**yearly, "first_every_months": 6})
    consular_deadlines.sweep_consular_deadlines()
    reminder = Reminder.objects.get(kind=MONITORING, subject_id=child.pk)  # the same one, opened again
    assert (reminder.due_on, reminder.done_at, reminder.emailed_at) == (first + 30 * DAY, None, None)
