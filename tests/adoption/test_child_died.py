"""A child's death ends what its cases hold open (adoption.services.close_cases_of_a_child_who_died,
called in the transaction of registry.services.deregister): until session 45 each case of a child
who died stayed open, referred, heard or decided for good, in the queues, with steps no page could
take."""

import datetime

import pytest

from adoption import deadlines, services
from adoption.models import Adoption, Case, CaseStatus
from core import work
from core.dates import right_arises, today
from core.models import AuditEvent, Reminder
from registry.models import Child
from tests.adoption.conftest import adopt_abroad, ago, complete_file, make_applicant, make_child
from tests.adoption.test_court import ALL_PRESENT, decide, hear, refer

pytestmark = pytest.mark.django_db


def dies(api, users, child, on):
    url = f"/api/v1/children/{child.pk}/deregister/"
    return api(users["guardianship"]).post(url, {"on": on.isoformat(), "reason": "died"}, format="json")


def queue_cases(user) -> set[int]:
    return {
        item.record[1] for item in work.queue(user, today()).items if item.record and item.record[0] == "adoption.case"
    }


def test_a_death_closes_each_case_of_the_child_before_its_decision(api, users, district, court, foreign_case):
    child = foreign_case.children.get()
    rival = services.open_case(
        actor=None, children=[child], applicants=[make_applicant(district, last_name="Other")], opened_on=ago(50)
    )
    other_child = make_child(district, last_name="Other")
    untouched = services.open_case(
        actor=None, children=[other_child], applicants=[make_applicant(district, last_name="Third")], opened_on=ago(50)
    )
    assert refer(api(users["guardianship"]), foreign_case, court, on=ago(5)).status_code == 201
    assert {foreign_case.pk} <= queue_cases(users["court"])  # "Referred: record the hearing once held"
    deadlines.sweep_court_deadlines()
    assert Reminder.objects.filter(kind="central_wait_ends", subject_id=rival.pk, done_at__isnull=True).exists()

    assert dies(api, users, child, ago(2)).status_code == 201
    for case in (foreign_case, rival):
        case.refresh_from_db()
        assert (case.status, case.closed_reason, case.closed_on) == (CaseStatus.CLOSED, "child_died", ago(2))
    untouched.refresh_from_db()
    assert untouched.status == CaseStatus.OPEN
    assert not Reminder.objects.filter(subject_id__in=[foreign_case.pk, rival.pk], done_at__isnull=True).exists()
    assert foreign_case.pk not in queue_cases(users["court"])
    assert not {foreign_case.pk, rival.pk} & queue_cases(users["guardianship"])
    closed = AuditEvent.objects.filter(verb="close_case", subject_id=str(rival.pk)).get()
    assert closed.after is not None and closed.actor_id == users["guardianship"].pk
    assert closed.after["closed_reason"] == "child_died"
    refused = hear(api(users["court"]), foreign_case, on=ago(1))
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "illegal_transition"
    page = api(users["guardianship"]).get(f"/api/v1/cases/{rival.pk}/").json()
    assert (page["status"], page["closed_reason"]) == ("closed", "child_died")


@pytest.mark.parametrize("died_days_before_hearing, closed_on_days_ago", [(1, 4), (0, 4), (-1, 3)])
def test_a_death_learnt_of_late_closes_the_case_on_its_last_step_never_before(
    api, users, court, foreign_case, died_days_before_hearing, closed_on_days_ago
):
    """The hearing was held 4 days ago; the child died the day before it, on it, or the day after."""
    assert refer(api(users["guardianship"]), foreign_case, court, on=ago(5)).status_code == 201
    assert hear(api(users["court"]), foreign_case, on=ago(4)).status_code == 201
    child = foreign_case.children.get()
    assert dies(api, users, child, ago(4 + died_days_before_hearing)).status_code == 201
    foreign_case.refresh_from_db()
    assert (foreign_case.closed_reason, foreign_case.closed_on) == ("child_died", ago(closed_on_days_ago))


def test_a_grant_not_in_force_lapses_with_the_child(api, users, district, court):
    case, child = adopt_abroad(district, court, in_force=False)  # granted 88 days ago, expected in force since
    deadlines.sweep_court_deadlines()
    assert Reminder.objects.filter(kind="decision_in_force_due", subject_id=case.pk, done_at__isnull=True).exists()
    assert case.pk in queue_cases(users["court"])

    assert dies(api, users, child, ago(1)).status_code == 201
    case.refresh_from_db()
    assert (case.status, case.closed_reason, case.closed_on) == (CaseStatus.CLOSED, "child_died", ago(1))
    assert not Adoption.objects.filter(child=child).exists()
    lapsed = AuditEvent.objects.get(verb="adoption_lapsed", subject_id=str(case.pk))
    assert (lapsed.action, lapsed.object_type) == ("delete", "adoption.adoption")
    assert not Reminder.objects.filter(subject_id=case.pk, done_at__isnull=True).exists()
    deadlines.sweep_court_deadlines()  # nothing waits on the entry into force: nothing asked again
    assert not Reminder.objects.filter(subject_id=case.pk, done_at__isnull=True).exists()
    assert case.pk not in queue_cases(users["court"])
    in_force = api(users["court"]).patch(
        f"/api/v1/cases/{case.pk}/decision/", {"in_force_on": ago(0).isoformat()}, format="json"
    )
    assert in_force.status_code == 409 and in_force.json()["errors"][0]["code"] == "illegal_transition"
    child.refresh_from_db()
    assert (child.deregistration_reason, child.sealed_on) == ("died", None)


def test_a_pending_appeal_leaves_the_courts_queue_when_the_child_dies(api, users, district, court):
    case, child = adopt_abroad(district, court, in_force=False)
    decided_on = case.decision.decided_on
    filed = api(users["court"]).post(
        f"/api/v1/cases/{case.pk}/appeal/",
        {"filed_on": (decided_on + datetime.timedelta(days=1)).isoformat()},
        format="json",
    )
    assert filed.status_code == 201, filed.json()
    assert case.pk in queue_cases(users["court"])  # "Appealed: record the appeal's outcome"
    assert dies(api, users, child, ago(1)).status_code == 201
    assert case.pk not in queue_cases(users["court"])


def test_the_grant_enters_into_force_for_the_sibling_left(api, users, district, court):
    """Two sisters granted to one family; one dies before the decision enters into force: the
    other's adoption takes effect as the court decided it, and the report counts one child."""
    sisters = [make_child(district, last_name=name) for name in ("Kim", "Kima")]
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Smith-Jones")]
    case = services.open_case(actor=None, children=sisters, applicants=couple, opened_on=ago(100))
    complete_file(case, sisters, couple)
    assert refer(api(users["guardianship"]), case, court, on=ago(39)).status_code == 201
    assert hear(api(users["court"]), case, on=ago(38), participants=ALL_PRESENT).status_code == 201
    assert decide(api(users["court"]), case, on=ago(37)).status_code == 201

    assert dies(api, users, sisters[1], ago(10)).status_code == 201
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED  # the living sister's adoption stands
    assert list(Adoption.objects.filter(decision__case=case).values_list("child_id", flat=True)) == [sisters[0].pk]
    assert list(case.children.values_list("pk", flat=True)) == [sisters[0].pk]  # the other left it
    expected = right_arises(ago(37), 1)
    in_force = api(users["court"]).patch(
        f"/api/v1/cases/{case.pk}/decision/", {"in_force_on": expected.isoformat()}, format="json"
    )
    assert in_force.status_code == 200, in_force.json()
    living, dead = (Child.objects.get(pk=s.pk) for s in sisters)
    assert (living.deregistration_reason, living.sealed_on) == ("adopted", expected)
    assert (dead.deregistration_reason, dead.deregistered_on, dead.sealed_on) == ("died", ago(10), None)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.IN_FORCE
    report = api(users["ministry"]).get(
        "/api/v1/reports/adoptions/", {"from": expected.isoformat(), "to": expected.isoformat()}
    )
    assert report.json()["total"] == 1


def test_only_a_death_closes_the_cases(api, users, court, foreign_case):
    """Another reason leaves the cases as they are: a guardian's or a stepparent's case is opened
    for a child off the registers (the checks then say what the case still needs)."""
    child = foreign_case.children.get()
    url = f"/api/v1/children/{child.pk}/deregister/"
    placed = api(users["guardianship"]).post(url, {"on": ago(1).isoformat(), "reason": "guardianship"}, format="json")
    assert placed.status_code == 201
    foreign_case.refresh_from_db()
    assert (foreign_case.status, foreign_case.closed_reason) == (CaseStatus.OPEN, "")


def test_a_child_placed_under_guardianship_is_recorded_dead_and_its_guardians_case_closes(
    api, client, users, district, foreign_case
):
    """A child off the registers for a placement (not for good) dies: until session 45 its death
    could not be recorded (409 already_deregistered), and the guardian's case stayed open."""
    from tests.web.test_pages import login

    child = foreign_case.children.get()
    url = f"/api/v1/children/{child.pk}/deregister/"
    guardianship = api(users["guardianship"])
    assert (
        guardianship.post(url, {"on": ago(30).isoformat(), "reason": "guardianship"}, format="json").status_code == 201
    )
    guardians_case = services.open_case(
        actor=None,
        children=[child],
        applicants=[make_applicant(district, citizenship="KZ", residence="KZ", last_name="Guardian")],
        opened_on=ago(20),
        kind="guardian",
    )
    login(client, users["guardianship"])
    page = client.get(f"/children/{child.pk}/").content.decode()
    form = page.split('id="dereg"')[1]
    assert "only its death is recorded here" in form
    assert 'value="died"' in form and 'value="foster_care"' not in form and 'value="returned_to_parents"' not in form
    again = guardianship.post(url, {"on": ago(10).isoformat(), "reason": "foster_care"}, format="json")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_deregistered"
    early = guardianship.post(url, {"on": ago(31).isoformat(), "reason": "died"}, format="json")
    assert early.status_code == 400 and early.json()["errors"][0]["code"] == "before_previous_entry"
    assert dies(api, users, child, ago(30)).status_code == 201  # on the day of the placement: accepted
    child.refresh_from_db()
    assert (child.deregistration_reason, child.deregistered_on) == ("died", ago(30))
    history = [(e.level, e.reason, e.on) for e in child.register_entries.order_by("on", "id")][-2:]
    assert history == [("deregistered", "guardianship", ago(30)), ("deregistered", "died", ago(30))]
    guardians_case.refresh_from_db()
    assert (guardians_case.closed_reason, guardians_case.closed_on) == ("child_died", ago(20))
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert 'id="dereg"' not in page  # dead: nothing more
    assert "Families for the child" not in page  # proposed to no family
    twice = dies(api, users, child, ago(1))
    assert twice.status_code == 409 and twice.json()["errors"][0]["code"] == "already_deregistered"


def test_the_grounds_and_consents_of_a_child_who_died_are_closed(api, client, users, district, foreign_case):
    from tests.web.test_pages import login

    child = foreign_case.children.get()
    guardianship = api(users["guardianship"])
    document = {"kind": "certificate", "number": "C-2", "date": ago(5).isoformat(), "issued_by": "Police"}
    consent = {
        "parent": "mother",
        "given_on": ago(5).isoformat(),
        "form": "notarised",
        "document": {"number": "N-1", "date": ago(5).isoformat(), "issued_by": "Notary"},
    }
    given = guardianship.post(f"/api/v1/children/{child.pk}/consents/", consent, format="json")
    assert given.status_code == 201, given.json()
    assert dies(api, users, child, ago(2)).status_code == 201
    ground = guardianship.post(
        f"/api/v1/children/{child.pk}/grounds/",
        {"parent": "father", "ground": "parents_unknown", "documents": [document]},
        format="json",
    )
    again = guardianship.post(f"/api/v1/children/{child.pk}/consents/", consent, format="json")
    withdrawn = guardianship.post(
        f"/api/v1/children/{child.pk}/consents/{given.json()['id']}/withdraw/",
        {"on": ago(1).isoformat()},
        format="json",
    )
    for refused in (ground, again, withdrawn):
        assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "child_died", refused.json()
    login(client, users["guardianship"])
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "its grounds and consents are no longer recorded or withdrawn" in page
    assert "web-child-consent" not in page and f'action="/children/{child.pk}/consents/"' not in page
    assert f'action="/children/{child.pk}/grounds/"' not in page


def sisters_case(district, *, central_days_ago=(200, 200)):
    """A US couple's case of two sisters on the central register, its file complete."""
    sisters = [
        make_child(district, last_name=name, central_days_ago=days)
        for name, days in zip(("Kim", "Kima"), central_days_ago, strict=True)
    ]
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Smith-Jones")]
    case = services.open_case(actor=None, children=sisters, applicants=couple, opened_on=ago(100))
    complete_file(case, sisters, couple)
    return case, sisters


def test_a_case_of_sisters_goes_on_for_the_sister_left(api, client, users, district, court):
    """Until session 50 the death of one sister closed the case of both before its decision: the
    family and the living sister began again. Now the sister who died leaves the case, which the
    court decides for the sister left."""
    case, sisters = sisters_case(district)
    assert refer(api(users["guardianship"]), case, court, on=ago(39)).status_code == 201

    assert dies(api, users, sisters[1], ago(20)).status_code == 201
    case.refresh_from_db()
    assert (case.status, case.closed_reason) == (CaseStatus.REFERRED, "")
    assert list(case.children.values_list("pk", flat=True)) == [sisters[0].pk]
    left = AuditEvent.objects.get(verb="child_left_case", subject_id=str(case.pk))
    assert left.before is not None
    assert (left.action, left.before["child_id"], left.actor_id) == ("delete", sisters[1].pk, users["guardianship"].pk)
    assert api(users["guardianship"]).get(f"/api/v1/cases/{case.pk}/").json()["children"] == [
        {"child": sisters[0].pk, "is_relative": False}
    ]
    assert case.pk in queue_cases(users["court"])  # still before the court

    assert hear(api(users["court"]), case, on=ago(10)).status_code == 201
    assert decide(api(users["court"]), case, on=ago(9)).status_code == 201
    assert list(Adoption.objects.filter(decision__case=case).values_list("child_id", flat=True)) == [sisters[0].pk]

    client.force_login(users["guardianship"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    children = page.split('id="file"')[1].split("Applicants")[0]
    assert children.count("/children/") == 2 and f"/children/{sisters[1].pk}/" in children
    assert "before its adoption, and left the case" in children.split(f"/children/{sisters[1].pk}/")[1]


def test_the_last_child_of_a_case_to_die_closes_it(api, users, district):
    case, sisters = sisters_case(district)
    assert dies(api, users, sisters[0], ago(5)).status_code == 201
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert dies(api, users, sisters[1], ago(3)).status_code == 201
    case.refresh_from_db()
    assert (case.status, case.closed_reason, case.closed_on) == (CaseStatus.CLOSED, "child_died", ago(3))
    assert list(case.children.values_list("pk", flat=True)) == [sisters[1].pk]  # the last stays named


def test_the_wait_of_the_sister_left_is_the_cases_wait(api, users, district, court):
    """The sister who died came onto the central register last, 30 days ago: the case waited on
    her three months. It now waits on the living sister's, which ended long ago, so the district is
    told at once that it may refer, and the referral is accepted."""
    case, sisters = sisters_case(district, central_days_ago=(200, 30))
    deadlines.sweep_court_deadlines()
    waits = Reminder.objects.filter(kind="central_wait_ends", subject_id=case.pk, done_at__isnull=True)
    assert not waits.exists()
    refused = refer(api(users["guardianship"]), case, court, on=today())
    assert refused.status_code == 400 and "CENTRAL_REGISTER_WAIT" in str(refused.json())

    assert dies(api, users, sisters[1], ago(1)).status_code == 201
    assert waits.exists()
    assert refer(api(users["guardianship"]), case, court, on=today()).status_code == 201


def test_a_sister_who_dies_while_the_refusal_is_under_appeal_leaves_the_case_the_appeal_grants(
    api, users, district, court
):
    """The court refused the sisters' adoption and the family appealed; one sister dies before the
    appeal court decides. Until session 50 she stayed in the case, which the refusal had closed:
    the appeal court's reversal could not be recorded (the case was not eligible with a child who
    died), and the living sister's adoption was never entered. Now she leaves the case, and the
    reversal grants the living sister, in force on the appeal's day."""
    case, sisters = sisters_case(district)
    assert refer(api(users["guardianship"]), case, court, on=ago(39)).status_code == 201
    assert hear(api(users["court"]), case, on=ago(38)).status_code == 201
    assert decide(api(users["court"]), case, outcome="refused", on=ago(37)).status_code == 201
    url = f"/api/v1/cases/{case.pk}/appeal/"
    assert api(users["court"]).post(url, {"filed_on": ago(30).isoformat()}, format="json").status_code == 201

    assert dies(api, users, sisters[1], ago(20)).status_code == 201
    case.refresh_from_db()
    assert (case.status, case.closed_reason) == (CaseStatus.CLOSED, "refused")  # under appeal still
    assert list(case.children.values_list("pk", flat=True)) == [sisters[0].pk]
    reversed_ = api(users["court"]).post(
        url,
        {"filed_on": ago(30).isoformat(), "decided_on": ago(2).isoformat(), "outcome": "reversed"},
        format="json",
    )
    assert reversed_.status_code == 201, reversed_.json()
    assert list(Adoption.objects.filter(decision__case=case).values_list("child_id", flat=True)) == [sisters[0].pk]
    living = Child.objects.get(pk=sisters[0].pk)
    assert (living.deregistration_reason, living.sealed_on) == ("adopted", ago(2))


def test_a_refusal_not_appealed_keeps_the_sisters_it_refused(api, users, district, court):
    """A refusal with no appeal pending is the record of what the court decided: a sister who dies
    afterwards stays named in it."""
    case, sisters = sisters_case(district)
    assert refer(api(users["guardianship"]), case, court, on=ago(39)).status_code == 201
    assert hear(api(users["court"]), case, on=ago(38)).status_code == 201
    assert decide(api(users["court"]), case, outcome="refused", on=ago(37)).status_code == 201
    assert dies(api, users, sisters[1], ago(1)).status_code == 201
    assert sorted(Case.objects.get(pk=case.pk).children.values_list("pk", flat=True)) == sorted(s.pk for s in sisters)
