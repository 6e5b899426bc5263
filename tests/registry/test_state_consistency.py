"""The current state kept on the child row always equals the state derived from its history."""

import pytest

from registry.models import Child
from registry.rules import Entry, register_state_on

pytestmark = pytest.mark.django_db


def test_child_row_state_matches_the_history(api, users, make_child, days_ago):
    child = make_child(identified_on=days_ago(100))
    guardianship = api(users["guardianship"])
    steps = [
        lambda: guardianship.post(f"/api/v1/children/{child.pk}/register/", {"level": "primary", "placed_on": days_ago(90).isoformat()}, format="json"),
        lambda: api(users["regional"]).post(f"/api/v1/children/{child.pk}/register/", {"level": "regional", "placed_on": days_ago(60).isoformat()}, format="json"),
        lambda: guardianship.post(f"/api/v1/children/{child.pk}/deregister/", {"on": days_ago(50).isoformat(), "reason": "foster_care"}, format="json"),
        lambda: guardianship.post(f"/api/v1/children/{child.pk}/register/", {"level": "primary", "placed_on": days_ago(20).isoformat()}, format="json"),
    ]
    for step in steps:
        assert step().status_code == 201
        row = Child.objects.get(pk=child.pk)
        derived = register_state_on([Entry(e.level, e.on, e.reason) for e in row.register_entries.order_by("on", "id")])
        assert (row.register_level, row.level_since, row.deregistered_on) == (derived.level, derived.since, derived.deregistered_on)
