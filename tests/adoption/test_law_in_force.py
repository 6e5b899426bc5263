"""Issue 17 through the API: the observations of a careful clerk, each refused or judged as the law
in force says (RULES v2 §1, §1a, §3, §6), and the records it adds (consents, registrations, kinds,
appeal, new identity, civil registration)."""

import datetime

import pytest

from adoption import deadlines, services
from adoption.models import Adoption, Case
from core.dates import right_arises, today
from core.errors import RuleError
from core.models import AuditEvent, Reminder
from registry import services as registry_services
from registry.models import Child, ParentalConsent
from tests.adoption.conftest import adopt_abroad, ago, complete_file, make_applicant, make_child

pytestmark = pytest.mark.django_db


def checks(client, case, **params):
    body = client.get(f"/api/v1/cases/{case.pk}/eligibility/", params).json()
    return {c["code"]: c for c in body["checks"]}, body


def to_decision(client_g, client_c, case, court, *, decided=40, **decision):
    """Refer, hear and decide (granted) `decided` days ago; the file is complete from 40 days ago."""
    assert (
        client_g.post(
            f"/api/v1/cases/{case.pk}/referral/", {"court": court.pk, "on": ago(decided).isoformat()}, format="json"
        ).status_code
        == 201
    )
    hearing = {"on": ago(decided).isoformat(), "participants": ["applicants", "guardianship", "procurator"]}
    assert (
        client_c.post(f"/api/v1/cases/{case.pk}/hearings/", hearing | {"in_camera": True}, format="json").status_code
        == 201
    )
    return client_c.post(
        f"/api/v1/cases/{case.pk}/decision/",
        {"outcome": "granted", "decided_on": ago(decided).isoformat(), **decision},
        format="json",
    )


# --- who may adopt ------------------------------------------------------------------------------


def test_two_women_not_married_to_each_other_are_not_eligible_as_a_couple(api, users, district):
    child = make_child(district)
    women = [
        make_applicant(district, citizenship="KZ", residence="KZ", last_name=n, marital_status="single")
        for n in ("Abenova", "Bekova")
    ]
    case = services.open_case(actor=None, children=[child], applicants=women, opened_on=ago(100))
    complete_file(case, [child], women, foreign=False)
    Case.objects.filter(pk=case.pk)  # the file is complete but for a marriage between them
    from adoption.models import CaseDocument

    CaseDocument.objects.filter(case=case, kind="marriage_certificate").delete()
    found, body = checks(api(users["guardianship"]), case)
    assert found["APPLICANTS_MARRIED"]["status"] == "fail" and body["eligible"] is False
    refused = api(users["guardianship"]).post(
        f"/api/v1/cases/{case.pk}/referral/", {"court": 1, "on": today().isoformat()}, format="json"
    )
    assert refused.status_code == 400


def test_a_marriage_certificate_names_the_two_spouses_of_the_case(api, users, foreign_case):
    client = api(users["guardianship"])
    stranger = make_applicant(foreign_case.district, last_name="Stranger")
    one = foreign_case.applicants.first()
    for applicants in ([one.pk], [one.pk, stranger.pk]):
        response = client.post(
            f"/api/v1/cases/{foreign_case.pk}/documents/",
            {"kind": "marriage_certificate", "applicants": applicants, "issued_on": "2010-01-01", "issuer": "Registry"},
            format="json",
        )
        assert response.status_code == 400 and response.json()["errors"][0]["field"] == "applicants"


def test_a_us_relative_needs_the_dossier_the_contact_and_the_foreign_register(api, users, district):
    child = make_child(district)
    aunt = make_applicant(district, registered_ago=400, marital_status="single")  # the v1 entry lapsed
    case = services.open_case(actor=None, children=[child], applicants=[aunt], opened_on=ago(30), relative_of=[child])
    services.add_document(actor=None, case=case, kind="kinship_proof", child=child, issued_on=ago(25), issuer="ZAGS")
    found, body = checks(api(users["guardianship"]), case)
    assert body["category"] == "relative" and found["KINSHIP_PROVEN"]["status"] == "pass"
    for code in ("PERSONAL_CONTACT", "FOREIGN_DOSSIER", "FOREIGN_ADOPTER_REGISTERED"):
        assert found[code]["status"] == "fail", code
    for code in ("DOMESTIC_PREFERENCE", "CENTRAL_REGISTER_WAIT"):
        assert found[code]["status"] == "not_applicable", code


def test_registrations_are_filed_by_the_registers_keeper(api, users, district, other_district):
    resident = make_applicant(district, citizenship="KZ", residence="KZ", registered_ago=10)
    foreigner = make_applicant(district, last_name="Doe")
    entry = {"number": "PA-9", "registered_on": ago(5).isoformat(), "valid_until": ago(-360).isoformat()}
    g, m = api(users["guardianship"]), api(users["ministry"])
    url = "/api/v1/applicants/{}/registrations/".format
    assert g.post(url(resident.pk), entry | {"register": "prospective_adopters"}, format="json").status_code == 201
    assert m.post(url(resident.pk), entry | {"register": "prospective_adopters"}, format="json").status_code == 403
    assert g.post(url(foreigner.pk), entry | {"register": "foreign_adopters"}, format="json").status_code == 403
    wrong = m.post(url(foreigner.pk), entry | {"register": "prospective_adopters"}, format="json")
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["code"] == "wrong_register"
    backwards = m.post(
        url(foreigner.pk), entry | {"register": "foreign_adopters", "valid_until": ago(6).isoformat()}, format="json"
    )
    assert backwards.status_code == 400 and backwards.json()["errors"][0]["field"] == "valid_until"
    assert m.post(url(foreigner.pk), entry | {"register": "foreign_adopters"}, format="json").status_code == 201
    shown = g.get(f"/api/v1/applicants/{foreigner.pk}/").json()["registrations"]
    assert [(r["register"], r["number"]) for r in shown] == [("foreign_adopters", "PA-9")]
    assert api(users["other_guardianship"]).post(url(resident.pk), entry, format="json").status_code == 404


def test_barring_facts_and_stateless_applicants_are_recorded_and_refused_when_unknown(api, users):
    client = api(users["guardianship"])
    person = {
        "last_name": "Doe",
        "first_name": "J",
        "sex": "M",
        "birth_date": "1980-01-01",
        "citizenship": "stateless",
        "residence_country": "KZ",
        "barring_facts": ["removed_as_guardian"],
        "raised_child_three_years": True,
    }
    created = client.post("/api/v1/applicants/", person, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["citizenship"], created.json()["barring_facts"]) == ("stateless", ["removed_as_guardian"])
    unknown = client.post("/api/v1/applicants/", person | {"barring_facts": ["bad_temper"]}, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"].startswith("barring_facts")
    nowhere = client.post("/api/v1/applicants/", person | {"citizenship": "XX"}, format="json")
    assert nowhere.status_code == 400 and nowhere.json()["errors"][0]["code"] == "invalid_citizenship"


# --- the child: citizenship, consents, court decisions ------------------------------------------------


def test_a_childs_citizenship_is_recorded_kz_by_default(api, users, district):
    client = api(users["guardianship"])
    child = {"last_name": "A", "first_name": "B", "sex": "F", "birth_date": "2020-01-01", "district": district.code}
    child["identified_on"] = "2021-01-01"
    assert client.post("/api/v1/children/", child, format="json").json()["citizenship"] == "KZ"
    assert client.post("/api/v1/children/", child | {"citizenship": "RU"}, format="json").json()["citizenship"] == "RU"
    bad = client.post("/api/v1/children/", child | {"citizenship": "Russia"}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "citizenship"


def test_a_consent_before_the_birth_and_a_letter_for_a_court_decision_are_refused(api, users, district):
    child = make_child(district, birth_days_ago=300)
    client = api(users["guardianship"])
    consent = {
        "parent": "mother",
        "given_on": (child.birth_date - datetime.timedelta(days=100)).isoformat(),
        "form": "notarised",
        "document": {"number": "N-1", "date": ago(400).isoformat(), "issued_by": "Notary"},
    }
    before_birth = client.post(f"/api/v1/children/{child.pk}/consents/", consent, format="json")
    assert before_birth.status_code == 400 and before_birth.json()["errors"][0]["code"] == "before_birth"
    on_birth = client.post(
        f"/api/v1/children/{child.pk}/consents/", consent | {"given_on": child.birth_date.isoformat()}, format="json"
    )
    assert on_birth.status_code == 201 and on_birth.json()["names_applicants"] is None  # the day of the birth
    letter = {"kind": "other", "number": "L-1", "date": ago(10).isoformat(), "issued_by": "Procurator"}
    refused = client.post(
        f"/api/v1/children/{child.pk}/grounds/",
        {"parent": "father", "ground": "deprived_of_parental_rights", "documents": [letter]},
        format="json",
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "court_decision_required"
    undated = letter | {"kind": "court_decision"}
    no_force = client.post(
        f"/api/v1/children/{child.pk}/grounds/",
        {"parent": "father", "ground": "deprived_of_parental_rights", "documents": [undated]},
        format="json",
    )
    assert no_force.status_code == 400 and no_force.json()["errors"][0]["field"] == "documents[0].in_force_on"
    bare = client.post(
        f"/api/v1/children/{child.pk}/grounds/",
        {"parent": "mother", "ground": "parental_consent", "documents": [letter | {"kind": "consent"}]},
        format="json",
    )
    assert bare.status_code == 400 and bare.json()["errors"][0]["code"] == "consent_record_required"


def test_a_consent_is_withdrawn_until_the_day_of_the_decision(api, users, district, court):
    case, child = adopt_abroad(district, court, in_force=False)
    decided_on = case.decision.decided_on
    on_file = {"parent": "mother", "given_on": ago(300), "form": "guardianship_agency"}
    document = {"number": "C-1", "date": ago(300), "issued_by": "Agency"}
    with pytest.raises(RuleError) as closed:  # the court decided on the consents as they stood
        registry_services.record_parental_consent(actor=None, child=child, document=document, **on_file)
    assert [(e.field, e.code) for e in closed.value.errors] == [("given_on", "after_decision")]
    consent = ParentalConsent.objects.create(  # as it was on file before the decision
        child=child, document_number="C-1", document_date=ago(300), document_issued_by="Agency", **on_file
    )
    client = api(users["guardianship"])
    url = f"/api/v1/children/{child.pk}/consents/{consent.pk}/withdraw/"
    late = client.post(url, {"on": (decided_on + datetime.timedelta(days=1)).isoformat()}, format="json")
    assert late.status_code == 400 and late.json()["errors"][0]["code"] == "after_decision"
    assert client.post(url, {"on": decided_on.isoformat()}, format="json").status_code == 200
    assert client.get(f"/api/v1/children/{child.pk}/consents/").json()[0]["withdrawn_on"] == decided_on.isoformat()
    assert client.post(url, {"on": decided_on.isoformat()}, format="json").status_code == 409


def test_a_child_under_five_takes_no_part_in_the_hearing(api, users, district, court):
    child = make_child(district, birth_days_ago=5 * 365)
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Husband")]
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    complete_file(case, [child], couple)
    services.refer_to_court(actor=None, case=case, court=court, on=ago(5))
    response = api(users["court"]).post(
        f"/api/v1/cases/{case.pk}/hearings/",
        {"on": ago(4).isoformat(), "participants": ["applicants", "guardianship", "procurator", "child"]}
        | {"in_camera": True},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "participants"
    assert response.json()["errors"][0]["code"] == "child_under_10"


# --- kinds of case --------------------------------------------------------------------------------


def test_a_guardian_adopts_a_child_who_left_the_registers_for_guardianship(api, users, district, court):
    child = make_child(district)
    registry_services.deregister(actor=None, child=child, on=ago(50), reason="guardianship")
    guardian = make_applicant(district, citizenship="KZ", residence="KZ", marital_status="single", sex="F")
    client = api(users["guardianship"])
    standard = client.post(
        "/api/v1/cases/",
        {"children": [child.pk], "applicants": [guardian.pk], "opened_on": ago(40).isoformat()},
        format="json",
    )
    assert standard.status_code == 400  # a standard case needs a child of the registers
    opened = client.post(
        "/api/v1/cases/",
        {"children": [child.pk], "applicants": [guardian.pk], "opened_on": ago(40).isoformat(), "kind": "guardian"},
        format="json",
    )
    assert opened.status_code == 201 and opened.json()["kind"] == "guardian"
    case = Case.objects.get(pk=opened.json()["id"])
    complete_file(case, [child], [guardian], foreign=False)
    found, body = checks(client, case)
    assert found["GUARDIAN_CONSENT"]["status"] == "fail"  # the proof does not name her: someone else is guardian
    services.add_document(
        actor=None, case=case, kind="guardianship_proof", applicant=guardian, issued_on=ago(45), issuer="Akimat"
    )
    found, body = checks(client, case)
    assert found["GUARDIAN_CONSENT"]["status"] == "not_applicable"  # she is the guardian
    assert found["CHILD_ADOPTABLE"]["status"] == "pass" and found["ADOPTER_REGISTERED"]["status"] == "pass"
    assert body["eligible"] is True, [c for c in body["checks"] if c["status"] in ("fail", "pending")]

    # in force, the child's record says adopted (it said "placed under guardianship" for good), and
    # an adopted child never returns to the registers
    court_clerk = api(users["court"])
    assert to_decision(client, court_clerk, case, court, decided=36).status_code == 201
    in_force = right_arises(ago(36), 1)
    entered = court_clerk.patch(
        f"/api/v1/cases/{case.pk}/decision/", {"in_force_on": in_force.isoformat()}, format="json"
    )
    assert entered.status_code == 200, entered.json()
    child.refresh_from_db()
    assert (child.deregistration_reason, child.deregistered_on) == ("adopted", in_force)
    history = client.get(f"/api/v1/children/{child.pk}/register/").json()
    assert [(e["level"], e.get("reason")) for e in history][-2:] == [
        ("deregistered", "guardianship"),
        ("deregistered", "adopted"),
    ], history
    again = client.post(
        f"/api/v1/children/{child.pk}/register/", {"level": "primary", "placed_on": ago(0).isoformat()}, format="json"
    )
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "left_for_good"


# --- the court: appeal term, appeal, new identity, civil registration -------------------------------


def test_the_decision_enters_into_force_a_month_after_its_final_form_or_on_an_upheld_appeal(
    api, users, foreign_case, court
):
    g, c = api(users["guardianship"]), api(users["court"])
    decided = to_decision(g, c, foreign_case, court, decided=38, final_form_on=ago(35).isoformat())
    assert decided.status_code == 201, decided.json()
    expected = right_arises(ago(35), 1)
    assert decided.json()["expected_in_force_on"] == expected.isoformat()
    url = f"/api/v1/cases/{foreign_case.pk}/decision/"
    early = c.patch(url, {"in_force_on": (expected - datetime.timedelta(days=1)).isoformat()}, format="json")
    assert early.status_code == 400 and early.json()["errors"][0]["code"] == "appeal_term_running"
    appeal = {"filed_on": ago(30).isoformat(), "decided_on": ago(20).isoformat(), "outcome": "upheld"}
    assert g.post(f"/api/v1/cases/{foreign_case.pk}/appeal/", appeal, format="json").status_code == 403
    late_filing = c.post(
        f"/api/v1/cases/{foreign_case.pk}/appeal/", appeal | {"filed_on": expected.isoformat()}, format="json"
    )
    assert late_filing.status_code == 400 and late_filing.json()["errors"][0]["code"] == "outside_appeal_term"
    assert c.post(f"/api/v1/cases/{foreign_case.pk}/appeal/", appeal, format="json").status_code == 201
    file = g.get(f"/api/v1/cases/{foreign_case.pk}/").json()
    assert file["status"] == "in_force" and file["decision"]["in_force_on"] == ago(20).isoformat()
    assert file["decision"]["appeal"]["outcome"] == "upheld"
    child = Child.objects.get(pk=file["children"][0]["child"])
    assert (child.status, child.deregistered_on, child.sealed_on) == ("deregistered", ago(20), ago(20))


def test_a_reversed_appeal_closes_the_case_and_frees_the_child(api, users, foreign_case, court):
    g, c = api(users["guardianship"]), api(users["court"])
    assert to_decision(g, c, foreign_case, court, decided=20).status_code == 201
    appeal = {"filed_on": ago(10).isoformat(), "decided_on": ago(2).isoformat(), "outcome": "reversed"}
    assert c.post(f"/api/v1/cases/{foreign_case.pk}/appeal/", appeal, format="json").status_code == 201
    case = Case.objects.get(pk=foreign_case.pk)
    assert (case.status, case.closed_reason, case.closed_on) == ("closed", "reversed_on_appeal", ago(2))
    assert not Adoption.objects.exists()
    decision = g.get(f"/api/v1/cases/{case.pk}/").json()["decision"]
    assert (decision["outcome"], decision["granted_on"]) == ("granted", None)  # the first court's; none stands
    assert AuditEvent.objects.filter(verb="reverse_adoption", action="delete").count() == 1
    assert Child.objects.get().status == "registered" and Child.objects.get().sealed_on is None


def test_a_child_freed_by_a_reversed_appeal_is_eligible_in_another_case(api, users, foreign_case, court):
    """The reversed grant no longer competes (NO_COMPETING_ADOPTION): it did before the appeal's day."""
    g, c = api(users["guardianship"]), api(users["court"])
    child = foreign_case.child_links.get().child
    family = [make_applicant(foreign_case.district, last_name="Lee"), make_applicant(foreign_case.district, sex="M")]
    other = services.open_case(actor=None, children=[child], applicants=family, opened_on=ago(60))
    complete_file(other, [child], family)
    assert to_decision(g, c, foreign_case, court, decided=20).status_code == 201
    found, body = checks(g, other)
    assert found["NO_COMPETING_ADOPTION"]["status"] == "fail" and body["eligible"] is False  # granted, under appeal
    appeal = {"filed_on": ago(10).isoformat(), "decided_on": ago(2).isoformat(), "outcome": "reversed"}
    assert c.post(f"/api/v1/cases/{foreign_case.pk}/appeal/", appeal, format="json").status_code == 201
    for days, status in ((3, "fail"), (2, "pass"), (1, "pass")):  # the day before the reversal, its day, the day after
        found, _ = checks(g, other, as_of=ago(days).isoformat())
        assert found["NO_COMPETING_ADOPTION"]["status"] == status, (days, found["NO_COMPETING_ADOPTION"])
    found, body = checks(g, other)
    assert body["eligible"] is True, [c for c in found.values() if c["status"] != "pass"]


def test_an_appeal_filed_holds_the_decision_out_of_force_until_its_outcome_is_recorded(
    api, client, users, foreign_case, court
):
    """An appeal is recorded when it is filed, on the term's last day at the latest; while it is
    pending nothing enters the decision into force, even after the term has run out; its outcome
    is recorded on the same appeal, on the day it was filed at the earliest."""
    g, c = api(users["guardianship"]), api(users["court"])
    assert to_decision(g, c, foreign_case, court, decided=38, final_form_on=ago(35).isoformat()).status_code == 201
    expected = right_arises(ago(35), 1)  # in the past: the term ran out
    last_day = expected - datetime.timedelta(days=1)
    appeal_url, decision_url = f"/api/v1/cases/{foreign_case.pk}/appeal/", f"/api/v1/cases/{foreign_case.pk}/decision/"
    assert c.post(appeal_url, {"filed_on": expected.isoformat()}, format="json").json()["errors"][0]["code"] == (
        "outside_appeal_term"
    )
    filed = c.post(appeal_url, {"filed_on": last_day.isoformat()}, format="json")
    assert filed.status_code == 201, filed.json()
    assert (filed.json()["decided_on"], filed.json()["outcome"]) == (None, None)
    file = g.get(f"/api/v1/cases/{foreign_case.pk}/").json()
    assert file["status"] == "decided" and file["decision"]["expected_in_force_on"] is None
    assert file["decision"]["appeal"]["filed_on"] == last_day.isoformat()

    held = c.patch(decision_url, {"in_force_on": expected.isoformat()}, format="json")
    assert held.status_code == 409 and held.json()["errors"][0]["code"] == "appeal_pending", held.json()
    assert held.json()["errors"][0]["field"] == "in_force_on"
    assert Case.objects.get(pk=foreign_case.pk).status == "decided"
    assert Child.objects.get().status == "registered" and Child.objects.get().sealed_on is None
    child_page = f"/children/{Child.objects.get().pk}/"
    client.force_login(users["guardianship"])
    timeline = client.get(child_page).content.decode().split('id="timeline"')[1]
    assert f'<time datetime="{last_day.isoformat()}">' in timeline and "appeal filed" in timeline

    another = c.post(appeal_url, {"filed_on": ago(30).isoformat()}, format="json")
    assert another.status_code == 409 and another.json()["errors"][0]["code"] == "appeal_pending"
    for partial, missing in (({"decided_on": ago(2).isoformat()}, "outcome"), ({"outcome": "upheld"}, "decided_on")):
        refused = c.post(appeal_url, {"filed_on": last_day.isoformat(), **partial}, format="json")
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == missing, refused.json()
    the_day_before = last_day - datetime.timedelta(days=1)
    early = c.post(
        appeal_url,
        {"filed_on": last_day.isoformat(), "decided_on": the_day_before.isoformat(), "outcome": "upheld"},
        format="json",
    )
    assert early.status_code == 400 and early.json()["errors"][0]["code"] == "before_filed"
    assert Case.objects.get(pk=foreign_case.pk).status == "decided"

    upheld = c.post(
        appeal_url,
        {"filed_on": last_day.isoformat(), "decided_on": last_day.isoformat(), "outcome": "upheld"},
        format="json",
    )
    assert upheld.status_code == 201, upheld.json()
    assert (upheld.json()["decided_on"], upheld.json()["outcome"]) == (last_day.isoformat(), "upheld")
    file = g.get(f"/api/v1/cases/{foreign_case.pk}/").json()
    assert file["status"] == "in_force" and file["decision"]["in_force_on"] == last_day.isoformat()
    assert "decision upheld" in client.get(child_page).content.decode().split('id="timeline"')[1]
    again = c.post(
        appeal_url,
        {"filed_on": last_day.isoformat(), "decided_on": ago(1).isoformat(), "outcome": "reversed"},
        format="json",
    )
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "illegal_transition"  # in force
    verbs = AuditEvent.objects.filter(verb="record_appeal").values_list("action", flat=True)
    assert sorted(verbs) == ["create", "update"]  # filed, then decided: each with its before and after


def test_a_pending_appeal_is_decided_reversed_and_a_correction_of_the_decision_keeps_it_within_the_term(
    api, users, foreign_case, court
):
    g, c = api(users["guardianship"]), api(users["court"])
    assert to_decision(g, c, foreign_case, court, decided=20).status_code == 201
    assert services.record_appeal(actor=users["court"], case=foreign_case, filed_on=ago(10)).pending
    moved = services.correct_decision
    with pytest.raises(RuleError) as refused:  # the appeal would precede the decision as corrected
        moved(actor=users["court"], case=foreign_case, decided_on=ago(9), reason="The clerk typed the wrong day.")
    assert [(e.field, e.code) for e in refused.value.errors] == [("decided_on", "appeal_outside_term")]
    moved(actor=users["court"], case=foreign_case, decided_on=ago(10), reason="The clerk typed the wrong day.")
    services.record_appeal(
        actor=users["court"], case=foreign_case, filed_on=ago(10), decided_on=ago(1), outcome="reversed"
    )
    case = Case.objects.get(pk=foreign_case.pk)
    assert (case.status, case.closed_reason, case.closed_on) == ("closed", "reversed_on_appeal", ago(1))
    assert not Adoption.objects.exists()


def under_the_age_gap(district):
    """An eligible case of a woman 15 years older than the child (CMF art. 92: under 16)."""
    child = make_child(district, birth_days_ago=4 * 365)
    young = make_applicant(
        district, citizenship="KZ", residence="KZ", marital_status="single", birth=ago(4 * 365 + 15 * 365)
    )
    case = services.open_case(actor=None, children=[child], applicants=[young], opened_on=ago(100))
    complete_file(case, [child], [young], foreign=False)
    return case


def test_a_granted_decision_with_the_age_gap_states_the_courts_reduction(api, users, district, court):
    case = under_the_age_gap(district)
    g, c = api(users["guardianship"]), api(users["court"])
    assert "AGE_GAP" in [w["code"] for w in checks(g, case)[1]["warnings"]]
    silent = to_decision(g, c, case, court, decided=10)
    assert silent.status_code == 400 and silent.json()["errors"][0]["code"] == "age_gap_not_reduced"
    without_reason = c.post(
        f"/api/v1/cases/{case.pk}/decision/",
        {"outcome": "granted", "decided_on": ago(10).isoformat(), "age_gap_reduced": True},
        format="json",
    )
    assert without_reason.status_code == 400 and without_reason.json()["errors"][0]["field"] == "age_gap_reason"
    reduced = c.post(
        f"/api/v1/cases/{case.pk}/decision/",
        {
            "outcome": "granted",
            "decided_on": ago(10).isoformat(),
            "age_gap_reduced": True,
            "age_gap_reason": "The applicant is the child's half-sister and has raised him since birth.",
        },
        format="json",
    )
    assert reduced.status_code == 201 and reduced.json()["age_gap_reduced"] is True


def test_the_new_identity_the_consular_post_and_the_unseal(api, users, district, court, us_post):
    child = make_child(district, last_name="Oldname")
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Husband")]
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    complete_file(case, [child], couple)
    g, c = api(users["guardianship"]), api(users["court"])
    too_far = {"birth_date": (child.birth_date - datetime.timedelta(days=200)).isoformat()}
    moved = to_decision(g, c, case, court, decided=38, new_identity=too_far)
    assert moved.status_code == 400 and moved.json()["errors"][0]["code"] == "moved_too_far"
    new = {"last_name": "Smith", "first_name": "Julia", "birth_date": (child.birth_date + datetime.timedelta(days=10))}
    new["birth_date"] = new["birth_date"].isoformat()
    decided = c.post(
        f"/api/v1/cases/{case.pk}/decision/",
        {"outcome": "granted", "decided_on": ago(38).isoformat(), "new_identity": new},
        format="json",
    )
    assert decided.status_code == 201, decided.json()
    in_force = right_arises(ago(38), 1)
    assert (
        c.patch(f"/api/v1/cases/{case.pk}/decision/", {"in_force_on": in_force.isoformat()}, format="json").status_code
        == 200
    )
    shown = g.get(f"/api/v1/children/{child.pk}/").json()
    assert (shown["last_name"], shown["first_name"], shown["birth_date"], shown["sealed"]) == (
        "Smith",
        "Julia",
        new["birth_date"],
        True,
    )
    assert shown["patronymic"] == "" and "birth_identity" not in shown  # unchanged fields stay (§11.13)
    assert shown["birth_registration_number"] is None and shown["health_notes"] is None  # sealed
    consular = api(users["consular"]).get(f"/api/v1/adopted-children/{child.pk}/").json()
    assert "Oldname" not in str(consular) and "Smith" in str(consular)
    opened = g.get(f"/api/v1/children/{child.pk}/", {"purpose": "court request about an inheritance"}).json()
    assert opened["birth_identity"]["last_name"] == "Oldname"
    assert opened["birth_identity"]["birth_date"] == child.birth_date.isoformat()
    assert api(users["consular"]).get(
        f"/api/v1/adopted-children/{child.pk}/", {"purpose": "court request about an inheritance"}
    ).status_code in (200, 403)
    assert "Oldname" not in g.get("/api/v1/children/", {"q": "Oldname"}).content.decode()

    # civil registration (MFA art. 77): the reminder after 3 days, then the record
    deadlines.sweep_court_deadlines(on=in_force + datetime.timedelta(days=3))
    assert not Reminder.objects.filter(kind="civil_registration_due").exists()  # the third day: still in time
    deadlines.sweep_court_deadlines(on=in_force + datetime.timedelta(days=4))
    reminder = Reminder.objects.get(kind="civil_registration_due")
    assert (reminder.due_on, reminder.court_id) == (in_force + datetime.timedelta(days=3), court.pk)
    record = {"number": "AZ-77", "registered_on": in_force.isoformat(), "office": "Yesil civil registry"}
    early = g.patch(
        f"/api/v1/cases/{case.pk}/decision/",
        {"civil_registration": record | {"registered_on": (in_force - datetime.timedelta(days=1)).isoformat()}},
        format="json",
    )
    assert early.status_code == 400
    done = g.patch(f"/api/v1/cases/{case.pk}/decision/", {"civil_registration": record}, format="json")
    assert done.status_code == 200 and done.json()["civil_registration"]["number"] == "AZ-77"
    again = c.patch(f"/api/v1/cases/{case.pk}/decision/", {"civil_registration": record}, format="json")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_registered"


# --- the safeguards abroad concern KZ citizens (§11.19); sweeps read the parameters of their day (§10)


def test_a_child_of_another_citizenship_adopted_abroad_is_neither_reminded_nor_reported(api, users, district, court):
    from consular import deadlines as consular_deadlines

    _case, foreign_child = adopt_abroad(district, court, in_force_ago=200, last_name="Ivanova")
    _case, citizen = adopt_abroad(district, court, in_force_ago=200, last_name="Akhmetova", applicant_name="Brown")
    Child.objects.filter(pk=foreign_child.pk).update(citizenship="RU")
    consular_deadlines.sweep_consular_deadlines()
    reminded = set(Reminder.objects.filter(kind="consular_registration_due").values_list("subject_id", flat=True))
    assert reminded == {citizen.pk}
    report = api(users["ministry"]).get("/api/v1/reports/unregistered-children/").json()
    assert report["total"] == 1 and [r["child"] for r in report["results"]] == [citizen.pk]


def test_the_registry_sweep_reads_the_parameters_in_effect_on_the_day_swept(district):
    from core.models import Policy
    from registry import deadlines as registry_deadlines

    waiting = registry_services.create_child(
        actor=None,
        district=district,
        last_name="Late",
        first_name="A",
        sex="F",
        birth_date=ago(900),
        identified_on=ago(5),
    )[0]
    Policy.objects.create(effective_from=ago(1), primary_registration_days=10)  # from yesterday: 10 days
    registry_deadlines.sweep_registers(on=ago(2))  # the day before the change: 3 days (identified 3 days before)
    assert Reminder.objects.filter(kind="register_escalation_due", subject_id=waiting.pk).count() == 1
    Reminder.objects.all().delete()
    registry_deadlines.sweep_registers(on=ago(0))  # under the new version: 5 days < 10, nothing due
    assert not Reminder.objects.filter(kind="register_escalation_due", subject_id=waiting.pk).exists()


def test_the_checks_name_the_child_and_the_applicant_and_never_a_sealed_identity(api, users, district):
    """Issue 20, names not numbers: a check's detail names the people of the case as the pages do;
    once the child's identity is sealed, the detail never names it (RULES §9): by number in the
    case that adopted it, and in another, open, case (here: sealed by hand) without its number,
    which leads to its adoptive family."""
    child = make_child(district, birth_days_ago=4 * 365, last_name="Omarova")
    young = make_applicant(
        district, citizenship="KZ", residence="KZ", marital_status="single", birth=ago(4 * 365 + 15 * 365)
    )
    case = services.open_case(actor=None, children=[child], applicants=[young], opened_on=ago(100))
    complete_file(case, [child], [young], foreign=False)
    g = api(users["guardianship"])

    def age_gap():
        return {w["code"]: w for w in checks(g, case)[1]["warnings"]}["AGE_GAP"]["detail"]

    assert age_gap() == (
        f"Applicant {young.name} is less than 16 years older than child Omarova Yulia; only the court may allow it."
    )
    minor = {c["code"]: c for c in checks(g, case, as_of=ago(-20 * 365).isoformat())[1]["checks"]}["CHILD_MINOR"]
    assert minor["detail"] == "Child Omarova Yulia is 18 or older and can no longer be adopted."
    Child.objects.filter(pk=child.pk).update(sealed_on=ago(1))
    sealed = age_gap()
    assert "older than child (adopted in another case);" in sealed and "Omarova" not in sealed
