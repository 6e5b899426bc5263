import datetime

import pytest

from core.dates import today
from core.models import AuditEvent
from registry.models import Child

pytestmark = pytest.mark.django_db


def child_body(district_obj, **overrides):
    return {
        "last_name": "Серикова",
        "first_name": "Дана",
        "patronymic": "Нурлановна",
        "sex": "F",
        "birth_date": "2019-04-12",
        "birth_registration_number": "AB-123456",
        "district": district_obj.code,
        "identified_on": "2023-02-01",
        **overrides,
    }


def errors_of(response):
    return {(e["field"], e["code"]) for e in response.json()["errors"]}


def test_guardianship_records_a_child_who_is_on_no_register_yet(api, users, district):
    response = api(users["guardianship"]).post("/api/v1/children/", child_body(district), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["register_level"] is None and body["status"] == "registered" and body["deregistered"] is None
    assert body["warnings"] == [] and body["district"] == district.code
    assert AuditEvent.objects.filter(verb="create_child", object_id=str(body["id"])).exists()


def test_names_of_their_full_length_in_any_script_are_recorded_and_found(api, users, district):
    """A letter may be two of the search key's ("щ", "sh"): names of 100 such letters each made a
    key of 602 characters, longer than its column, and recording the child was a 500."""
    longest = {"last_name": "Щ" * 100, "first_name": "Ж" * 100, "patronymic": "Ч" * 100}
    client = api(users["guardianship"])
    response = client.post("/api/v1/children/", child_body(district, **longest), format="json")
    assert response.status_code == 201, response.json()
    found = client.get("/api/v1/children/", {"q": "Ж" * 100}).json()["results"]
    assert [child["id"] for child in found] == [response.json()["id"]]
    assert len(Child.objects.get().search_name) == 602


@pytest.mark.parametrize(
    "overrides, error",
    [
        ({"birth_date": "2100-01-01", "identified_on": "2100-01-02"}, ("birth_date", "future_date")),
        ({"identified_on": (today() + datetime.timedelta(days=1)).isoformat()}, ("identified_on", "future_date")),
        ({"birth_date": "2023-02-02", "identified_on": "2023-02-01"}, ("birth_date", "born_after_identified")),
        (
            {"birth_date": "2005-02-01", "identified_on": "2023-02-01"},
            ("identified_on", "not_a_minor"),
        ),  # 18th birthday
        ({"birth_date": "2023-02-30"}, ("birth_date", "invalid")),  # no such day
        ({"sex": "X"}, ("sex", "invalid_choice")),
        ({"district": "NOWHERE"}, ("district", "does_not_exist")),
        ({"last_name": ""}, ("last_name", "blank")),
    ],
)
def test_bad_child_input_is_refused_naming_the_field_and_nothing_is_stored(api, users, district, overrides, error):
    response = api(users["guardianship"]).post("/api/v1/children/", child_body(district, **overrides), format="json")
    assert response.status_code == 400
    assert error in errors_of(response)
    assert Child.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_a_child_identified_the_day_before_turning_18_is_accepted(api, users, district):
    body = child_body(district, birth_date="2005-02-02", identified_on="2023-02-01")
    assert api(users["guardianship"]).post("/api/v1/children/", body, format="json").status_code == 201


def test_only_the_guardianship_agency_of_the_district_records_children(api, users, district):
    body = child_body(district)
    assert api(users["other_guardianship"]).post("/api/v1/children/", body, format="json").status_code == 403
    assert api(users["regional"]).post("/api/v1/children/", body, format="json").status_code == 403
    assert api(users["auditor"]).post("/api/v1/children/", body, format="json").status_code == 403
    assert Child.objects.count() == 0


def test_each_role_sees_only_the_children_of_its_territory(api, users, make_child, neighbour_district, other_district):
    mine = make_child()
    neighbours = make_child(district_=neighbour_district, last_name="Omarov")
    far = make_child(district_=other_district, last_name="Ivanov")

    def ids(user):
        return {c["id"] for c in api(user).get("/api/v1/children/").json()["results"]}

    assert ids(users["guardianship"]) == {mine.pk}
    assert ids(users["regional"]) == {mine.pk, neighbours.pk}
    assert ids(users["ministry"]) == ids(users["auditor"]) == {mine.pk, neighbours.pk, far.pk}
    assert ids(users["court"]) == set()  # no case referred to it
    assert api(users["consular"]).get("/api/v1/children/").status_code == 403  # posts use /adopted-children/
    assert api(users["guardianship"]).get(f"/api/v1/children/{far.pk}/").status_code == 404
    assert api(users["other_regional"]).get(f"/api/v1/children/{mine.pk}/").status_code == 404
    assert api(users["court"]).get(f"/api/v1/children/{mine.pk}/history/").status_code == 404


def test_reading_a_child_record_is_audited(api, users, make_child):
    child = make_child()
    assert api(users["regional"]).get(f"/api/v1/children/{child.pk}/").status_code == 200
    read = AuditEvent.objects.get(action="read", object_id=str(child.pk))
    assert read.actor == users["regional"] and read.object_type == "registry.child"


def test_name_search_finds_cyrillic_records_by_latin_spelling_and_back(api, users, make_child):
    cyrillic = make_child(last_name="Сериков", first_name="Алмаз")
    latin = make_child(last_name="Omarova", first_name="Aigerim", sex="F")
    client = api(users["guardianship"])
    assert [c["id"] for c in client.get("/api/v1/children/", {"q": "serikov"}).json()["results"]] == [cyrillic.pk]
    assert [c["id"] for c in client.get("/api/v1/children/", {"q": "Омарова"}).json()["results"]] == [latin.pk]
    assert client.get("/api/v1/children/", {"q": "nobody"}).json()["results"] == []


def test_filters_by_level_status_district_and_region(api, users, make_child, neighbour_district):
    on_primary = make_child(on_register=("primary",))
    waiting = make_child(last_name="Bekov")
    make_child(district_=neighbour_district, last_name="Kim")
    client = api(users["regional"])

    def ids(**params):
        return {c["id"] for c in client.get("/api/v1/children/", params).json()["results"]}

    assert ids(register_level="primary") == {on_primary.pk}
    assert ids(district=on_primary.district_id) == {on_primary.pk, waiting.pk}
    assert len(ids(region=on_primary.district.region_id)) == 3
    assert ids(status="deregistered") == set()


def test_a_stale_edit_is_refused_and_the_current_version_returned(api, users, make_child):
    child = make_child()
    client = api(users["guardianship"])
    first = client.patch(f"/api/v1/children/{child.pk}/", {"version": 1, "health_notes": "asthma"}, format="json")
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(f"/api/v1/children/{child.pk}/", {"version": 1, "health_notes": "none"}, format="json")
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert Child.objects.get(pk=child.pk).health_notes == "asthma"
    by_header = client.patch(
        f"/api/v1/children/{child.pk}/", {"first_name": "Almas"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert by_header.status_code == 409


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "Not a date of the calendar: write it as YYYY-MM-DD, e.g. 2019-02-28."),
        ("ru", "Такой даты нет в календаре: пишите ГГГГ-ММ-ДД, например 2019-02-28."),
        ("kk", "Күнтізбеде мұндай күн жоқ: ЖЖЖЖ-АА-КК түрінде жазыңыз, мысалы 2019-02-28."),
    ],
)
def test_an_impossible_date_and_an_unknown_district_are_named_in_the_users_language(api, users, language, expected):
    from registry.models import Child

    body = {
        "last_name": "A",
        "first_name": "B",
        "sex": "F",
        "birth_date": "2019-02-30",
        "district": "NOPE",
        "identified_on": "2020-01-01",
    }
    response = api(users["guardianship"]).post("/api/v1/children/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["birth_date"] == expected
    assert "NOPE" in errors["district"] and "Object with" not in errors["district"]
    assert not Child.objects.exists()
