"""Irreversible steps from the pages (issue 20): an entry into force and a deregistration are
never pre-filled and need the user's tick; a child never placed on a register is not offered a
deregistration."""

import pytest

from adoption.models import Decision
from adoption.services import expected_in_force_on
from registry.models import Child
from tests.adoption.conftest import adopt_abroad, ago
from tests.web.test_pages import login


def test_the_entry_into_force_is_typed_and_confirmed(client, users, district, court):
    case, child = adopt_abroad(district, court, in_force=False)
    decision = Decision.objects.get(case=case)
    login(client, users["court"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'name="in_force_on"' in page and 'name="confirm"' in page
    assert 'name="in_force_on" value=' not in page  # no date offered: the clerk types it
    on = expected_in_force_on(decision)
    unconfirmed = client.post(f"/cases/{case.pk}/in-force/", {"in_force_on": on.isoformat()})
    assert unconfirmed.status_code == 400 and "Tick to confirm" in unconfirmed.content.decode()
    decision.refresh_from_db()
    assert decision.in_force_on is None
    confirmed = client.post(f"/cases/{case.pk}/in-force/", {"in_force_on": on.isoformat(), "confirm": "on"})
    assert confirmed.status_code == 302
    decision.refresh_from_db()
    assert decision.in_force_on == on


def test_a_deregistration_is_confirmed_and_offered_only_for_a_child_on_a_register(client, users, make_child):
    placed = make_child(on_register=("primary",))
    never = make_child()
    login(client, users["guardianship"])
    never_page = client.get(f"/children/{never.pk}/").content.decode()
    assert f'action="/children/{never.pk}/deregister/"' not in never_page
    page = client.get(f"/children/{placed.pk}/").content.decode()
    assert f'action="/children/{placed.pk}/deregister/"' in page
    form = {"on": ago(0).isoformat(), "reason": "returned_to_parents"}
    unconfirmed = client.post(f"/children/{placed.pk}/deregister/", form)
    assert unconfirmed.status_code == 400 and "Tick to confirm" in unconfirmed.content.decode()
    assert Child.objects.get(pk=placed.pk).status == "registered"
    assert client.post(f"/children/{placed.pk}/deregister/", {**form, "confirm": "on"}).status_code == 302
    assert Child.objects.get(pk=placed.pk).status == "deregistered"


pytestmark = pytest.mark.django_db
