import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adoption import services
from adoption.models import Case
from core.models import AuditEvent
from tests.adoption.conftest import ago, complete_file, make_applicant, make_child

pytestmark = pytest.mark.django_db


def applicant_body(**overrides):
    return {
        "last_name": "Smith",
        "first_name": "Ann",
        "sex": "F",
        "birth_date": "1980-03-03",
        "citizenship": "US",
        "residence_country": "US",
        "marital_status": "married",
        "foreign_register_number": "FR-1",
        "foreign_registered_on": "2024-01-10",
        **overrides,
    }


def test_guardianship_records_applicants_with_checked_countries(api, users):
    client = api(users["guardianship"])
    response = client.post("/api/v1/applicants/", applicant_body(), format="json")
    assert response.status_code == 201 and response.json()["district"] == users["guardianship"].district_id
    bad = client.post(
        "/api/v1/applicants/", applicant_body(citizenship="XX", foreign_registered_on="2100-01-01"), format="json"
    )
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json()["errors"]} == {"citizenship", "foreign_registered_on"}
    assert api(users["court"]).post("/api/v1/applicants/", applicant_body(), format="json").status_code == 403


@pytest.mark.parametrize(
    "people, relative, category, receiving",
    [
        ([("US", "US")], True, "relative", "US"),
        ([("KZ", "KZ"), ("IT", "KZ")], False, "foreigner", ""),
        ([("KZ", "DE")], False, "nonresident_citizen", "DE"),
        ([("KZ", "KZ")], False, "resident_citizen", ""),
    ],
)
def test_the_case_category_is_derived_never_typed(api, users, district, people, relative, category, receiving):
    child = make_child(district)
    applicants = [make_applicant(district, citizenship=c, residence=r) for c, r in people]
    body = {
        "children": [child.pk],
        "applicants": [a.pk for a in applicants],
        "opened_on": ago(10).isoformat(),
        "relative_of": [child.pk] if relative else [],
        "category": "resident_citizen",
    }  # a typed category is ignored
    response = api(users["guardianship"]).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["category"], response.json()["receiving_country"], response.json()["status"]) == (
        category,
        receiving,
        "open",
    )


def test_relatives_of_only_some_children_must_split_the_case(api, users, district):
    first, second = make_child(district), make_child(district, last_name="Lee")
    applicant = make_applicant(district)
    body = {
        "children": [first.pk, second.pk],
        "applicants": [applicant.pk],
        "relative_of": [first.pk],
        "opened_on": ago(5).isoformat(),
    }
    response = api(users["guardianship"]).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "split_the_case"
    assert Case.objects.count() == 0


def test_a_case_cannot_name_children_outside_the_district(api, users, district, other_district):
    far = make_child(other_district)
    applicant = make_applicant(district)
    body = {"children": [far.pk], "applicants": [applicant.pk], "opened_on": ago(5).isoformat()}
    response = api(users["guardianship"]).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"].startswith("children")


def test_evidence_is_validated_against_the_case(api, users, foreign_case, district):
    client = api(users["guardianship"])
    child_id = foreign_case.child_links.get().child_id
    applicant_id = foreign_case.applicant_links.first().applicant_id
    before_opened = client.post(
        f"/api/v1/cases/{foreign_case.pk}/contacts/",
        {"applicant": applicant_id, "child": child_id, "on": ago(101).isoformat()},
        format="json",
    )
    assert before_opened.status_code == 400 and before_opened.json()["errors"][0]["code"] == "before_case_opened"
    stranger = make_applicant(district, last_name="Doe")
    not_in_case = client.post(
        f"/api/v1/cases/{foreign_case.pk}/contacts/",
        {"applicant": stranger.pk, "child": child_id, "on": ago(1).isoformat()},
        format="json",
    )
    assert not_in_case.status_code == 400 and not_in_case.json()["errors"][0]["code"] == "not_in_case"
    certificate = client.post(
        f"/api/v1/cases/{foreign_case.pk}/documents/",
        {"kind": "medical_certificate", "issued_on": ago(1).isoformat(), "issuer": "Clinic"},
        format="json",
    )
    assert certificate.status_code == 400 and certificate.json()["errors"][0]["field"] == "applicant"
    consent = client.post(
        f"/api/v1/cases/{foreign_case.pk}/consents/",
        {"child": child_id, "given_on": ago(5).isoformat(), "withdrawn_on": ago(6).isoformat()},
        format="json",
    )
    assert consent.status_code == 400 and consent.json()["errors"][0]["field"] == "withdrawn_on"


def test_eligibility_endpoint_answers_with_every_check(api, users, foreign_case):
    body = api(users["guardianship"]).get(f"/api/v1/cases/{foreign_case.pk}/eligibility/").json()
    assert body["eligible"] is True, [c for c in body["checks"] if c["status"] not in ("pass", "not_applicable")]
    assert body["category"] == "foreigner" and body["case"] == foreign_case.pk
    assert len(body["checks"]) == 18
    assert set(body["checks"][0]) == {"code", "status", "basis", "detail", "satisfiable_on"}
    wait = next(c for c in body["checks"] if c["code"] == "CENTRAL_REGISTER_WAIT")
    assert wait["basis"] == "MFA art. 76(2), art. 101(3)"


def test_eligibility_travels_in_time(api, users, district):
    """Central placement 80 days ago: the wait is pending today and passes on its satisfiable_on."""
    from adoption.rules import right_arises

    child = make_child(district, central_days_ago=80)
    couple = [make_applicant(district)]
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(75))
    complete_file(case, [child], couple)
    client = api(users["court"] if False else users["guardianship"])
    today_answer = client.get(f"/api/v1/cases/{case.pk}/eligibility/").json()
    wait = next(c for c in today_answer["checks"] if c["code"] == "CENTRAL_REGISTER_WAIT")
    allowed = right_arises(ago(80), 3)
    assert (wait["status"], wait["satisfiable_on"]) == ("pending", allowed.isoformat())
    assert today_answer["eligible"] is False
    later = client.get(f"/api/v1/cases/{case.pk}/eligibility/", {"as_of": allowed.isoformat()}).json()
    assert later["eligible"] is True
    earlier = client.get(f"/api/v1/cases/{case.pk}/eligibility/", {"as_of": ago(95).isoformat()}).json()
    codes = {c["code"]: c["status"] for c in earlier["checks"]}
    assert codes["APPLICATION_FILED"] == "fail"  # filed 90 days ago: did not exist 95 days ago


def test_a_bad_as_of_is_a_400_naming_the_parameter(api, users, foreign_case):
    response = api(users["guardianship"]).get(f"/api/v1/cases/{foreign_case.pk}/eligibility/", {"as_of": "2024-02-30"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "as_of"


def test_eligibility_query_count_does_not_grow_with_children_and_contacts(api, users, district):
    def case_with(n_children):
        children = [make_child(district, last_name=f"K{n_children}-{i}") for i in range(n_children)]
        applicants = [make_applicant(district)]
        case = services.open_case(actor=None, children=children, applicants=applicants, opened_on=ago(100))
        complete_file(case, children, applicants)
        for child in children:
            for day in range(30):
                services.record_contact(actor=None, case=case, applicant=applicants[0], child=child, on=ago(99 - day))
        return case

    client = api(users["guardianship"])
    cases = (case_with(1), case_with(5))
    client.get(
        f"/api/v1/cases/{cases[0].pk}/eligibility/"
    )  # a connection's first call prepares its statements (PG_PREPARED)
    counts = []
    for case in cases:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/cases/{case.pk}/eligibility/").json()["eligible"] is True
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_case_scoping_and_read_audit(api, users, foreign_case):
    assert api(users["other_guardianship"]).get(f"/api/v1/cases/{foreign_case.pk}/").status_code == 404
    assert api(users["other_regional"]).get(f"/api/v1/cases/{foreign_case.pk}/eligibility/").status_code == 404
    assert api(users["court"]).get(f"/api/v1/cases/{foreign_case.pk}/").status_code == 404  # not referred yet
    assert api(users["consular"]).get("/api/v1/cases/").status_code == 403
    assert api(users["regional"]).get(f"/api/v1/cases/{foreign_case.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="read", object_type="adoption.case", actor=users["regional"]).count() == 1
    assert [
        c["id"] for c in api(users["guardianship"]).get("/api/v1/cases/", {"status": "open"}).json()["results"]
    ] == [foreign_case.pk]
    child_id = foreign_case.child_links.get().child_id
    assert api(users["guardianship"]).get("/api/v1/cases/", {"child": child_id}).json()["count"] == 1
    assert api(users["guardianship"]).get("/api/v1/cases/", {"child": "x"}).json()["count"] == 0
