import datetime

import pytest

from core.dates import today
from registry.models import RegisterEntry
from registry.rules import Entry, register_state_on

pytestmark = pytest.mark.django_db


def place(client, child, level, on):
    return client.post(
        f"/api/v1/children/{child.pk}/register/", {"level": level, "placed_on": on.isoformat()}, format="json"
    )


def test_levels_are_climbed_in_order_each_by_its_own_role(api, users, make_child, days_ago):
    child = make_child(identified_on=days_ago(100))
    assert place(api(users["guardianship"]), child, "primary", days_ago(99)).status_code == 201
    assert place(api(users["regional"]), child, "regional", days_ago(60)).status_code == 201
    assert place(api(users["ministry"]), child, "central", days_ago(20)).status_code == 201
    history = api(users["ministry"]).get(f"/api/v1/children/{child.pk}/register/").json()
    assert [(e["level"], e["placed_on"]) for e in history] == [
        ("primary", days_ago(99).isoformat()),
        ("regional", days_ago(60).isoformat()),
        ("central", days_ago(20).isoformat()),
    ]
    detail = api(users["guardianship"]).get(f"/api/v1/children/{child.pk}/").json()
    assert (detail["register_level"], detail["level_since"]) == ("central", days_ago(20).isoformat())


@pytest.mark.parametrize(
    "current, level, role",
    [((), "regional", "regional"), ((), "central", "ministry"), (("primary",), "central", "ministry")],
)
def test_a_level_cannot_be_skipped(api, users, make_child, current, level, role):
    child = make_child(on_register=current)
    response = place(api(users[role]), child, level, today())
    assert response.status_code == 409
    assert response.json()["errors"][0] == {
        **response.json()["errors"][0],
        "field": "level",
        "code": "level_out_of_order",
    }
    assert RegisterEntry.objects.filter(child=child).count() == len(current)


@pytest.mark.parametrize(
    "current, level, role",
    [
        ((), "primary", "regional"),
        (("primary",), "regional", "guardianship"),
        (("primary", "regional"), "central", "regional"),
    ],
)
def test_a_district_cannot_place_on_the_central_register_nor_any_role_on_another_level(
    api, users, make_child, current, level, role
):
    child = make_child(on_register=current)
    assert place(api(users[role]), child, level, today()).status_code == 403
    assert RegisterEntry.objects.filter(child=child).count() == len(current)


def test_placing_twice_on_the_same_level_is_a_conflict(api, users, make_child):
    child = make_child(on_register=("primary",))
    assert (
        place(api(users["guardianship"]), child, "primary", today()).json()["errors"][0]["code"] == "already_on_level"
    )


@pytest.mark.parametrize("offset, code", [(-1, "before_identified"), (201, "future_date")])
def test_placement_dates_are_checked(api, users, make_child, days_ago, offset, code):
    child = make_child(identified_on=days_ago(200))
    response = place(api(users["guardianship"]), child, "primary", days_ago(200 - offset))
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == code


def test_a_level_cannot_be_dated_before_the_previous_one(api, users, make_child, days_ago):
    child = make_child(identified_on=days_ago(100))
    place(api(users["guardianship"]), child, "primary", days_ago(50))
    response = place(api(users["regional"]), child, "regional", days_ago(51))
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "before_previous_entry"


def test_deregistration_and_re_registration_keep_the_whole_history(api, users, make_child, days_ago):
    child = make_child(identified_on=days_ago(100))
    guardianship = api(users["guardianship"])
    place(guardianship, child, "primary", days_ago(90))
    response = guardianship.post(
        f"/api/v1/children/{child.pk}/deregister/",
        {"on": days_ago(50).isoformat(), "reason": "foster_care"},
        format="json",
    )
    assert response.status_code == 201
    detail = guardianship.get(f"/api/v1/children/{child.pk}/").json()
    assert detail["status"] == "deregistered" and detail["register_level"] is None
    assert detail["deregistered"] == {"on": days_ago(50).isoformat(), "reason": "foster_care"}
    again = guardianship.post(
        f"/api/v1/children/{child.pk}/deregister/",
        {"on": days_ago(40).isoformat(), "reason": "returned_to_parents"},
        format="json",
    )
    assert again.status_code == 409  # (a death is still recorded: tests/adoption/test_child_died.py)
    # re-registration starts again at the primary level
    assert place(api(users["regional"]), child, "regional", days_ago(10)).status_code == 409
    assert place(guardianship, child, "primary", days_ago(10)).status_code == 201
    history = guardianship.get(f"/api/v1/children/{child.pk}/register/").json()
    assert [e["level"] for e in history] == ["primary", "deregistered", "primary"]
    assert guardianship.get(f"/api/v1/children/{child.pk}/").json()["status"] == "registered"


def test_deregistration_refuses_an_unknown_reason_and_a_date_before_the_last_entry(api, users, make_child, days_ago):
    child = make_child(identified_on=days_ago(100), on_register=("primary",))
    client = api(users["guardianship"])
    assert (
        client.post(
            f"/api/v1/children/{child.pk}/deregister/", {"on": today().isoformat(), "reason": "sold"}, format="json"
        ).status_code
        == 400
    )
    early = client.post(
        f"/api/v1/children/{child.pk}/deregister/", {"on": days_ago(100).isoformat(), "reason": "died"}, format="json"
    )
    assert early.status_code == 400 and early.json()["errors"][0]["field"] == "on"
    assert client.get(f"/api/v1/children/{child.pk}/").json()["status"] == "registered"


D = datetime.date
HISTORY = [
    Entry("primary", D(2024, 1, 10)),
    Entry("regional", D(2024, 2, 10)),
    Entry("central", D(2024, 3, 10)),
    Entry("deregistered", D(2024, 5, 1), "returned_to_parents"),
    Entry("primary", D(2024, 9, 1)),
]


@pytest.mark.parametrize(
    "on, level, since, central_on",
    [
        (D(2024, 1, 9), None, None, None),
        (D(2024, 1, 10), "primary", D(2024, 1, 10), None),
        (D(2024, 3, 9), "regional", D(2024, 2, 10), None),  # the day before central placement
        (D(2024, 3, 10), "central", D(2024, 3, 10), D(2024, 3, 10)),  # the day of
        (D(2024, 4, 30), "central", D(2024, 3, 10), D(2024, 3, 10)),
        (D(2024, 5, 1), None, None, None),  # deregistered that day
        (D(2024, 9, 1), "primary", D(2024, 9, 1), None),  # re-registered: the old central date no longer counts
    ],
)
def test_the_level_on_any_past_date(on, level, since, central_on):
    state = register_state_on(HISTORY, on)
    assert (state.level, state.since, state.central_on) == (level, since, central_on)


def test_history_lists_every_change_and_who_made_it(api, users, make_child):
    child = make_child()
    api(users["guardianship"]).post(
        f"/api/v1/children/{child.pk}/register/", {"level": "primary", "placed_on": today().isoformat()}, format="json"
    )
    history = api(users["regional"]).get(f"/api/v1/children/{child.pk}/history/").json()
    assert [e["verb"] for e in history] == ["create_child", "place_on_register", "place_on_register"]
    assert history[-1]["actor"] == users["guardianship"].username
    assert history[-1]["before"]["register_level"] is None and history[-1]["after"]["register_level"] == "primary"


def test_only_a_court_decision_deregisters_a_child_as_adopted(api, users, make_child):
    child = make_child(on_register=("primary",))
    response = api(users["guardianship"]).post(
        f"/api/v1/children/{child.pk}/deregister/", {"on": today().isoformat(), "reason": "adopted"}, format="json"
    )
    assert response.status_code == 400 and response.json()["errors"][0] == {
        "field": "reason",
        "code": "adopted_only_by_court",
        "message": response.json()["errors"][0]["message"],
    }
    assert api(users["guardianship"]).get(f"/api/v1/children/{child.pk}/").json()["status"] == "registered"


def test_a_refusal_names_the_levels_in_words_in_the_readers_language(api, users, make_child):
    """The messages name a level as the pages do, never by its code ("уровня primary")."""
    child = make_child(on_register=("primary",))
    client = api(users["guardianship"])
    again = place(client, child, "primary", today()).json()["errors"][0]
    assert again["code"] == "already_on_level"
    assert again["message"] == "The child is already on the primary (district guardianship agency) register."
    skipped = place(api(users["ministry"]), child, "central", today()).json()["errors"][0]["message"]
    assert "on primary (district guardianship agency), so the next level is regional (education department)" in skipped
    in_russian = client.post(
        f"/api/v1/children/{child.pk}/register/",
        {"level": "primary", "placed_on": today().isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    ).json()["errors"][0]["message"]
    assert in_russian == "Ребёнок уже состоит на учёте уровня «первичный (районный орган опеки)»."


def test_a_child_adopted_or_dead_is_never_placed_on_a_register_again(api, client, users, make_child, days_ago):
    """An adopted child back on the primary register would climb to the databank as free for a
    family while it has one (the page offered it: a deregistered child stands on no level)."""
    from tests.web.test_pages import login

    guardianship = api(users["guardianship"])
    dead = make_child(identified_on=days_ago(100), on_register=("primary",))
    assert (
        guardianship.post(
            f"/api/v1/children/{dead.pk}/deregister/", {"on": days_ago(5).isoformat(), "reason": "died"}, format="json"
        ).status_code
        == 201
    )
    refused = place(guardianship, dead, "primary", days_ago(1))
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "left_for_good", refused.json()
    assert "died" in refused.json()["errors"][0]["message"]
    login(client, users["guardianship"])
    assert f'action="/children/{dead.pk}/register/"' not in client.get(f"/children/{dead.pk}/").content.decode()
    history = guardianship.get(f"/api/v1/children/{dead.pk}/register/").json()
    assert [e["level"] for e in history] == ["primary", "deregistered"]

    fostered = make_child(identified_on=days_ago(100), on_register=("primary",), last_name="Omarova")
    guardianship.post(
        f"/api/v1/children/{fostered.pk}/deregister/",
        {"on": days_ago(5).isoformat(), "reason": "foster_care"},
        format="json",
    )
    assert f'action="/children/{fostered.pk}/register/"' in client.get(f"/children/{fostered.pk}/").content.decode()
    assert place(guardianship, fostered, "primary", days_ago(1)).status_code == 201  # the placement ended: back


def test_an_adopted_child_is_never_placed_on_a_register_again(api, client, users, district, court, days_ago):
    from tests.adoption.conftest import adopt_abroad
    from tests.web.test_pages import login

    _case, adopted = adopt_abroad(district, court, in_force_ago=20)
    refused = place(api(users["guardianship"]), adopted, "primary", days_ago(1))
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "left_for_good"
    login(client, users["guardianship"])
    page = client.get(f"/children/{adopted.pk}/").content.decode()
    assert f'action="/children/{adopted.pk}/register/"' not in page
    assert adopted.register_entries.filter(on=days_ago(1)).count() == 0


def test_a_child_whose_adoption_awaits_its_entry_into_force_leaves_the_registers_only_by_death(
    api, client, users, district, court, days_ago
):
    from tests.adoption.conftest import adopt_abroad
    from tests.web.test_pages import login

    case, child = adopt_abroad(district, court, in_force=False)  # granted 88 days ago, not yet in force
    guardianship = api(users["guardianship"])
    url = f"/api/v1/children/{child.pk}/deregister/"
    returned = guardianship.post(url, {"on": days_ago(1).isoformat(), "reason": "returned_to_parents"}, format="json")
    assert returned.status_code == 409 and returned.json()["errors"][0]["code"] == "adoption_granted", returned.json()
    assert guardianship.get(f"/api/v1/children/{child.pk}/").json()["status"] == "registered"
    login(client, users["guardianship"])
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "Open a case for this child" not in page  # it has one, granted (adoption.services.open_case refuses)
    form = page.split('id="dereg"')[1]
    assert 'value="died"' in form and 'value="returned_to_parents"' not in form and 'value="foster_care"' not in form
    assert guardianship.post(url, {"on": days_ago(1).isoformat(), "reason": "died"}, format="json").status_code == 201
    in_force = api(users["court"]).patch(  # the grant lapsed with the child: its case is closed
        f"/api/v1/cases/{case.pk}/decision/", {"in_force_on": days_ago(0).isoformat()}, format="json"
    )
    assert in_force.status_code == 409 and in_force.json()["errors"][0]["code"] == "illegal_transition"
