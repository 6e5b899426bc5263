"""Irreversible steps from the pages (issue 20): an entry into force and a deregistration are
never pre-filled and need the user's tick; a child never placed on a register is not offered a
deregistration."""

import pytest

from adoption.models import Case, Decision
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


def test_an_appeal_filed_from_the_page_holds_the_entry_into_force_until_its_outcome(client, users, district, court):
    case, child = adopt_abroad(district, court, in_force=False)  # decided 85 days ago, its term ran out
    login(client, users["court"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/cases/{case.pk}/in-force/"' in page and "expected in force on" in page
    assert 'name="new_last_name"' not in page.split('id="form-appeal"')[1]  # a grant's appeal grants nothing new
    filed = client.post(f"/cases/{case.pk}/appeal/", {"filed_on": ago(80).isoformat()})
    assert filed.status_code == 302, filed.content.decode()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/cases/{case.pk}/in-force/"' not in page  # not offered while the appeal is pending
    assert "in force only if the appeal upholds it" in page and "expected in force on" not in page
    assert "Record the appeal&#x27;s outcome" in page and 'name="filed_on"' in page and "disabled" in page
    on = ago(40).isoformat()
    held = client.post(f"/cases/{case.pk}/in-force/", {"in_force_on": on, "confirm": "on"})
    assert held.status_code == 400 and "An appeal filed on" in held.content.decode()
    assert Decision.objects.get(case=case).in_force_on is None
    unstated = client.post(f"/cases/{case.pk}/appeal/", {"decided_on": on})  # the filing day is the appeal's own
    assert unstated.status_code == 400 and Decision.objects.get(case=case).in_force_on is None
    decided = {"filed_on": ago(1).isoformat(), "decided_on": on, "outcome": "upheld"}
    unconfirmed = client.post(f"/cases/{case.pk}/appeal/", decided)  # its outcome is not undone from the page
    assert unconfirmed.status_code == 400 and "Tick to confirm" in unconfirmed.content.decode()
    assert Decision.objects.get(case=case).in_force_on is None
    upheld = client.post(f"/cases/{case.pk}/appeal/", decided | {"confirm": "on"})
    assert upheld.status_code == 302, upheld.content.decode()
    assert Decision.objects.get(case=case).in_force_on == ago(40)
    assert Child.objects.get(pk=child.pk).status == "deregistered"


def test_a_new_birth_date_refused_is_said_next_to_its_field(client, api, users, foreign_case, court):
    """The service names `new_identity.birth_date`; the page's field is `new_birth_date` (it was said
    above the form, away from the date the clerk typed)."""
    from tests.adoption.test_court import hear, refer

    refer(api(users["guardianship"]), foreign_case, court, on=ago(12))
    hear(api(users["court"]), foreign_case, on=ago(10))
    login(client, users["court"])
    child = foreign_case.children.get()
    moved = child.birth_date.replace(year=child.birth_date.year + 1)
    refused = client.post(
        f"/cases/{foreign_case.pk}/decision/",
        {"outcome": "granted", "decided_on": ago(10).isoformat(), "new_birth_date": moved.isoformat()},
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    field = page[page.index('id="decision-new_birth_date"') : page.index('id="decision-new_birth_place"')]
    assert "A birth date may move by at most 6 months" in field, field
    assert not Decision.objects.filter(case=foreign_case).exists()


def test_the_court_records_from_the_page_an_appeal_that_reverses_a_refusal(client, users, district, court):
    """A refused case is closed, but its page offers the court the appeal (with the age gap a grant
    states); reversed and confirmed, the adoption is granted and in force on the appeal's day."""
    from adoption import services

    case, child = adopt_abroad(district, court, referred_only=True)
    login(client, users["court"])
    early = client.post(f"/cases/{case.pk}/appeal/", {"filed_on": ago(1).isoformat()})  # no decision to appeal
    assert early.status_code == 400 and "cannot be appealed" in early.content.decode()
    participants = ["applicants", "guardianship", "procurator"]
    services.record_hearing(actor=None, case=case, on=ago(30), participants=participants, in_camera=True)
    services.record_decision(actor=None, case=case, outcome="refused", decided_on=ago(30))
    login(client, users["court"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'action="/cases/{case.pk}/appeal/"' in page and 'name="age_gap_reduced"' in page
    assert 'name="new_last_name"' in page  # what a grant states: the appeal court's, as a decision's
    assert "reversed, the adoption is granted" in page
    form = {"filed_on": ago(20).isoformat(), "decided_on": ago(2).isoformat(), "outcome": "reversed"}
    unconfirmed = client.post(f"/cases/{case.pk}/appeal/", form)
    assert unconfirmed.status_code == 400 and "Tick to confirm" in unconfirmed.content.decode()
    assert Case.objects.get(pk=case.pk).status == "closed"
    assert (
        client.post(f"/cases/{case.pk}/appeal/", form | {"confirm": "on", "new_last_name": "Newname"}).status_code
        == 302
    )
    assert Case.objects.get(pk=case.pk).status == "in_force"
    assert Child.objects.get(pk=child.pk).deregistration_reason == "adopted"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "the adoption granted on appeal" in page and f'action="/cases/{case.pk}/appeal/"' not in page
    # judged on the eve of the appeal's day: that day the adoption took the child off the registers
    assert "Eligible on this date." in page and "the eve of the decision" in page
    assert f'name="as_of" value="{ago(3).isoformat()}"' in page
    history = client.get(f"/children/{child.pk}/").content.decode()  # the child's timeline: each court's day
    assert "Newname" in history and Child.objects.get(pk=child.pk).last_name == "Newname"  # the appeal court's
    timeline = history[history.index('<ol class="timeline">') :]
    assert "adoption refused" in timeline and "the adoption granted on appeal" in timeline
    assert "adoption granted<" not in timeline
