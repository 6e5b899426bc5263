import difflib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.models import DuplicateFlag
from registry.rules import name_key, names_maybe_similar, names_similar

pytestmark = pytest.mark.django_db


def test_a_child_with_the_same_birth_registration_number_in_another_district_is_flagged(
    api, users, make_child, other_district
):
    existing = make_child(district_=other_district, birth_registration_number="ab-777")  # typed in small letters
    body = {
        "last_name": "Totally",
        "first_name": "Different",
        "sex": "F",
        "birth_date": "2018-01-01",
        "birth_registration_number": "AB-777",
        "district": users["guardianship"].district_id,
        "identified_on": "2024-01-01",
    }
    response = api(users["guardianship"]).post("/api/v1/children/", body, format="json")
    assert response.status_code == 201
    warning = response.json()["warnings"][0]
    # RULES §9: the other district's child is never revealed to this district, only that it was told
    assert warning["code"] == "POSSIBLE_DUPLICATE" and "child" not in warning
    assert warning["detail"] == (
        "A child recorded in another district may be the same child; "
        "the regional education department or the ministry will check it."
    )
    assert str(existing.pk) not in warning["detail"] and other_district.code not in warning["detail"]
    new = response.json()["id"]
    # the flag is with those who see both children: not the district, not its region (another region), the ministry
    assert api(users["guardianship"]).get("/api/v1/duplicates/").json()["results"] == []
    assert api(users["regional"]).get("/api/v1/duplicates/").json()["results"] == []
    assert [(f["child"], f["other"]) for f in api(users["ministry"]).get("/api/v1/duplicates/").json()["results"]] == [
        (new, existing.pk)
    ]
    flag_id = api(users["ministry"]).get("/api/v1/duplicates/").json()["results"][0]["id"]
    assert api(users["guardianship"]).post(f"/api/v1/duplicates/{flag_id}/different/").status_code == 404
    assert api(users["other_guardianship"]).post(f"/api/v1/duplicates/{flag_id}/different/").status_code == 404


def test_a_transliterated_name_with_the_same_sex_and_birth_date_is_flagged(api, users, make_child, days_ago):
    existing = make_child(last_name="Сериков", first_name="Алмаз", sex="M", birth_date=days_ago(2000))
    body = {
        "last_name": "Serikov",
        "first_name": "Almas",
        "sex": "M",
        "birth_date": days_ago(2000).isoformat(),
        "district": users["guardianship"].district_id,
        "identified_on": days_ago(10).isoformat(),
    }
    response = api(users["guardianship"]).post("/api/v1/children/", body, format="json")
    assert [w["child"] for w in response.json()["warnings"]] == [existing.pk]
    other_day = {**body, "birth_date": days_ago(2001).isoformat()}
    assert api(users["guardianship"]).post("/api/v1/children/", other_day, format="json").json()["warnings"] == []


def test_a_correction_that_makes_a_child_look_like_another_flags_them(api, users, make_child, days_ago):
    """A child recorded with a name typed wrong is compared with the others when it is created,
    under the wrong name; corrected, it was compared with no one, and a child recorded twice (two
    registers, two families) went unflagged."""
    existing = make_child(last_name="Сериков", first_name="Алмаз", sex="M", birth_date=days_ago(2000))
    typed = make_child(last_name="Абдуллаев", first_name="Алмаз", sex="M", birth_date=days_ago(2000))
    assert not DuplicateFlag.objects.filter(child=typed).exists()  # not similar as typed
    client = api(users["guardianship"])
    assert client.patch(f"/api/v1/children/{typed.pk}/", {"first_name": "Алмас"}, format="json").status_code == 200
    assert not DuplicateFlag.objects.filter(child=typed).exists()  # a correction elsewhere: still no one alike
    assert client.patch(f"/api/v1/children/{typed.pk}/", {"last_name": "Serikov"}, format="json").status_code == 200
    assert list(DuplicateFlag.objects.filter(child=typed).values_list("other_id", "reason")) == [
        (existing.pk, "name_and_birth_date")
    ]
    numbered = make_child(last_name="Другой", first_name="Ребёнок", sex="F", birth_date=days_ago(900))
    existing.birth_registration_number = "BR-500"
    existing.save()
    assert (
        client.patch(
            f"/api/v1/children/{numbered.pk}/", {"birth_registration_number": " br-500 "}, format="json"
        ).status_code
        == 200
    )
    assert list(DuplicateFlag.objects.filter(child=numbered).values_list("other_id", "reason")) == [
        (existing.pk, "birth_registration_number")
    ]


@pytest.mark.parametrize(
    "a, b",
    [
        ("Жаксылыков Ержан", "Zhaksylykov Yerzhan"),
        ("Ахметова Дана", "Akhmetova Dana"),
        ("Цой Юлия", "Tsoy Yuliya"),
        ("Қасымов Нұрлан", "Kasymov Nurlan"),
    ],
)
def test_cyrillic_and_latin_spellings_fold_to_similar_keys(a, b):
    assert names_similar(name_key(a), name_key(b))


def test_different_names_are_not_similar():
    assert not names_similar(name_key("Ivanov Pavel"), name_key("Bekova Aruzhan"))


def test_the_region_lists_possible_duplicates_and_confirms_a_different_child(
    api, users, make_child, neighbour_district, days_ago
):
    first = make_child(last_name="Kim", first_name="Oleg", birth_date=days_ago(900))
    second = make_child(district_=neighbour_district, last_name="Kim", first_name="Oleg", birth_date=days_ago(900))
    flags = api(users["regional"]).get("/api/v1/duplicates/").json()["results"]
    assert [(f["child"], f["other"], f["status"]) for f in flags] == [(second.pk, first.pk, "open")]
    assert api(users["other_regional"]).get("/api/v1/duplicates/").json()["results"] == []
    response = api(users["regional"]).post(f"/api/v1/duplicates/{flags[0]['id']}/different/")
    assert response.status_code == 200 and response.json()["status"] == "different"
    assert DuplicateFlag.objects.get().resolved_by == users["regional"]


@given(st.text(alphabet="abcdeiklmnorstuvy ", max_size=30), st.text(alphabet="abcdeiklmnorstuvy ", max_size=30))
def test_the_quick_refusals_never_change_the_similarity_answer(a, b):
    assert names_similar(a, b) == (
        a == b
        or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85
        or difflib.SequenceMatcher(None, b, a).ratio() >= 0.85
    )


def test_similarity_does_not_depend_on_which_child_was_recorded_first():
    """difflib's ratio() does: 0.87 one way, 0.80 the other for these two."""
    a, b = name_key("Omraova Aigerim"), name_key("Amarova Aigerim")
    assert difflib.SequenceMatcher(None, b, a).ratio() < 0.85 <= difflib.SequenceMatcher(None, a, b).ratio()
    assert names_similar(a, b) and names_similar(b, a)


NAME_KEYS = st.text(alphabet="abcdeiklmnorstuvy ", max_size=30)


@given(NAME_KEYS, st.lists(NAME_KEYS, max_size=8))
def test_the_imports_bound_never_leaves_out_a_similar_name(name, names):
    maybe = set(names_maybe_similar(name, names))
    assert {i for i, other in enumerate(names) if names_similar(name, other)} <= maybe


def test_the_bound_lets_through_names_the_rule_then_refuses():
    """The bound only narrows: an import still judges what passes it by the rule itself."""
    a, b = name_key("Omarova Aigerim"), name_key("Omarova Arieigm")
    assert names_maybe_similar(a, [b]) == [0] and not names_similar(a, b)


def test_a_sealed_childs_corrected_birth_date_compares_it_with_no_one(
    api, users, district, court, make_child, days_ago
):
    """RULES §9: a sealed identity never matches, so a flag never tells that a child recorded
    since is the adopted one (its birth registration number is kept, sealed)."""
    from registry.models import Child
    from tests.adoption.conftest import adopt_abroad

    _case, adopted = adopt_abroad(district, court, last_name="Sealed")
    Child.objects.filter(pk=adopted.pk).update(birth_registration_number="BR-77")
    make_child(
        last_name="Other", first_name="Child", sex="F", birth_date=days_ago(1500), birth_registration_number="BR-77"
    )
    answer = api(users["guardianship"]).patch(
        f"/api/v1/children/{adopted.pk}/", {"birth_date": days_ago(1501).isoformat()}, format="json"
    )
    assert answer.status_code == 200
    assert not DuplicateFlag.objects.filter(child=adopted).exists()
