"""The current state kept on the child row always equals the state derived from its history."""

import importlib

import pytest
from django.core.management import call_command
from django.db import connection

from registry.models import Child, RegisterEntry
from registry.rules import Entry, register_state_on

pytestmark = pytest.mark.django_db


def test_child_row_state_matches_the_history(api, users, make_child, days_ago):
    child = make_child(identified_on=days_ago(100))
    guardianship = api(users["guardianship"])
    steps = [
        lambda: guardianship.post(
            f"/api/v1/children/{child.pk}/register/",
            {"level": "primary", "placed_on": days_ago(90).isoformat()},
            format="json",
        ),
        lambda: api(users["regional"]).post(
            f"/api/v1/children/{child.pk}/register/",
            {"level": "regional", "placed_on": days_ago(60).isoformat()},
            format="json",
        ),
        lambda: guardianship.post(
            f"/api/v1/children/{child.pk}/deregister/",
            {"on": days_ago(50).isoformat(), "reason": "foster_care"},
            format="json",
        ),
        lambda: guardianship.post(
            f"/api/v1/children/{child.pk}/register/",
            {"level": "primary", "placed_on": days_ago(20).isoformat()},
            format="json",
        ),
    ]
    for step in steps:
        assert step().status_code == 201
        row = Child.objects.get(pk=child.pk)
        derived = register_state_on([Entry(e.level, e.on, e.reason) for e in row.register_entries.order_by("on", "id")])
        assert (row.register_level, row.level_since, row.deregistered_on) == (
            derived.level,
            derived.since,
            derived.deregistered_on,
        )
        history = list(row.register_entries.order_by("on", "id"))
        assert [e.ended_on for e in history] == [e.on for e in history[1:]] + [
            None
        ]  # each entry ends when the next begins


def test_entries_of_one_day_end_on_that_day_and_the_migration_computes_the_same_ends(make_child, days_ago, capsys):
    from registry import services

    child = make_child(identified_on=days_ago(40))
    for level in ("primary", "regional"):  # two placements on the same day: the first holds for no day at all
        services.place_on_register(actor=None, child=child, level=level, placed_on=days_ago(30))
    services.deregister(actor=None, child=child, on=days_ago(5), reason="foster_care")
    other = make_child(identified_on=days_ago(40), on_register=("primary",))
    stored = list(RegisterEntry.objects.order_by("id").values_list("child_id", "level", "on", "ended_on"))
    assert stored[:3] == [
        (child.pk, "primary", days_ago(30), days_ago(30)),
        (child.pk, "regional", days_ago(30), days_ago(5)),
        (child.pk, "deregistered", days_ago(5), None),
    ]
    assert stored[3] == (other.pk, "primary", days_ago(39), None)

    RegisterEntry.objects.update(ended_on=None)  # as before the migration
    with connection.cursor() as cursor:
        cursor.execute(importlib.import_module("registry.migrations.0004_registerentry_ended_on").END_EVERY_ENTRY)
    assert list(RegisterEntry.objects.order_by("id").values_list("child_id", "level", "on", "ended_on")) == stored
    call_command("check_consistency")
    assert capsys.readouterr().out.strip().endswith("consistent")


def test_the_consistency_check_finds_an_entry_that_does_not_end_when_the_next_begins(make_child, capsys):
    child = make_child(on_register=("primary", "regional"))
    RegisterEntry.objects.filter(child=child, level="primary").update(ended_on=None)  # bypassing the services
    with pytest.raises(Exception, match="consistency problem"):
        call_command("check_consistency")
    assert f"child #{child.pk}: a register entry does not end" in capsys.readouterr().err


def test_the_consistency_check_finds_a_case_holding_a_child_of_another_district(
    make_child, district, other_district, capsys
):
    from adoption import services as adoption_services
    from adoption.models import Case
    from tests.adoption.conftest import make_applicant

    child = make_child(on_register=("primary",))
    case = adoption_services.open_case(
        actor=None, children=[child], applicants=[make_applicant(district)], opened_on=child.identified_on
    )
    call_command("check_consistency")
    assert capsys.readouterr().out.strip().endswith("consistent")
    Case.objects.filter(pk=case.pk).update(district=other_district)  # bypassing the services
    with pytest.raises(Exception, match="consistency problem"):
        call_command("check_consistency")
    assert f"case #{case.pk} holds child #{child.pk} of another district" in capsys.readouterr().err
