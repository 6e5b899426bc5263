import datetime

import pytest

from registry.models import Ground
from registry.rules import GroundFact, uncovered_parents

pytestmark = pytest.mark.django_db
D = datetime.date
DOC = {
    "kind": "court_decision",
    "number": "2-123/2024",
    "date": "2024-03-01",
    "in_force_on": "2024-04-02",
    "issued_by": "Yesil district court",
}


def test_a_ground_is_recorded_with_its_documents(api, users, make_child):
    child = make_child()
    response = api(users["guardianship"]).post(
        f"/api/v1/children/{child.pk}/grounds/",
        {"parent": "mother", "ground": "deprived_of_parental_rights", "documents": [DOC]},
        format="json",
    )
    assert response.status_code == 201
    listed = api(users["guardianship"]).get(f"/api/v1/children/{child.pk}/grounds/").json()
    assert listed[0]["ground"] == "deprived_of_parental_rights" and listed[0]["documents"][0]["number"] == "2-123/2024"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"parent": "mother", "ground": "declared_dead", "documents": []}, "documents"),
        ({"parent": "uncle", "ground": "declared_dead", "documents": [DOC]}, "parent"),
        ({"parent": "mother", "ground": "poverty", "documents": [DOC]}, "ground"),
        (
            {"parent": "mother", "ground": "declared_dead", "documents": [{**DOC, "date": "2100-01-01"}]},
            "documents[0].date",
        ),
        (
            {"parent": "mother", "ground": "declared_dead", "documents": [{**DOC, "date": "1899-12-31"}]},
            "documents[0].date",
        ),  # before the service's calendar
        (
            {"parent": "mother", "ground": "declared_dead", "documents": [DOC, {**DOC, "kind": "rumour"}]},
            "documents[1].kind",
        ),  # the item that is wrong, by its index
        (
            {
                "parent": "both",
                "ground": "abandoned_in_institution",
                "documents": [{**DOC, "kind": "birth_registration"}],
            },
            "documents",
        ),  # ¶51 needs the statement too
    ],
)
def test_bad_grounds_are_refused(api, users, make_child, body, field):
    child = make_child()
    response = api(users["guardianship"]).post(f"/api/v1/children/{child.pk}/grounds/", body, format="json")
    assert response.status_code == 400
    assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    assert not Ground.objects.exists()


def test_abandonment_with_birth_registration_and_institution_statement_is_accepted(api, users, make_child):
    child = make_child()
    documents = [
        {**DOC, "kind": "birth_registration"},
        {**DOC, "kind": "institution_statement", "issued_by": "Maternity home 2"},
    ]
    response = api(users["guardianship"]).post(
        f"/api/v1/children/{child.pk}/grounds/",
        {"parent": "both", "ground": "abandoned_in_institution", "documents": documents},
        format="json",
    )
    assert response.status_code == 201


def test_grounds_are_only_added_by_the_guardianship_agency_in_scope(api, users, make_child):
    child = make_child()
    body = {"parent": "mother", "ground": "declared_dead", "documents": [DOC]}
    assert api(users["regional"]).post(f"/api/v1/children/{child.pk}/grounds/", body, format="json").status_code == 403
    assert (
        api(users["other_guardianship"]).post(f"/api/v1/children/{child.pk}/grounds/", body, format="json").status_code
        == 404
    )


def fact(parent, ground, *docs):
    return GroundFact(parent, ground, tuple(doc if len(doc) == 3 else (*doc, None) for doc in docs))


@pytest.mark.parametrize(
    "grounds, on, uncovered",
    [
        ([], D(2024, 6, 1), ["mother", "father"]),
        # RULES §11.2: a v1 ground `parental_consent` with a bare document covers nothing (a consent record does)
        ([fact("mother", "parental_consent", ("consent", D(2024, 1, 1)))], D(2024, 6, 1), ["mother", "father"]),
        (
            [
                fact("mother", "abandoned_in_institution", ("birth_registration", D(2024, 1, 1))),
                fact("father", "parents_unknown", ("certificate", D(2024, 1, 1))),
            ],
            D(2024, 6, 1),
            ["mother"],
        ),
        # v2 §3: a court-declared ground counts from the decision's entry into force, not its date
        ([fact("both", "declared_dead", ("court_decision", D(2024, 1, 1), D(2024, 2, 1)))], D(2024, 6, 1), []),
        (
            [fact("both", "declared_dead", ("court_decision", D(2024, 5, 1), D(2024, 6, 2)))],
            D(2024, 6, 1),
            ["mother", "father"],
        ),  # the day before it is in force
        ([fact("both", "declared_dead", ("court_decision", D(2024, 5, 1), D(2024, 6, 1)))], D(2024, 6, 1), []),
        ([fact("both", "declared_dead", ("court_decision", D(2024, 1, 1)))], D(2024, 6, 1), ["mother", "father"]),
        # a letter is not a court decision
        ([fact("both", "deprived_of_parental_rights", ("other", D(2024, 1, 1)))], D(2024, 6, 1), ["mother", "father"]),
        (
            [
                fact(
                    "both",
                    "abandoned_in_institution",
                    ("birth_registration", D(2024, 1, 1)),
                    ("institution_statement", D(2024, 6, 2)),
                )
            ],
            D(2024, 6, 1),
            ["mother", "father"],
        ),
        (
            [
                fact(
                    "both",
                    "abandoned_in_institution",
                    ("birth_registration", D(2024, 1, 1)),
                    ("institution_statement", D(2024, 6, 2)),
                )
            ],
            D(2024, 6, 2),
            [],
        ),
    ],
)
def test_every_parent_must_be_covered_by_a_ground_on_the_date(grounds, on, uncovered):
    assert uncovered_parents(grounds, on) == uncovered
