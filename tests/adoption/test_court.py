import datetime

import pytest

from adoption import deadlines, services
from adoption.models import Adoption, Case, CaseChild, Decision, Referral
from adoption.rules import INCOME_EVIDENCE
from core.dates import right_arises, today
from core.models import AuditEvent, Reminder
from registry.models import Child, RegisterEntry
from tests.adoption.conftest import ago, complete_file, make_applicant, make_child
from tests.conftest import postgres_only, race

pytestmark = pytest.mark.django_db
ALL_PRESENT = ["applicants", "guardianship", "procurator"]


def refer(client, case, court, on=None):
    return client.post(
        f"/api/v1/cases/{case.pk}/referral/", {"court": court.pk, "on": (on or ago(5)).isoformat()}, format="json"
    )


def hear(client, case, on=None, participants=ALL_PRESENT, in_camera=True):
    return client.post(
        f"/api/v1/cases/{case.pk}/hearings/",
        {"on": (on or ago(4)).isoformat(), "participants": participants, "in_camera": in_camera},
        format="json",
    )


def decide(client, case, outcome="granted", on=None, **extra):
    return client.post(
        f"/api/v1/cases/{case.pk}/decision/",
        {"outcome": outcome, "decided_on": (on or ago(3)).isoformat(), **extra},
        format="json",
    )


def test_a_full_foreign_case_from_an_empty_database_to_a_decision_in_force(api, users, district, court):
    """Every step through the API, as the guardianship agency, the regional department, the ministry and the court."""
    guardianship, regional, ministry, clerk = (api(users[r]) for r in ("guardianship", "regional", "ministry", "court"))
    child = guardianship.post(
        "/api/v1/children/",
        {
            "last_name": "Ахметова",
            "first_name": "Дана",
            "sex": "F",
            "birth_date": ago(3 * 365).isoformat(),
            "district": district.code,
            "identified_on": ago(300).isoformat(),
        },
        format="json",
    ).json()
    cid = child["id"]
    assert (
        guardianship.post(
            f"/api/v1/children/{cid}/grounds/",
            {
                "parent": "both",
                "ground": "abandoned_in_institution",
                "documents": [
                    {
                        "kind": "birth_registration",
                        "number": "BR-1",
                        "date": ago(299).isoformat(),
                        "issued_by": "Registry office",
                    },
                    {
                        "kind": "institution_statement",
                        "number": "S-1",
                        "date": ago(299).isoformat(),
                        "issued_by": "Maternity home 1",
                    },
                ],
            },
            format="json",
        ).status_code
        == 201
    )
    assert (
        guardianship.post(
            f"/api/v1/children/{cid}/register/", {"level": "primary", "placed_on": ago(298).isoformat()}, format="json"
        ).status_code
        == 201
    )
    assert (
        regional.post(
            f"/api/v1/children/{cid}/register/", {"level": "regional", "placed_on": ago(260).isoformat()}, format="json"
        ).status_code
        == 201
    )
    assert (
        ministry.post(
            f"/api/v1/children/{cid}/register/", {"level": "central", "placed_on": ago(220).isoformat()}, format="json"
        ).status_code
        == 201
    )
    people = [
        guardianship.post(
            "/api/v1/applicants/",
            {
                "last_name": "Smith",
                "first_name": name,
                "sex": sex,
                "birth_date": "1982-05-05",
                "citizenship": "US",
                "residence_country": "US",
                "marital_status": "married",
                "foreign_register_number": f"FR-{name}",
                "foreign_registered_on": ago(200).isoformat(),
            },
            format="json",
        ).json()["id"]
        for name, sex in (("John", "M"), ("Mary", "F"))
    ]
    case = guardianship.post(
        "/api/v1/cases/", {"children": [cid], "applicants": people, "opened_on": ago(120).isoformat()}, format="json"
    ).json()
    assert (case["category"], case["receiving_country"], case["foreign_adoption"]) == ("foreigner", "US", True)
    pk = case["id"]
    docs: list[dict[str, object]] = [
        {"kind": "application", "issued_on": ago(119).isoformat(), "issuer": "the applicants"}
    ]
    agency = ministry.post(  # the register of accredited agencies (RULES v2 §7a)
        "/api/v1/agencies/",
        {
            "name": "Hopeful Families",
            "country": "US",
            "accreditation_number": "KZ-ACC-17",
            "accredited_from": ago(400).isoformat(),
            "accredited_until": ago(-400).isoformat(),
        },
        format="json",
    ).json()["id"]
    docs += [
        {"kind": kind, "issued_on": ago(110).isoformat(), "issuer": "Adoption agency", "agency": agency}
        for kind in ("financial_solvency", "family_situation", "health_report", "moral_qualities")
    ]
    docs += [
        {
            "kind": "medical_certificate",
            "applicant": p,
            "issued_on": ago(110).isoformat(),
            "issuer": "Clinic",
            "conditions": [],
        }
        for p in people
    ]
    # RULES v2 §1a: the spouses' marriage, each one's certificates and income; the ministry's subsistence minimum
    # (in effect from 2020: the referral of 50 days ago is judged by the parameters of its day, RULES v2 §10)
    minimum = {"subsistence_minimum": 50_000, "effective_from": "2020-01-01"}
    assert ministry.put("/api/v1/policy/", minimum, format="json").status_code == 200
    docs.append(
        {"kind": "marriage_certificate", "applicants": people, "issued_on": "2010-06-01", "issuer": "Civil registry"}
    )
    docs += [
        {"kind": kind, "applicant": p, "issued_on": ago(110).isoformat(), "issuer": "Authority"}
        | ({"amount": "300000.00"} if kind == "income_statement" else {})
        for kind in INCOME_EVIDENCE
        for p in people
    ]
    for doc in docs:
        assert guardianship.post(f"/api/v1/cases/{pk}/documents/", doc, format="json").status_code == 201, doc
    for p in people:
        for day in (100, 80):
            assert (
                guardianship.post(
                    f"/api/v1/cases/{pk}/contacts/",
                    {"applicant": p, "child": cid, "on": ago(day).isoformat()},
                    format="json",
                ).status_code
                == 201
            )
    assert (
        guardianship.post(
            f"/api/v1/cases/{pk}/domestic-search/",
            {"completed_on": ago(115).isoformat(), "outcome": "no_candidates"},
            format="json",
        ).status_code
        == 201
    )
    hague = guardianship.get(f"/api/v1/cases/{pk}/eligibility/").json()["checks"][-1]
    assert (hague["code"], hague["status"]) == ("HAGUE_AGREEMENT", "fail")  # the US is a party since 2010-11-01
    days = {"art15_report_received_on": ago(70), "art16_report_sent_on": ago(68), "art17_agreement_on": ago(60)}
    steps = {name: day.isoformat() for name, day in days.items()}
    assert guardianship.post(f"/api/v1/cases/{pk}/hague/", steps, format="json").status_code == 403  # the ministry's
    assert ministry.post(f"/api/v1/cases/{pk}/hague/", steps, format="json").status_code == 201
    assert guardianship.get(f"/api/v1/cases/{pk}/eligibility/").json()["eligible"] is True

    referred = refer(guardianship, Case(pk=pk), court, on=ago(50))
    assert referred.status_code == 201, referred.json()
    assert clerk.get(f"/api/v1/cases/{pk}/").status_code == 200  # from now on the court sees the case
    assert clerk.get(f"/api/v1/children/{cid}/").status_code == 200
    assert hear(clerk, Case(pk=pk), on=ago(45)).status_code == 201
    response = decide(clerk, Case(pk=pk), on=ago(40))
    assert response.status_code == 201
    # one month of appeal from the final form (by default the decision's date), in force the day after it expires
    assert response.json()["expected_in_force_on"] == right_arises(ago(40), 1).isoformat()
    assert clerk.get(f"/api/v1/cases/{pk}/").json()["status"] == "decided"
    in_force = clerk.patch(f"/api/v1/cases/{pk}/decision/", {"in_force_on": ago(1).isoformat()}, format="json")
    assert in_force.status_code == 200 and in_force.json()["in_force_on"] == ago(1).isoformat()

    assert clerk.get(f"/api/v1/cases/{pk}/").json()["status"] == "in_force"
    child_after = guardianship.get(f"/api/v1/children/{cid}/").json()
    assert child_after["status"] == "deregistered" and child_after["deregistered"] == {
        "on": ago(1).isoformat(),
        "reason": "adopted",
    }
    deregistration = AuditEvent.objects.get(verb="deregister", object_type="registry.child")
    assert deregistration.actor == users["court"]  # in the clerk's name, in the clerk's transaction


def test_referral_is_refused_with_the_failing_checks_unless_eligible(api, users, district, court):
    child = make_child(district, central_days_ago=30)  # the three months are not over
    applicants = [make_applicant(district)]
    case = services.open_case(actor=None, children=[child], applicants=applicants, opened_on=ago(25))
    response = refer(api(users["guardianship"]), case, court, on=ago(1))
    assert response.status_code == 400
    codes = {e["code"] for e in response.json()["errors"]}
    assert {"CENTRAL_REGISTER_WAIT", "APPLICATION_FILED", "FOREIGN_DOSSIER"} <= codes
    assert response.json()["eligibility"]["eligible"] is False
    assert not Referral.objects.exists() and Case.objects.get().status == "open"


def test_a_hearing_needs_every_mandatory_participant_and_to_be_in_camera(api, users, foreign_case, court):
    refer(api(users["guardianship"]), foreign_case, court)
    clerk = api(users["court"])
    no_procurator = hear(clerk, foreign_case, participants=["applicants", "guardianship", "child"])
    assert no_procurator.status_code == 400
    assert no_procurator.json()["errors"][0] == {
        "field": "participants",
        "code": "mandatory_participant_missing",
        "message": no_procurator.json()["errors"][0]["message"],
    }
    assert "procurator" in no_procurator.json()["errors"][0]["message"]
    public = hear(clerk, foreign_case, in_camera=False)
    assert public.status_code == 400 and public.json()["errors"][0]["field"] == "in_camera"
    assert not foreign_case.hearings.exists()
    assert hear(clerk, foreign_case).status_code == 201


def test_only_the_court_of_the_referral_sees_and_hears_the_case(api, users, foreign_case, court):
    refer(api(users["guardianship"]), foreign_case, court)
    assert hear(api(users["other_court"]), foreign_case).status_code == 404
    assert hear(api(users["guardianship"]), foreign_case).status_code == 403
    assert api(users["other_court"]).get("/api/v1/cases/").json()["count"] == 0


def test_illegal_transitions_are_409_with_a_clear_message(api, users, foreign_case, court):
    guardianship, clerk = api(users["guardianship"]), api(users["court"])
    assert hear(clerk, foreign_case).status_code == 404  # not referred: the court cannot even see it
    assert refer(guardianship, foreign_case, court).status_code == 201
    again = refer(guardianship, foreign_case, court)
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "illegal_transition"
    before_hearing = decide(clerk, foreign_case)
    assert before_hearing.status_code == 409 and "hearing" in before_hearing.json()["errors"][0]["message"]
    hear(clerk, foreign_case)
    assert decide(clerk, foreign_case).status_code == 201
    second = decide(clerk, foreign_case)
    assert second.status_code == 409 and second.json()["errors"][0]["code"] == "already_decided"
    assert Decision.objects.count() == 1


def test_a_refused_decision_closes_the_case_and_leaves_the_child_on_the_register(api, users, foreign_case, court):
    refer(api(users["guardianship"]), foreign_case, court)
    hear(api(users["court"]), foreign_case)
    assert decide(api(users["court"]), foreign_case, outcome="refused").status_code == 201
    case = Case.objects.get(pk=foreign_case.pk)
    assert (case.status, case.closed_reason) == ("closed", "refused")
    assert not Adoption.objects.exists()
    assert Child.objects.get().status == "registered"


def test_entry_into_force_closes_every_other_open_case_for_the_child(api, users, district, court, foreign_case):
    child = foreign_case.children.get()
    rival = services.open_case(
        actor=None, children=[child], applicants=[make_applicant(district, last_name="Other")], opened_on=ago(50)
    )
    refer(api(users["guardianship"]), foreign_case, court, on=ago(40))
    hear(api(users["court"]), foreign_case, on=ago(39))
    assert decide(api(users["court"]), foreign_case, on=ago(38), in_force_on=ago(2).isoformat()).status_code == 201
    rival.refresh_from_db()
    assert (rival.status, rival.closed_reason, rival.closed_on) == ("closed", "child_adopted_in_other_case", ago(2))
    assert Case.objects.get(pk=foreign_case.pk).status == "in_force"


def test_a_case_that_no_longer_waits_has_its_central_wait_reminder_done(api, users, district, court, foreign_case):
    """ "Three months on the central register expired" tells the district a case may go on: once
    the case is decided, withdrawn, or closed because its child was adopted in another case, the
    reminder stayed open on its home page for ever."""
    child = foreign_case.children.get()
    rival, withdrawn = (
        services.open_case(
            actor=None, children=[child], applicants=[make_applicant(district, last_name=name)], opened_on=ago(50)
        )
        for name in ("Other", "Third")
    )
    deadlines.sweep_court_deadlines()

    def waiting(case) -> bool:
        return Reminder.objects.filter(kind="central_wait_ends", subject_id=case.pk, done_at__isnull=True).exists()

    assert waiting(foreign_case) and waiting(rival) and waiting(withdrawn)
    services.withdraw_case(actor=users["guardianship"], case=withdrawn, on=ago(1))
    assert not waiting(withdrawn) and waiting(rival) and waiting(foreign_case)
    refer(api(users["guardianship"]), foreign_case, court, on=ago(40))
    hear(api(users["court"]), foreign_case, on=ago(39))
    assert decide(api(users["court"]), foreign_case, on=ago(38), in_force_on=ago(2).isoformat()).status_code == 201
    assert not waiting(foreign_case)  # decided
    assert not waiting(rival)  # closed: its child was adopted in the other case
    deadlines.sweep_court_deadlines()
    assert not waiting(foreign_case) and not waiting(rival) and not waiting(withdrawn)


def test_the_decision_shows_the_expected_in_force_date_until_recorded(api, users, foreign_case, court):
    refer(api(users["guardianship"]), foreign_case, court)
    hear(api(users["court"]), foreign_case)
    decide(api(users["court"]), foreign_case, on=ago(3))
    decision = api(users["guardianship"]).get(f"/api/v1/cases/{foreign_case.pk}/").json()["decision"]
    expected = right_arises(ago(3), 1)
    assert (decision["expected_in_force_on"], decision["in_force_on"]) == (expected.isoformat(), None)
    early = api(users["court"]).patch(
        f"/api/v1/cases/{foreign_case.pk}/decision/", {"in_force_on": ago(4).isoformat()}, format="json"
    )
    assert early.status_code == 400 and early.json()["errors"][0]["code"] == "before_decision"
    for body in ("null", "[]", '"in_force_on"'):  # a JSON body that is no object: refused (null answered 500)
        refused = api(users["court"]).patch(
            f"/api/v1/cases/{foreign_case.pk}/decision/", body, content_type="application/json"
        )
        assert refused.status_code == 400, (body, refused.status_code)
    assert Decision.objects.get(case=foreign_case).in_force_on is None


def test_court_deadline_reminders(api, users, district, court, foreign_case):
    # the decision of 40 days ago was expected in force on right_arises(ago(40), 1): that day has passed
    refer(api(users["guardianship"]), foreign_case, court, on=ago(40))
    hear(api(users["court"]), foreign_case, on=ago(40))
    assert decide(api(users["court"]), foreign_case, on=ago(40)).status_code == 201
    pending_wait = make_child(district, central_days_ago=95, last_name="Wait")
    waiting_case = services.open_case(
        actor=None, children=[pending_wait], applicants=[make_applicant(district)], opened_on=ago(90)
    )
    deadlines.sweep_court_deadlines()
    deadlines.sweep_court_deadlines()

    reminders = {(r.kind, r.subject_id, r.due_on, r.court_id, r.district_id) for r in Reminder.objects.all()}
    assert reminders == {
        ("decision_in_force_due", foreign_case.pk, right_arises(ago(40), 1), court.pk, None),
        ("central_wait_ends", waiting_case.pk, right_arises(ago(95), 3), None, district.pk),
    }
    assert [r["kind"] for r in api(users["court"]).get("/api/v1/reminders/").json()["results"]] == [
        "decision_in_force_due"
    ]


@pytest.mark.parametrize("younger_central_ago, due", [(95, True), (90, False), (None, False)])
def test_the_central_wait_of_a_case_ends_with_its_last_child(district, younger_central_ago, due):
    """Brothers and sisters in one case: the three months end when the last of them has been on the
    central register for three months; a child not on it yet gives no date at all."""
    older = make_child(district, central_days_ago=100, last_name="Older")
    if younger_central_ago is None:  # only on the primary register
        younger = make_child(district, last_name="Younger", central_days_ago=0)
        RegisterEntry.objects.filter(child=younger).exclude(level="primary").delete()
        Child.objects.filter(pk=younger.pk).update(register_level="primary")
    else:
        younger = make_child(district, central_days_ago=younger_central_ago, last_name="Younger")
    case = services.open_case(
        actor=None, children=[older, younger], applicants=[make_applicant(district)], opened_on=ago(1)
    )
    waits = deadlines.central_waits(CaseChild.objects.all(), today())
    if due:
        end = right_arises(ago(younger_central_ago), 3)  # the younger child's, later than the older's
        assert waits == {case.pk: (district.pk, end)}
        assert deadlines.central_waits(CaseChild.objects.all(), end - datetime.timedelta(days=1)) == {}
    else:
        assert waits == {}  # the older child alone has waited three months: not the case


# --- concurrency (PostgreSQL) ---------------------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_referrals_of_two_cases_for_one_child_let_exactly_one_through(users, district, court):
    from rest_framework.test import APIClient

    child = make_child(district)
    cases = []
    for name in ("First", "Second"):
        applicants = [make_applicant(district, last_name=name)]
        case = services.open_case(actor=None, children=[child], applicants=applicants, opened_on=ago(100))
        complete_file(case, [child], applicants)
        cases.append(case)

    def attempt(i):
        client = APIClient()
        client.force_authenticate(users["guardianship"])
        return refer(client, cases[i % 2], court).status_code

    statuses = race(20, attempt)
    assert statuses.count(201) == 1, statuses
    assert all(isinstance(s, int) and 400 <= s < 500 for s in statuses if s != 201), statuses
    assert Referral.objects.count() == 1
    assert sorted(Case.objects.values_list("status", flat=True)) == ["open", "referred"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_granted_decisions_on_one_case_make_exactly_one(users, district, court):
    from rest_framework.test import APIClient

    child = make_child(district)
    applicants = [make_applicant(district)]
    case = services.open_case(actor=None, children=[child], applicants=applicants, opened_on=ago(100))
    complete_file(case, [child], applicants)
    services.refer_to_court(actor=None, case=case, court=court, on=ago(5))
    services.record_hearing(actor=None, case=case, on=ago(4), participants=ALL_PRESENT, in_camera=True)

    def attempt(i):
        client = APIClient()
        client.force_authenticate(users["court"])
        return decide(client, case).status_code

    statuses = race(20, attempt)
    assert statuses.count(201) == 1, statuses
    assert all(isinstance(s, int) and 400 <= s < 500 for s in statuses if s != 201), statuses
    assert Decision.objects.count() == 1 and Adoption.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_adoption_of_one_child_whatever_the_code_does(district):
    from django.db import IntegrityError, transaction

    child = make_child(district)
    cases = [
        services.open_case(
            actor=None, children=[child], applicants=[make_applicant(district, last_name=n)], opened_on=ago(10)
        )
        for n in ("A", "B")
    ]
    first = Decision.objects.create(case=cases[0], district=district, outcome="granted", decided_on=ago(1))
    second = Decision.objects.create(case=cases[1], district=district, outcome="granted", decided_on=ago(1))
    Adoption.objects.create(child=child, decision=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.create(child=child, decision=second)
