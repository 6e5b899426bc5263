"""The date of a child's latest placement on a register, typed wrong, is corrected (session 47).
Every wait of the registers runs from it: the three months on the central register before an
adoption abroad (RULES §4 CENTRAL_REGISTER_WAIT), the next level's escalation (§2). Until then a
placement was never changed: a central placement typed three months early let a foreign case pass
the wait three months early, for good."""

import datetime

import pytest

from adoption import services as adoption_services
from adoption.deadlines import CENTRAL_WAIT_REMINDER, sweep_court_deadlines
from adoption.facts import eligibility
from adoption.models import Case, Referral
from core.dates import right_arises, today
from core.errors import ConflictError, Forbidden, RuleError
from core.models import AuditEvent, Reminder
from intercountry.facts import flags_of_cases
from registry import services
from registry.models import Child, RegisterEntry
from tests.adoption.conftest import ago, hear_and_decide, make_child

pytestmark = pytest.mark.django_db


def wait_status(case, on):
    return next(c for c in eligibility(case, on).checks if c.code == "CENTRAL_REGISTER_WAIT").status


def test_a_central_placement_typed_early_is_corrected_and_the_wait_runs_from_the_true_day(users, foreign_case):
    child = foreign_case.children.get()
    assert wait_status(foreign_case, today()) == "pass"
    sweep_court_deadlines()  # "the three months expired": the district may refer
    reminder = Reminder.objects.get(kind=CENTRAL_WAIT_REMINDER, subject_id=foreign_case.pk)
    assert reminder.done_at is None and reminder.due_on == right_arises(ago(200), 3)
    entry = services.correct_placement(
        actor=users["ministry"], child=child, placed_on=ago(60), reason="typed May for August"
    )
    child = Child.objects.get(pk=child.pk)
    assert (entry.on, child.register_level, child.level_since) == (ago(60), "central", ago(60))
    regional = RegisterEntry.objects.get(child=child, level="regional")
    assert regional.ended_on == ago(60)  # the history's invariant: each entry ends on the next one's date
    ends = right_arises(ago(60), 3)  # the three months, from the day as corrected
    for day, status in ((ends - datetime.timedelta(days=1), "pending"), (ends, "pass")):
        assert wait_status(foreign_case, day) == status, day
    assert wait_status(foreign_case, today()) == "pending"
    reminder.refresh_from_db()
    assert reminder.done_at is not None  # it told the district the wait had ended: it has not
    event = AuditEvent.objects.get(verb="correct_placement", object_type="registry.registerentry")
    assert event.purpose == "typed May for August"
    assert (event.before["on"], event.after["on"]) == (ago(200).isoformat(), ago(60).isoformat())
    services.correct_placement(actor=users["ministry"], child=child, placed_on=ago(200), reason="typed back")
    reminder.refresh_from_db()
    assert reminder.done_at is None  # typed back: the day is owed again, and open
    assert Reminder.objects.filter(kind=CENTRAL_WAIT_REMINDER, subject_id=foreign_case.pk).count() == 1


def test_the_corrected_date_keeps_the_placements_rules_and_the_levels_role(users, district):
    child = make_child(district)  # regional 250 days ago, central 200 days ago
    for day, code in ((251, "before_previous_entry"), (-1, "future_date")):
        with pytest.raises(RuleError) as refused:
            services.correct_placement(actor=users["ministry"], child=child, placed_on=ago(day), reason="a typo")
        assert (refused.value.errors[0].field, refused.value.errors[0].code) == ("placed_on", code)
    with pytest.raises(RuleError) as unreasoned:
        services.correct_placement(actor=users["ministry"], child=child, placed_on=ago(210), reason=" ")
    assert unreasoned.value.errors[0].code == "reason_required"
    for role in ("guardianship", "regional"):  # the central register is the ministry's
        with pytest.raises(Forbidden):
            services.correct_placement(actor=users[role], child=child, placed_on=ago(210), reason="a typo")
    assert Child.objects.get(pk=child.pk).level_since == ago(200)
    assert not AuditEvent.objects.filter(verb="correct_placement").exists()
    services.correct_placement(actor=users["ministry"], child=child, placed_on=ago(250), reason="same day")
    assert Child.objects.get(pk=child.pk).level_since == ago(250)  # the day of the previous entry: allowed


def test_no_placement_is_corrected_off_the_registers_or_once_a_court_granted_the_adoption(
    users, district, court, foreign_case
):
    returned = make_child(district, last_name="Returned")
    services.deregister(actor=None, child=returned, on=ago(1), reason="returned_to_parents")
    with pytest.raises(ConflictError) as off:
        services.correct_placement(actor=users["ministry"], child=returned, placed_on=ago(210), reason="a typo")
    assert off.value.errors[0].code == "not_on_a_register"
    adoption_services.refer_to_court(actor=None, case=foreign_case, court=court, on=ago(3))
    hear_and_decide(foreign_case, actor=users["court"])
    child = foreign_case.children.get()
    with pytest.raises(RuleError) as decided:
        services.correct_placement(actor=users["ministry"], child=child, placed_on=ago(60), reason="a typo")
    assert (decided.value.errors[0].field, decided.value.errors[0].code) == ("placed_on", "after_decision")
    assert Child.objects.get(pk=child.pk).level_since == ago(200)


def test_a_referral_made_on_the_wrong_date_is_judged_again(users, court, foreign_case):
    """Referred 10 days ago, eligible for months as recorded. The central placement was in truth 95
    days ago: on the referral's day the three months had not passed, so the case's eligibility
    was referred before every check had passed (RUSHED_CASE says so), and the court's decision finds
    the wait as corrected."""
    adoption_services.refer_to_court(actor=None, case=foreign_case, court=court, on=ago(10))
    referral = Referral.objects.get(case=foreign_case)
    assert referral.eligible_since == ago(40)  # as recorded: the file complete 40 days before
    services.correct_placement(
        actor=users["ministry"], child=foreign_case.children.get(), placed_on=ago(95), reason="typed the year wrong"
    )
    referral.refresh_from_db()
    assert referral.eligible_since == ago(9)  # not eligible on the referral's day: eligible after it, if ever
    flagged = flags_of_cases(Case.objects.filter(pk=foreign_case.pk), today())
    (rushed,) = [f for f in flagged if f.flag == "RUSHED_CASE"]
    assert rushed.detail == f"Referred to the court on {ago(10).isoformat()}, before every check had passed."
    assert AuditEvent.objects.filter(verb="correct_placement", object_type="adoption.referral").count() == 1
    ends = right_arises(ago(95), 3)
    assert wait_status(foreign_case, ends - datetime.timedelta(days=1)) == "pending"
    assert wait_status(foreign_case, ends) == "pass"


def test_the_childs_page_offers_the_correction_to_the_levels_role(client, users, foreign_case):
    child = foreign_case.children.get()
    url = f"/children/{child.pk}/register/correct/"
    client.force_login(users["guardianship"])
    assert "Correct the date of the placement" not in client.get(f"/children/{child.pk}/").content.decode()
    assert client.post(url, {"placed_on": ago(60).isoformat(), "reason": "a typo"}).status_code == 403
    client.force_login(users["ministry"])
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "Correct the date of the placement on the central (Ministry" in page
    assert f'value="{ago(200).isoformat()}"' in page  # as recorded
    refused = client.post(url, {"placed_on": ago(60).isoformat(), "reason": ""})
    assert refused.status_code == 400 and "placement_form" not in refused.content.decode()
    assert Child.objects.get(pk=child.pk).level_since == ago(200)
    done = client.post(url, {"placed_on": ago(60).isoformat(), "reason": "typed May for August"})
    assert done.status_code == 302
    assert Child.objects.get(pk=child.pk).level_since == ago(60)
