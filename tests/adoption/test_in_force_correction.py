"""The day an adoption entered into force, typed wrong, is corrected by its court while nothing has
followed it (session 47). Everything after it runs from that day: the civil registry's record (3
days), the art. 23 certificate, the consular registration (30 days), eighteen years of monitoring
reports, the ministry's report of children unregistered 180 days. Until then a day typed wrong
stood for good, and the civil registry's clerk who found it could record nothing."""

import datetime

import pytest

from adoption import services
from adoption.deadlines import CIVIL_REGISTRATION_REMINDER, HAGUE_CERTIFICATE_REMINDER, sweep_court_deadlines
from adoption.models import Adoption, Case, Decision
from consular import services as consular_services
from consular.deadlines import REGISTRATION_REMINDER, sweep_consular_deadlines
from consular.rules import monitoring_due_dates
from core.dates import today
from core.errors import ConflictError, Forbidden, RuleError
from core.models import AuditEvent, Policy, Reminder
from registry.models import Child, RegisterEntry
from tests.adoption.conftest import adopt_abroad, ago, make_applicant

pytestmark = pytest.mark.django_db


def open_reminders(kind, subject_id):
    return sorted(
        Reminder.objects.filter(kind=kind, subject_id=subject_id, done_at__isnull=True).values_list("due_on", flat=True)
    )


def test_an_entry_into_force_typed_early_is_corrected_and_its_follow_up_runs_from_the_true_day(
    users, district, court, us_post
):
    case, child = adopt_abroad(district, court, in_force_ago=40)  # in truth, 20 days ago
    sweep_court_deadlines()
    sweep_consular_deadlines()
    assert open_reminders(CIVIL_REGISTRATION_REMINDER, case.pk) == [ago(37)]
    assert open_reminders(HAGUE_CERTIFICATE_REMINDER, case.pk) == [ago(26)]
    assert open_reminders(REGISTRATION_REMINDER, child.pk) == [ago(10)]
    assert Adoption.objects.get(child=child).monitoring_next_due is not None  # the sweep computed the schedule
    services.correct_in_force(actor=users["court"], case=case, in_force_on=ago(20), reason="typed the 1st for the 21st")
    assert Adoption.objects.get(child=child).monitoring_next_due is None  # to compute afresh (consular.signals)
    decision = Decision.objects.get(case=case)
    child = Child.objects.get(pk=child.pk)
    assert decision.in_force_on == ago(20)
    assert (child.deregistered_on, child.sealed_on, child.deregistration_reason) == (ago(20), ago(20), "adopted")
    adopted, central = RegisterEntry.objects.filter(child=child).order_by("-on", "-id")[:2]
    assert (adopted.reason, adopted.on, central.ended_on) == ("adopted", ago(20), ago(20))
    event = AuditEvent.objects.get(verb="correct_in_force", object_type="adoption.decision")
    assert event.purpose == "typed the 1st for the 21st" and event.before
    assert event.before["in_force_on"] == ago(40).isoformat()
    # the reminders of the day as recorded are closed; the sweeps make those of the day as corrected
    assert open_reminders(CIVIL_REGISTRATION_REMINDER, case.pk) == []
    assert open_reminders(HAGUE_CERTIFICATE_REMINDER, case.pk) == []
    assert open_reminders(REGISTRATION_REMINDER, child.pk) == []
    sweep_court_deadlines()
    sweep_consular_deadlines()
    assert open_reminders(CIVIL_REGISTRATION_REMINDER, case.pk) == [ago(17)]
    assert open_reminders(HAGUE_CERTIFICATE_REMINDER, case.pk) == [ago(6)]
    assert open_reminders(REGISTRATION_REMINDER, child.pk) == []  # due in 10 days
    schedule = consular_services.schedule_for(child, decision.adoptions.get())
    expected = monitoring_due_dates(ago(20), child.birth_date, Policy.current().monitoring_schedule)
    assert [entry["due_on"] for entry in schedule] == expected
    services.correct_in_force(actor=users["court"], case=case, in_force_on=ago(40), reason="typed it back")
    assert open_reminders(CIVIL_REGISTRATION_REMINDER, case.pk) == [ago(37)]  # owed again: opened again
    assert open_reminders(REGISTRATION_REMINDER, child.pk) == [ago(10)]


def test_the_corrected_day_keeps_the_rules_of_the_entry_into_force(users, district, court):
    case, _child = adopt_abroad(district, court, in_force_ago=40)
    expected = services.expected_in_force_on(case.decision)  # the day after the appeal term
    for day, code in (
        (expected - datetime.timedelta(days=1), "appeal_term_running"),
        (today() + datetime.timedelta(days=1), "future_date"),
    ):
        with pytest.raises(RuleError) as refused:
            services.correct_in_force(actor=users["court"], case=case, in_force_on=day, reason="a typo")
        assert (refused.value.errors[0].field, refused.value.errors[0].code) == ("in_force_on", code)
    with pytest.raises(RuleError) as unreasoned:
        services.correct_in_force(actor=users["court"], case=case, in_force_on=ago(20), reason=" ")
    assert unreasoned.value.errors[0].code == "reason_required"
    with pytest.raises(Forbidden):  # the court's record
        services.correct_in_force(actor=users["guardianship"], case=case, in_force_on=ago(20), reason="a typo")
    assert Decision.objects.get(case=case).in_force_on == ago(40)
    assert not AuditEvent.objects.filter(verb="correct_in_force").exists()
    services.correct_in_force(actor=users["court"], case=case, in_force_on=expected, reason="the first day")
    assert Decision.objects.get(case=case).in_force_on == expected


def test_the_other_cases_the_adoption_closed_close_on_the_day_as_corrected(users, district, court):
    other = {}

    def another_family(child):
        family = [make_applicant(district, last_name="Lee")]
        other["case"] = services.open_case(actor=None, children=[child], applicants=family, opened_on=ago(150))

    case, _child = adopt_abroad(district, court, in_force_ago=40, before_the_decision=another_family)
    closed = Case.objects.get(pk=other["case"].pk)
    assert (closed.closed_reason, closed.closed_on) == ("child_adopted_in_other_case", ago(40))
    services.correct_in_force(actor=users["court"], case=case, in_force_on=ago(20), reason="a typo")
    assert Case.objects.get(pk=other["case"].pk).closed_on == ago(20)


def test_once_anything_followed_the_entry_into_force_its_day_is_not_corrected(users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=40)
    consular_services.register_child(actor=None, child=child, post=us_post, number="R-7", registered_on=ago(30))
    with pytest.raises(ConflictError) as followed:
        services.correct_in_force(actor=users["court"], case=case, in_force_on=ago(35), reason="a typo")
    assert (followed.value.errors[0].field, followed.value.errors[0].code) == ("in_force_on", "followed")
    assert "a consular registration on" in str(followed.value.errors[0].message)
    assert Decision.objects.get(case=case).in_force_on == ago(40)
    civil, _ = adopt_abroad(district, court, in_force_ago=40, last_name="Other")
    services.record_civil_registration(
        actor=users["court"], case=civil, number="CR-1", registered_on=ago(38), office="Civil registry"
    )
    with pytest.raises(ConflictError) as registered:
        services.correct_in_force(actor=users["court"], case=civil, in_force_on=ago(35), reason="a typo")
    assert registered.value.errors[0].code == "followed"


def test_an_entry_into_force_on_an_appeals_day_is_the_appeals_record(users, district, court):
    case, _child = adopt_abroad(district, court, in_force=False)
    services.record_appeal(actor=users["court"], case=case, filed_on=ago(80), decided_on=ago(10), outcome="upheld")
    with pytest.raises(ConflictError) as on_appeal:
        services.correct_in_force(actor=users["court"], case=case, in_force_on=ago(5), reason="a typo")
    assert on_appeal.value.errors[0].code == "entered_on_appeal"


def test_the_case_page_offers_the_court_the_correction_while_nothing_followed(client, users, district, court):
    case, _child = adopt_abroad(district, court, in_force_ago=40)
    client.force_login(users["court"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Correct the day of the entry into force" in page
    assert f'value="{ago(40).isoformat()}"' in page  # as recorded
    url = f"/cases/{case.pk}/correct-in-force/"
    assert client.post(url, {"in_force_on": ago(20).isoformat(), "reason": "a typo"}).status_code == 302
    assert Decision.objects.get(case=case).in_force_on == ago(20)
    services.record_civil_registration(
        actor=users["court"], case=case, number="CR-1", registered_on=ago(18), office="Civil registry"
    )
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Correct the day of the entry into force" not in page
    assert "The entry into force was followed by the civil registry&#x27;s record on" in page  # and why not
    refused = client.post(url, {"in_force_on": ago(25).isoformat(), "reason": "a typo"})
    assert refused.status_code == 400 and "followed by the civil registry" in refused.content.decode()
    assert Decision.objects.get(case=case).in_force_on == ago(20)
