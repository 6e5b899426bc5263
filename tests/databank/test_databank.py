"""The databank (issue 19): matching by each wish at its edges, the order of families, proposals
and answers, the no-answer sweep, and DOMESTIC_PREFERENCE derived from the proposals."""

import datetime
import random
from collections import Counter
from importlib import import_module
from typing import cast
from unittest.mock import patch

import pytest
from django.apps import apps as django_apps
from django.db import connection

from adoption import services as adoption_services
from adoption.models import AdopterRegistration, Case
from adoption.rules import UNASKED_NAMED
from core.models import Reminder
from databank import contributions, deadlines, rules
from databank import facts as databank_facts
from databank import services as databank_services
from databank.models import FamilyWishes, Proposal
from registry import services as registry_services
from registry.models import Child
from tests.adoption.conftest import adopt_abroad, ago, complete_file, hear_and_decide, make_applicant, make_child

D = datetime.date
ON = D(2025, 6, 1)


BORN, REGISTERED = D(2020, 6, 1), D(2024, 1, 1)


def child(birth=BORN, sex="F", region="KZ-71", health=False, siblings=()):
    return rules.ChildFacts(1, sex, birth, region, health, siblings)


def family(id=10, registered_on=REGISTERED, home="KZ-71", **wishes):
    return rules.FamilyFacts(id, registered_on, home, **wishes)


@pytest.mark.parametrize(
    "birth, fits",
    [
        (D(2021, 6, 2), False),  # 3 the day before the 4th birthday
        (D(2021, 6, 1), True),  # 4 on the day
        (D(2019, 6, 1), True),  # 6
        (D(2018, 6, 1), False),  # 7 that day
        (D(2018, 6, 2), True),  # still 6 the day before turning 7
    ],
)
def test_the_age_range_on_the_day(birth, fits):
    assert (rules.fits(family(age_min=4, age_max=6), child(birth=birth), ON) is not None) is fits


def test_sex_region_and_health_wishes():
    assert rules.fits(family(sex="M"), child(sex="F"), ON) is None
    assert rules.fits(family(sex=""), child(sex="F"), ON) is not None
    assert rules.fits(family(regions=frozenset({"KZ-75"})), child(region="KZ-71"), ON) is None
    assert rules.fits(family(regions=frozenset({"KZ-71"})), child(region="KZ-71"), ON) is not None
    assert rules.fits(family(), child(health=True), ON) is None
    assert "health" in (rules.fits(family(health_conditions=True), child(health=True), ON) or "")


def test_siblings_are_matched_together():
    brother = rules.ChildFacts(2, "M", D(2017, 1, 1), "KZ-71", False)
    pair = child(siblings=(brother,))
    assert rules.fits(family(), pair, ON) is None  # one child only
    assert rules.fits(family(siblings=True, children=1), pair, ON) is None  # not two
    assert rules.fits(family(siblings=True, children=2, sex="F"), pair, ON) is None  # the brother is a boy
    reason = rules.fits(family(siblings=True, children=2), pair, ON)
    assert reason is not None and "2 brothers and sisters together" in reason


def test_families_in_order_of_registration_then_the_childs_region_first():
    families = [
        family(1, D(2024, 3, 1), "KZ-71"),
        family(2, D(2024, 1, 1), "KZ-75"),
        family(3, D(2024, 1, 1), "KZ-71"),
        family(4, D(2023, 1, 1), "KZ-75", sex="M"),  # does not fit
    ]
    assert [f.id for f, _reason in rules.matches(child(region="KZ-71"), families, ON)] == [3, 2, 1]


# --- through the API -------------------------------------------------------------------------


def registered_family(district, *, last_name="Nurova", registered_ago=100, **wishes):
    applicant = make_applicant(
        district, citizenship="KZ", residence="KZ", last_name=last_name, registered_ago=registered_ago
    )
    databank_services.set_wishes(actor=None, applicant=applicant, **wishes)
    return applicant


@pytest.mark.django_db
def test_wishes_matches_and_proposals_through_the_api(api, users, district, other_district):
    child_ = make_child(district, birth_days_ago=4 * 365 + 30)
    g = api(users["guardianship"])
    early = registered_family(district, last_name="Early", registered_ago=300)
    late = registered_family(district, last_name="Late", registered_ago=100)
    boys_only = registered_family(district, last_name="Boys", sex="M")
    put = g.put(
        f"/api/v1/applicants/{late.pk}/wishes/",
        {"age_min": 3, "age_max": 6, "regions": [district.region_id]},
        format="json",
    )
    assert put.status_code == 200 and put.json()["regions"] == [district.region_id]
    assert api(users["regional"]).put(f"/api/v1/applicants/{late.pk}/wishes/", {}, format="json").status_code == 403
    assert g.get(f"/api/v1/applicants/{late.pk}/wishes/").json()["age_min"] == 3
    no_wishes = make_applicant(district, citizenship="KZ", residence="KZ", last_name="Undecided")
    none_recorded = g.get(f"/api/v1/applicants/{no_wishes.pk}/wishes/")  # was a 200 with an empty body
    assert (none_recorded.status_code, none_recorded.content) == (204, b"")
    bad = g.put(f"/api/v1/applicants/{late.pk}/wishes/", {"age_min": 6, "age_max": 3}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "age_max"
    answer = g.get(f"/api/v1/children/{child_.pk}/matches/").json()
    matches = answer["results"]
    assert (answer["count"], answer["more"]) == (2, False) and [m["applicant"] for m in matches] == [early.pk, late.pk]
    assert "aged 4" in matches[0]["reason"]
    region = district.region
    assert f"region {region.shown_name}" in matches[0]["reason"] and region.code not in matches[0]["reason"]
    with patch.object(databank_facts, "MATCHES_COUNTED", 1):  # counted up to a bound, every match still listed
        capped = g.get(f"/api/v1/children/{child_.pk}/matches/").json()
        assert (capped["count"], capped["more"]) == (1, True) and capped["results"] == matches
        with patch.object(databank_facts, "MATCHES_COUNTED", 2):  # exactly at the bound: no "more"
            assert g.get(f"/api/v1/children/{child_.pk}/matches/").json()["more"] is False
    url = f"/api/v1/children/{child_.pk}/proposals/"
    not_fitting = g.post(url, {"applicant": boys_only.pk, "proposed_on": ago(5).isoformat()}, format="json")
    assert not_fitting.status_code == 400 and not_fitting.json()["errors"][0]["code"] == "no_match"
    assert g.post(url, {"applicant": early.pk, "proposed_on": ago(5).isoformat()}, format="json").status_code == 201
    twice = g.post(url, {"applicant": early.pk, "proposed_on": ago(4).isoformat()}, format="json")
    assert twice.status_code == 409 and twice.json()["errors"][0]["code"] == "already_proposed"
    proposal = Proposal.objects.get()
    answer_url = f"{url}{proposal.pk}/answer/"
    no_reason = g.post(answer_url, {"answer": "declined", "on": ago(3).isoformat()}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["field"] == "reason"
    husband = make_applicant(district, citizenship="KZ", residence="KZ", sex="M", last_name="Early")
    stranger = make_applicant(other_district, citizenship="KZ", residence="KZ", sex="M", last_name="Far")
    declined_with_spouse = g.post(
        answer_url, {"answer": "declined", "on": ago(3).isoformat(), "reason": "x", "spouse": husband.pk}, format="json"
    )
    assert declined_with_spouse.status_code == 400
    assert declined_with_spouse.json()["errors"][0] == {
        **declined_with_spouse.json()["errors"][0],
        "field": "spouse",
        "code": "only_when_accepted",
    }
    out_of_district = g.post(
        answer_url, {"answer": "accepted", "on": ago(3).isoformat(), "spouse": stranger.pk}, format="json"
    )
    assert out_of_district.status_code == 403 and Proposal.objects.get().answer == "pending"
    accepted = g.post(answer_url, {"answer": "accepted", "on": ago(3).isoformat(), "spouse": husband.pk}, format="json")
    assert accepted.status_code == 200 and accepted.json()["answer"] == "accepted"
    case = Case.objects.get(pk=accepted.json()["case"])
    assert (case.category, set(case.applicants.all()), case.opened_on) == (
        "resident_citizen",
        {early, husband},
        ago(3),
    )
    assert api(users["other_guardianship"]).get(f"/api/v1/children/{child_.pk}/matches/").status_code == 404


@pytest.mark.django_db
def test_no_family_fits_a_child_before_its_birth_and_no_proposal_is_dated_then(api, users, district):
    """Found by the fuzzer: matches as of a day before the child's birth, or a proposal dated
    then, built an age list of nothing and answered 500."""
    child_ = make_child(district, birth_days_ago=400, central_days_ago=150)
    family_ = registered_family(district, registered_ago=600)
    g = api(users["guardianship"])
    birth = child_.birth_date

    def matched(on):
        answer = g.get(f"/api/v1/children/{child_.pk}/matches/", {"as_of": on.isoformat()})
        assert answer.status_code == 200
        return [m["applicant"] for m in answer.json()["results"]], answer.json()["count"]

    assert matched(birth - datetime.timedelta(days=1)) == matched(birth) == ([], 0)  # on no register yet
    assert matched(ago(250)) == ([family_.pk], 1)  # on the primary register (identified 250 days ago)
    url = f"/api/v1/children/{child_.pk}/proposals/"
    early = g.post(url, {"applicant": family_.pk, "proposed_on": (birth - datetime.timedelta(days=1)).isoformat()})
    assert early.status_code == 400
    assert [(e["field"], e["code"]) for e in early.json()["errors"]] == [("proposed_on", "before_birth")]
    assert not Proposal.objects.exists()


def proposing(client, child, family, on):
    return client.post(
        f"/api/v1/children/{child.pk}/proposals/",
        {"applicant": family.pk, "proposed_on": on.isoformat()},
        format="json",
    )


@pytest.mark.django_db
def test_a_sealed_child_is_never_proposed(api, users, district, court):
    _case, adopted = adopt_abroad(district, court)
    family_ = registered_family(district)
    g = api(users["guardianship"])
    assert g.get(f"/api/v1/children/{adopted.pk}/matches/").json() == {"count": 0, "more": False, "results": []}
    refused = proposing(g, adopted, family_, ago(1))
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "not_on_a_register"


def test_a_child_whose_adoption_a_court_granted_is_not_proposed_to_another_family(api, client, users, district, court):
    """Granted, not yet in force (the appeal term, or an appeal): the child is still on its register
    but no longer free for a family; the matches listed families and the district could propose it."""
    from adoption import services as adoption_services

    case, granted = adopt_abroad(district, court, in_force=False)
    family_ = registered_family(district)
    g = api(users["guardianship"])
    assert g.get(f"/api/v1/children/{granted.pk}/matches/").json() == {"count": 0, "more": False, "results": []}
    refused = proposing(g, granted, family_, ago(1))
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "adoption_granted", refused.json()
    client.force_login(users["guardianship"])
    page = client.get(f"/children/{granted.pk}/matches/").content.decode()
    assert "A court granted the child&#x27;s adoption on" in page and "Propose the child" not in page
    decided_on = case.decision.decided_on
    adoption_services.record_appeal(
        actor=users["court"], case=case, filed_on=decided_on, decided_on=decided_on, outcome="reversed"
    )
    assert g.get(f"/api/v1/children/{granted.pk}/matches/").json()["count"] == 1  # free again: the family fits
    proposed = proposing(g, granted, family_, ago(0))
    assert proposed.status_code == 201, proposed.json()


def test_a_child_whose_refusal_is_under_appeal_is_not_proposed_to_another_family(api, client, users, district, court):
    """A court refused the adoption and the family appealed: reversed, the appeal grants the child
    to that family, so until it is decided no other family is asked (as after a grant). The databank
    listed families and the district could propose the child meanwhile. Once the refusal is upheld,
    the child is free again."""
    from adoption import services as adoption_services

    case, child_ = adopt_abroad(district, court, referred_only=True)  # referred 90 days ago
    hear_and_decide(case, outcome="refused", days_ago=60)
    family_ = registered_family(district)
    g = api(users["guardianship"])
    assert g.get(f"/api/v1/children/{child_.pk}/matches/").json()["count"] == 1  # refused, no appeal: free

    adoption_services.record_appeal(actor=users["court"], case=case, filed_on=ago(50))  # pending
    assert g.get(f"/api/v1/children/{child_.pk}/matches/").json() == {"count": 0, "more": False, "results": []}
    refused = proposing(g, child_, family_, ago(1))
    assert refused.status_code == 400 and [(e["field"], e["code"]) for e in refused.json()["errors"]] == [
        ("child", "appeal_pending")
    ]
    assert not Proposal.objects.filter(child=child_).exists()
    client.force_login(users["guardianship"])
    page = client.get(f"/children/{child_.pk}/matches/").content.decode()
    assert "An appeal against the refusal of the child&#x27;s adoption, filed on" in page
    assert "Propose the child" not in page

    adoption_services.record_appeal(
        actor=users["court"], case=case, filed_on=ago(50), decided_on=ago(10), outcome="upheld"
    )
    assert g.get(f"/api/v1/children/{child_.pk}/matches/").json()["count"] == 1  # the refusal stands: free again
    assert proposing(g, child_, family_, ago(0)).status_code == 201


@pytest.mark.django_db
def test_no_one_is_asked_to_propose_a_child_whose_refusal_is_under_appeal(users, district, court):
    from adoption import services as adoption_services

    case, child_ = adopt_abroad(district, court, referred_only=True)
    hear_and_decide(case, outcome="refused", days_ago=60)
    family_ = registered_family(district, last_name="Silent")
    databank_services.propose(actor=None, child=child_, applicant=family_, proposed_on=ago(30))
    adoption_services.record_appeal(actor=users["court"], case=case, filed_on=ago(50))
    assert deadlines.sweep_proposals(on=ago(0)) == {"no_answer": 0}
    assert Proposal.objects.get(child=child_).answer == "no_answer"  # it lapses all the same


@pytest.mark.django_db
def test_the_no_answer_sweep_is_idempotent_and_reminds_the_district(district):
    child_ = make_child(district)
    family_ = registered_family(district)
    proposal = databank_services.propose(actor=None, child=child_, applicant=family_, proposed_on=ago(12))
    assert deadlines.sweep_proposals(on=ago(2)) == {"no_answer": 0}  # the 10th day after: still time
    assert deadlines.sweep_proposals(on=ago(1)) == {"no_answer": 1}
    assert deadlines.sweep_proposals(on=ago(0)) == {"no_answer": 0}
    proposal.refresh_from_db()
    assert (proposal.answer, proposal.answered_on) == ("no_answer", ago(1))
    # its event records the change (until session 52: a creation, with the proposal still pending)
    from core.models import AuditEvent

    lapse = AuditEvent.objects.get(verb="answer_proposal")
    assert (lapse.action, lapse.actor_role, lapse.subject_id) == ("update", "system", str(child_.pk))
    before, after = cast(dict, lapse.before), cast(dict, lapse.after)
    assert (before["answer"], after["answer"], after["answered_on"]) == (
        "pending",
        "no_answer",
        ago(1).isoformat(),
    )
    reminder = Reminder.objects.get(kind="proposal_no_answer")
    assert (reminder.subject_id, reminder.district_id, reminder.due_on) == (child_.pk, district.pk, ago(1))


@pytest.mark.django_db
def test_the_no_answer_reminder_is_answered_by_the_next_proposal_or_by_the_child_leaving_the_registers(district, users):
    """The reminder asks the district to propose the child to the next family: done when it is
    proposed to another, in the proposer's name; a child who left the registers (returned to its
    parents) is proposed to no one, and its reminder is done too. It stayed open until marked done."""
    child_, other = make_child(district), make_child(district, last_name="Other")
    first, second = registered_family(district, last_name="First"), registered_family(district, last_name="Second")
    for proposed in (child_, other):
        databank_services.propose(actor=None, child=proposed, applicant=first, proposed_on=ago(12))
    assert deadlines.sweep_proposals(on=ago(0)) == {"no_answer": 2}

    def still_open(of):
        return Reminder.objects.filter(kind="proposal_no_answer", subject_id=of.pk, done_at__isnull=True).exists()

    assert still_open(child_) and still_open(other)
    databank_services.propose(actor=users["guardianship"], child=child_, applicant=second, proposed_on=ago(0))
    assert not still_open(child_) and still_open(other)  # only the child proposed
    assert Reminder.objects.get(kind="proposal_no_answer", subject_id=child_.pk).done_by == users["guardianship"]
    registry_services.deregister(actor=None, child=other, on=ago(0), reason="returned_to_parents")
    assert not still_open(other)


@pytest.mark.django_db
def test_no_one_is_asked_to_propose_a_child_whose_adoption_was_granted(district, court):
    """A family did not answer a proposal of a child whom a court then gave in adoption to
    another: the proposal lapses, and the district is not asked to propose the child to the next
    family (a proposal is refused: adoption_granted). Until session 45 it was."""
    _case, granted = adopt_abroad(district, court, in_force=False)
    family_ = registered_family(district, last_name="Silent")  # (registered before, it would have come first)
    Proposal.objects.create(child=granted, applicant=family_, proposed_on=ago(12))  # still pending
    waiting = make_child(district, last_name="Wait")
    databank_services.propose(actor=None, child=waiting, applicant=family_, proposed_on=ago(12))
    assert deadlines.sweep_proposals(on=ago(0)) == {"no_answer": 1}
    assert Proposal.objects.get(child=granted).answer == "no_answer"
    assert list(Reminder.objects.filter(kind="proposal_no_answer").values_list("subject_id", flat=True)) == [waiting.pk]


@pytest.mark.django_db
def test_the_no_answer_reminders_answered_before_proposing_closed_them_are_closed_by_the_migration(district):
    """A database of session 30: the migration closes the reminders of a child proposed to another
    family since, or off the registers, and only those."""
    proposed_again, returned, waiting = (make_child(district, last_name=name) for name in ("Again", "Home", "Wait"))
    first, second = registered_family(district, last_name="First"), registered_family(district, last_name="Second")
    for child_ in (proposed_again, returned, waiting):
        databank_services.propose(actor=None, child=child_, applicant=first, proposed_on=ago(12))
    deadlines.sweep_proposals(on=ago(0))
    Proposal.objects.create(child=proposed_again, applicant=second, proposed_on=ago(0))  # as before: no closing
    Child.objects.filter(pk=returned.pk).update(status="deregistered", register_level=None)
    assert Reminder.objects.filter(done_at__isnull=False).count() == 0
    closing = import_module("databank.migrations.0005_close_answered_reminders")
    closing.close_answered(django_apps, None)
    still = Reminder.objects.filter(kind="proposal_no_answer", done_at__isnull=True)
    assert list(still.values_list("subject_id", flat=True)) == [waiting.pk]
    assert Reminder.objects.filter(done_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_the_domestic_search_is_derived_from_the_proposals(api, users, district):
    child_ = make_child(district)
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Husband")]
    case = adoption_services.open_case(actor=None, children=[child_], applicants=couple, opened_on=ago(100))
    complete_file(case, [child_], couple)
    g = api(users["guardianship"])

    def preference(on=None):
        params = {"as_of": on.isoformat()} if on else {}
        checks = g.get(f"/api/v1/cases/{case.pk}/eligibility/", params).json()["checks"]
        return next(c for c in checks if c["code"] == "DOMESTIC_PREFERENCE")

    assert preference()["status"] == "pass"  # no registered family wishes to take her in
    first = registered_family(district, last_name="First", registered_ago=200)
    second = registered_family(district, last_name="Second", registered_ago=150)
    not_asked = preference()
    assert not_asked["status"] == "fail"
    assert (
        f"2 registered families whose wishes fit were not proposed the child (applicant #{first.pk}, #{second.pk})"
        in (not_asked["detail"])
    )
    databank_services.propose(actor=None, child=child_, applicant=first, proposed_on=ago(20))
    proposal = databank_services.propose(actor=None, child=child_, applicant=second, proposed_on=ago(5))
    first_proposal = Proposal.objects.get(applicant=first)
    databank_services.answer(actor=None, proposal=first_proposal, answer="declined", on=ago(18), reason="too young")
    waiting = preference()
    assert (waiting["status"], waiting["satisfiable_on"]) == ("pending", ago(5 - 11).isoformat())  # the 11th day
    databank_services.answer(actor=None, proposal=proposal, answer="declined", on=ago(2), reason="moved")
    assert preference()["status"] == "pass" and "All 2" in preference()["detail"]
    assert preference(ago(3))["status"] == "pending"  # the day before the second answer
    assert preference(ago(21))["status"] == "fail"  # before any proposal


@pytest.mark.django_db
def test_the_districts_pages_wishes_matches_proposal_and_answer(client, users, district):
    child_ = make_child(district)
    family_ = make_applicant(district, citizenship="KZ", residence="KZ", last_name="Omarova")
    client.force_login(users["guardianship"])
    assert "Omarova" in client.get("/databank/families/").content.decode()
    saved = client.post(f"/databank/families/{family_.pk}/", {"sex": "F", "age_min": 2, "age_max": 8, "children": 1})
    assert saved.status_code == 302 and family_.wishes.age_max == 8
    backwards = client.post(f"/databank/families/{family_.pk}/", {"age_min": 9, "age_max": 3, "children": 1})
    assert backwards.status_code == 400
    page = client.get(f"/children/{child_.pk}/matches/").content.decode()
    assert f'data-family="{family_.pk}"' in page and "Propose the child" in page
    # the family named opens its page (its record, its entries on the register, its cases)
    assert f'<a href="/applicants/{family_.pk}/">Omarova Ann</a>' in page
    assert client.get(f"/applicants/{family_.pk}/").status_code == 200
    assert "Families for the child" in client.get(f"/children/{child_.pk}/").content.decode()  # linked from the child
    assert client.post(f"/children/{child_.pk}/matches/", {"applicant": family_.pk}).status_code == 302
    proposal = Proposal.objects.get()
    husband = make_applicant(district, citizenship="KZ", residence="KZ", sex="M", last_name="Omarov")
    page = client.get(f"/children/{child_.pk}/matches/").content.decode()
    assert f'<option value="{husband.pk}">Omarov Ann' in page  # the spouse by name, for a couple that accepts
    answered = client.post(
        f"/children/{child_.pk}/matches/",
        {"proposal": proposal.pk, "answer": "declined", "on": ago(0).isoformat(), "reason": "a boy was hoped for"},
    )
    assert answered.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.answer, proposal.reason) == ("declined", "a boy was hoped for")
    second = make_child(district, last_name="Second")
    assert client.post(f"/children/{second.pk}/matches/", {"applicant": family_.pk}).status_code == 302
    accepted = client.post(
        f"/children/{second.pk}/matches/",
        {
            "proposal": Proposal.objects.get(child=second).pk,
            "answer": "accepted",
            "on": ago(0).isoformat(),
            "spouse": husband.pk,
        },
    )
    opened = Case.objects.get(children=second)
    assert (accepted.status_code, accepted["Location"]) == (302, f"/cases/{opened.pk}/")  # where the work goes on
    assert set(opened.applicants.all()) == {family_, husband}
    assert "the family&#x27;s case is opened" in client.get(accepted["Location"]).content.decode()
    client.force_login(users["regional"])
    assert client.get(f"/children/{child_.pk}/matches/").status_code == 200
    assert client.post(f"/children/{child_.pk}/matches/", {"applicant": family_.pk}).status_code == 403
    client.force_login(users["other_guardianship"])
    assert client.get(f"/children/{child_.pk}/matches/").status_code == 404


@pytest.mark.django_db
def test_a_family_registered_in_another_district_is_proposed_and_accepts_with_its_spouse(
    api, client, users, district, other_district, neighbour_district
):
    """The databank is national: a child's matches list the families of every district, and its
    district proposes the child to any of them (a family of another district could not be proposed,
    404, and its DOMESTIC_PREFERENCE then failed for ever, naming families no one could ask). Once
    proposed, the family is one the child's district sees (the answer, the case it opens); a couple
    accepts with the spouse its own agency recorded. No other applicant of that district is shown."""
    child_ = make_child(district)
    far = registered_family(other_district, last_name="Far", registered_ago=300)
    far_husband = make_applicant(other_district, citizenship="KZ", residence="KZ", sex="M", last_name="Far")
    unrelated = make_applicant(other_district, citizenship="KZ", residence="KZ", last_name="Unrelated")
    third = make_applicant(neighbour_district, citizenship="KZ", residence="KZ", sex="M", last_name="Third")
    g = api(users["guardianship"])
    assert [m["applicant"] for m in g.get(f"/api/v1/children/{child_.pk}/matches/").json()["results"]] == [far.pk]
    seen = {a["id"] for a in g.get("/api/v1/applicants/").json()["results"]}
    assert far.pk not in seen  # not before it is proposed a child of the district
    client.force_login(users["guardianship"])
    unnamed = client.get(f"/children/{child_.pk}/matches/").content.decode()
    assert f'data-family="{far.pk}"' in unnamed and f"/applicants/{far.pk}/" not in unnamed  # nor on the page
    url = f"/api/v1/children/{child_.pk}/proposals/"
    not_in_databank = g.post(url, {"applicant": unrelated.pk, "proposed_on": ago(5).isoformat()}, format="json")
    assert not_in_databank.status_code == 400 and not Proposal.objects.exists()
    assert g.post(url, {"applicant": far.pk, "proposed_on": ago(5).isoformat()}, format="json").status_code == 201
    seen = {a["id"] for a in g.get("/api/v1/applicants/").json()["results"]}
    assert far.pk in seen and not {far_husband.pk, unrelated.pk} & seen
    # its wishes are its own agency's to keep: the child's district reads them and never narrows them
    # (a family whose wishes no longer fit would no longer hold a foreign adoption back)
    wishes_url = f"/api/v1/applicants/{far.pk}/wishes/"
    assert g.get(wishes_url).json()["age_max"] == 17
    narrowed = g.put(wishes_url, {"age_min": 0, "age_max": 1}, format="json")
    assert narrowed.status_code == 403 and narrowed.json()["errors"][0]["code"] == "not_the_familys_agency"
    assert FamilyWishes.objects.get(applicant=far).age_max == 17
    proposal = Proposal.objects.get()
    answer_url = f"{url}{proposal.pk}/answer/"
    elsewhere = g.post(answer_url, {"answer": "accepted", "on": ago(3).isoformat(), "spouse": third.pk}, format="json")
    assert elsewhere.status_code == 403 and Proposal.objects.get().answer == "pending"  # recorded by neither agency
    accepted = g.post(
        answer_url, {"answer": "accepted", "on": ago(3).isoformat(), "spouse": far_husband.pk}, format="json"
    )
    assert accepted.status_code == 200 and accepted.json()["spouse"] == far_husband.pk
    case = Case.objects.get(pk=accepted.json()["case"])
    assert (case.district_id, set(case.applicants.all())) == (district.pk, {far, far_husband})
    assert g.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    seen = {a["id"] for a in g.get("/api/v1/applicants/").json()["results"]}
    assert {far.pk, far_husband.pk} <= seen and unrelated.pk not in seen
    # the page: the family named once proposed, and a second child proposed to it from the page
    second = make_child(district, last_name="Second")
    client.force_login(users["guardianship"])
    assert client.post(f"/children/{second.pk}/matches/", {"applicant": far.pk}).status_code == 302
    assert Proposal.objects.filter(child=second, applicant=far).exists()
    page = client.get(f"/children/{second.pk}/matches/").content.decode()
    assert (
        f'<a href="/applicants/{far.pk}/">Far Ann</a>' in page
        and f'<input type="number" min="1" id="spouse-{far.pk}" name="spouse">' in page
    )
    assert "Far" not in client.get("/databank/families/").content.decode()  # the district's own families
    narrowed = client.post(f"/databank/families/{far.pk}/", {"age_min": 0, "age_max": 1, "children": 1})
    assert narrowed.status_code in (400, 403) and FamilyWishes.objects.get(applicant=far).age_max == 17
    pending = Proposal.objects.get(child=second)
    answer = {"proposal": pending.pk, "answer": "accepted", "on": ago(0).isoformat()}
    assert client.post(f"/children/{second.pk}/matches/", answer | {"spouse": third.pk}).status_code == 302
    assert Proposal.objects.get(pk=pending.pk).answer == "pending"  # a spouse neither agency recorded
    assert client.post(f"/children/{second.pk}/matches/", answer | {"spouse": far_husband.pk}).status_code == 302
    assert set(Case.objects.get(children=second).applicants.all()) == {far, far_husband}


@pytest.mark.django_db
def test_where_the_gap_is_counted_independently(api, users, district, other_district):
    import random

    from core.dates import age_on, today

    rng = random.Random(19)
    for i in range(30):
        home = district if i % 2 else other_district
        made = make_child(home, last_name=f"Gap{i}", birth_days_ago=rng.randint(200, 16 * 365))
        if rng.random() < 0.3:
            Child.objects.filter(pk=made.pk).update(health_notes="needs care")
    registered_family(district, last_name="Young", age_min=0, age_max=5)
    registered_family(other_district, last_name="Teen", age_min=15, age_max=17, sex="M", regions=[])
    body = api(users["ministry"]).get("/api/v1/reports/databank/").json()
    # independently: a child fits a family if some family's wishes hold for it alone
    expected, young_fits, teen_fits = 0, False, False
    for made in Child.objects.filter(status="registered", register_level__isnull=False):
        age, health = age_on(made.birth_date, today()), bool(made.health_notes)
        fits_young = age <= 5 and not health
        fits_teen = 15 <= age <= 17 and made.sex == "M" and not health
        expected += not (fits_young or fits_teen)
        young_fits, teen_fits = young_fits or fits_young, teen_fits or fits_teen
    assert body["children_without_family"]["total"] == expected > 0
    assert sum(body["children_without_family"]["by_region"].values()) == expected
    assert (
        body["children_without_family"]["by_health"].get("with_health_notes", 0)
        == Child.objects.exclude(health_notes="").count()
    )
    assert body["families_without_child"]["total"] == (not young_fits) + (not teen_fits)
    regional = api(users["regional"]).get("/api/v1/reports/databank/").json()
    assert set(regional["children_without_family"]["by_region"]) <= {district.region_id}
    assert api(users["guardianship"]).get("/api/v1/reports/databank/").status_code == 403
    assert api(users["ministry"]).get("/api/v1/reports/databank/", {"format": "csv"}).status_code == 200


@pytest.mark.django_db
def test_the_gap_report_answers_as_each_child_and_family_compared_pair_by_pair(users, district, other_district):
    """The report decides the fit once per group of children and tries each wish only until it fits
    (22 s at 1,000,000 children before); it must answer what comparing every child with every
    family by `rules.fit` answers, whatever order the groups come in."""
    from core.dates import age_on, today
    from databank.report import gap_report

    rng = random.Random(21)
    for i in range(24):
        made = make_child(
            district if i % 3 else other_district, last_name=f"Pair{i}", birth_days_ago=rng.randint(400, 17 * 365)
        )
        if rng.random() < 0.4:
            Child.objects.filter(pk=made.pk).update(health_notes="needs care")
    # a child of age still on a register: its age is read from its birth date, not the SQL's bands
    Child.objects.filter(pk=made.pk).update(birth_date=today() - datetime.timedelta(days=19 * 366))
    for i in range(9):
        low = rng.randint(0, 15)
        registered_family(
            district if i % 2 else other_district,
            last_name=f"Wish{i}",
            age_min=low,
            age_max=rng.randint(low, min(17, low + 4)),
            sex=rng.choice(["", "M", "F"]),
            health_conditions=rng.random() < 0.3,
            regions=rng.choice([[], [district.region_id], [other_district.region_id]]),
        )
    on = today()
    children = [
        rules.ChildFacts(c.pk, c.sex, c.birth_date, c.district.region_id, bool(c.health_notes))
        for c in Child.objects.filter(status="registered", register_level__isnull=False).select_related("district")
    ]
    families = [
        rules.FamilyFacts(
            w.applicant_id,
            on,
            cast(str, w.home_region_id),  # as the databank's SQL reads it
            w.sex,
            w.age_min,
            w.age_max,
            w.children,
            w.siblings,
            w.health_conditions,
            frozenset(r.code for r in w.regions.all()),
        )
        for w in FamilyWishes.objects.all()
    ]
    alone = [c for c in children if not any(rules.fit(f, c, on) for f in families)]
    unfitted = [f for f in families if not any(rules.fit(f, c, on) for c in children)]
    report = gap_report(users["ministry"], on)
    assert 0 < len(alone) < len(children) and 0 < len(unfitted) < len(families)  # the draw tests both sides
    assert report["children_without_family"]["total"] == len(alone)
    assert report["children_without_family"]["by_region"] == dict(Counter(c.region for c in alone))
    assert report["children_without_family"]["by_age"] == {
        str(age): n for age, n in sorted(Counter(age_on(c.birth_date, on) for c in alone).items())
    }
    assert report["children_without_family"]["by_health"] == dict(
        sorted(Counter("with_health_notes" if c.health else "without" for c in alone).items())
    )
    assert "19" in report["children_without_family"]["by_age"]  # the child of age fits no wish (at most 17)
    assert report["families_without_child"]["total"] == len(unfitted)
    assert report["families_without_child"]["by_region"] == dict(Counter(f.home_region for f in unfitted))


@pytest.mark.django_db
def test_the_gap_reports_ages_in_sql_are_full_years_on_the_day_at_each_birthday(district):
    """The report counts children by age in SQL (`age_below`): a child born on the day that makes
    it `a` today is `a`, one born the day after is `a - 1`, as `age_on` says (29 February too)."""
    from django.db.models import Q

    from core.dates import ADULTHOOD, age_on, latest_birth_of_age
    from databank.report import adult_birth_date, age_below

    child_ = make_child(district)
    for on in (datetime.date(2026, 12, 6), datetime.date(2024, 2, 29), datetime.date(2025, 3, 1)):
        for age in (1, 4, 10, 17, 18, 19):
            for born in (latest_birth_of_age(on, age), latest_birth_of_age(on, age) + datetime.timedelta(days=1)):
                Child.objects.filter(pk=child_.pk).update(birth_date=born)
                read = (
                    Child.objects.filter(Q(pk=child_.pk))
                    .annotate(age=age_below(ADULTHOOD, on), adult_born=adult_birth_date(on))
                    .values_list("age", "adult_born")
                    .get()
                )
                expected = age_on(born, on)
                assert read == ((expected, None) if expected < ADULTHOOD else (None, born)), (on, born)


@pytest.mark.django_db
def test_more_families_than_named_were_not_asked(api, users, district):
    """One family not asked is enough to refuse; the check names the first five found and says more."""
    child_ = make_child(district)
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Husband")]
    case = adoption_services.open_case(actor=None, children=[child_], applicants=couple, opened_on=ago(100))
    complete_file(case, [child_], couple)
    families = [registered_family(district, last_name=f"F{i}") for i in range(UNASKED_NAMED + 1)]
    databank_services.propose(actor=None, child=child_, applicant=families[0], proposed_on=ago(30))
    checks = api(users["guardianship"]).get(f"/api/v1/cases/{case.pk}/eligibility/").json()["checks"]
    check = next(c for c in checks if c["code"] == "DOMESTIC_PREFERENCE")
    assert check["status"] == "fail" and check["detail"].startswith("5 registered families")
    assert "1 were asked" in check["detail"]
    registered_family(district, last_name="Seventh")
    checks = api(users["guardianship"]).get(f"/api/v1/cases/{case.pk}/eligibility/").json()["checks"]
    check = next(c for c in checks if c["code"] == "DOMESTIC_PREFERENCE")
    assert check["status"] == "fail" and check["detail"].startswith("More than 5 registered families")


@pytest.mark.django_db
def test_the_families_found_not_asked_are_the_first_by_wished_ages_then_by_family(api, users, district):
    """The statement stops at the first few families that fit (UNASKED_NAMED + 1), in the order of
    their wished ages, then of the family: the same families on PostgreSQL and on the embedded SQLite,
    and from one request to the next."""
    child_ = make_child(district, birth_days_ago=4 * 365 + 30)
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Husband")]
    case = adoption_services.open_case(actor=None, children=[child_], applicants=couple, opened_on=ago(100))
    complete_file(case, [child_], couple)
    narrow = [registered_family(district, last_name=f"Narrow{i}", age_min=3, age_max=6) for i in range(4)]
    wide = [registered_family(district, last_name=f"Wide{i}", age_min=0, age_max=17) for i in range(4)]
    found = [*wide, *narrow[:2]]  # the wider range starts younger: first; then by family
    named = sorted(f.pk for f in found)[:UNASKED_NAMED]
    for _ in range(2):
        checks = api(users["guardianship"]).get(f"/api/v1/cases/{case.pk}/eligibility/").json()["checks"]
        check = next(c for c in checks if c["code"] == "DOMESTIC_PREFERENCE")
        assert check["detail"].startswith("More than 5 registered families")
        assert f"(applicant {', '.join(f'#{pk}' for pk in named)} and others)" in check["detail"]


@pytest.mark.django_db
def test_the_sql_of_a_fit_is_rules_fits(district, other_district):
    """facts.FITS (the matches, and the eligibility's GROUPS) holds the same families as rules.fits,
    in the same order, over generated families and children: every wish at its edges, a family with
    no entry, an expired one, two entries, brothers and sisters together (on a register on some of
    the days compared only), a 29 February birthday."""
    rng = random.Random(7)
    today = ago(0)
    families = []
    for i in range(60):
        home = rng.choice([district, other_district])
        applicant = make_applicant(
            home,
            citizenship="KZ",
            residence="KZ",
            last_name=f"Family{i}",
            # a dozen registered on one day, the earliest still valid today: ties across the limit below
            registered_ago=364 if i % 5 == 0 else rng.randrange(1, 900),
        )
        if i % 7 == 0:  # a second entry, later
            adoption_services.register_applicant(
                actor=None,
                applicant=applicant,
                register="prospective_adopters",
                number=f"PA-2-{i}",
                registered_on=ago(rng.randrange(0, 60)),
                valid_until=ago(-300),
            )
        low = rng.randrange(0, 12)
        databank_services.set_wishes(
            actor=None,
            applicant=applicant,
            sex=rng.choice(["", "M", "F"]),
            age_min=low,
            age_max=min(17, low + rng.randrange(0, 7)),
            children=rng.choice([1, 2, 3]),
            siblings=rng.random() < 0.5,
            health_conditions=rng.random() < 0.5,
            regions=rng.choice(
                [[], [district.region], [other_district.region], [district.region, other_district.region]]
            ),
        )
        families.append(applicant)
    entries: dict[int, list] = {}
    for entry in AdopterRegistration.objects.filter(register="prospective_adopters"):
        entries.setdefault(entry.applicant_id, []).append(entry)

    def python_families(on):
        """Every family as rules.FamilyFacts from its records, the way rules.fits reads them."""
        found = []
        for applicant in families:
            valid = [e.registered_on for e in entries.get(applicant.pk, []) if e.registered_on <= on <= e.valid_until]
            if valid:
                w = applicant.wishes
                found.append(
                    rules.FamilyFacts(
                        applicant.pk,
                        min(valid),
                        applicant.district.region_id,
                        w.sex,
                        w.age_min,
                        w.age_max,
                        w.children,
                        w.siblings,
                        w.health_conditions,
                        frozenset(w.regions.values_list("code", flat=True)),
                    )
                )
        return found

    leap = D(2016, 2, 29)
    groups = []
    for i in range(12):
        birth = rng.choice([leap, ago(rng.randrange(0, 17 * 365))])
        sex, health = rng.choice("MF"), rng.random() < 0.3
        home = rng.choice([district, other_district])
        child_ = make_child(
            home, last_name=f"Child{i}", birth_days_ago=(today - birth).days, health_notes="asthma" if health else ""
        )
        Child.objects.filter(pk=child_.pk).update(sex=sex)
        if i % 3 == 0:  # with a brother or sister on a register: since before the days compared, since
            # after the earliest of them, or returned to the parents since (on a register on the past days only)
            placed = rng.choice([50, 200, 450])
            sibling = make_child(
                home,
                last_name=f"Sibling{i}",
                birth_days_ago=rng.randrange(placed + 100, 15 * 365),
                central_days_ago=placed,
            )
            if i % 2 == 0:
                registry_services.deregister(actor=None, child=sibling, on=ago(3), reason="returned_to_parents")
            child_.siblings.add(sibling)
        groups.append(Child.objects.get(pk=child_.pk))
    cases = {child_.pk: _case_of(child_) for child_ in groups}
    compared = 0
    for on in (today, D(today.year, 2, 28), D(today.year, 3, 1), ago(400)):
        candidates = python_families(on)
        for child_ in groups:
            wanted = databank_facts.child_facts(child_, on)  # its brothers and sisters on a register that day
            in_python = [f.id for f, _reason in rules.matches(wanted, candidates, on)]
            in_sql, total = databank_facts.families_for(wanted, on)
            assert [f.id for f in in_sql] == in_python and total == len(in_python), (child_.pk, on)
            # the first few, read in the order of the entries up to the limit, are the same first few
            for limit in (1, 2, 3, 5, 8):
                first, total = databank_facts.families_for(wanted, on, limit=limit)
                assert [f.id for f in first] == in_python[:limit] and total == len(in_python), (child_.pk, on)
            # the eligibility's groups, from the case's rows in SQL, fit the same families
            with connection.cursor() as cursor:
                cursor.execute(
                    f"{contributions.GROUPS.replace('WHERE ' + contributions.FOREIGN, '')} SELECT w.applicant_id "
                    f"FROM grp g JOIN databank_familywishes w ON {contributions.GROUP_FITS} WHERE g.cid = %(child)s",
                    {**contributions.params(cases[child_.pk], on), "child": child_.pk},
                )
                assert sorted(row[0] for row in cursor.fetchall()) == sorted(in_python), (child_.pk, on)
            compared += len(in_python)
    assert compared > 20  # the generated families fit often enough to compare something


def _case_of(child_):
    """A case holding the child (GROUPS reads a case's children)."""
    applicant = make_applicant(child_.district, last_name=f"Holder{child_.pk}")
    return adoption_services.open_case(actor=None, children=[child_], applicants=[applicant], opened_on=ago(1))


@pytest.mark.django_db
def test_a_child_is_matched_and_proposed_only_on_a_day_it_is_on_a_register(api, client, users, district):
    """The matches and a proposal read the child's register history on their day: before its
    primary entry, or after it left the registers (returned to its parents), no family fits it
    and no proposal is recorded (a proposal dated before the child was on a register counted
    for the search for a family in Kazakhstan)."""
    child_ = make_child(district, central_days_ago=10)  # on the primary register 110 days ago
    family_ = registered_family(district, registered_ago=200)
    g = api(users["guardianship"])

    def matched(days_ago):
        answer = g.get(f"/api/v1/children/{child_.pk}/matches/", {"as_of": ago(days_ago).isoformat()})
        assert answer.status_code == 200
        return [m["applicant"] for m in answer.json()["results"]]

    assert matched(111) == []  # the day before its primary entry
    assert matched(110) == matched(109) == [family_.pk]  # the day of, the day after
    url = f"/api/v1/children/{child_.pk}/proposals/"
    early = g.post(url, {"applicant": family_.pk, "proposed_on": ago(111).isoformat()}, format="json")
    assert early.status_code == 400
    assert [(e["field"], e["code"]) for e in early.json()["errors"]] == [("proposed_on", "not_on_a_register")]
    assert g.post(url, {"applicant": family_.pk, "proposed_on": ago(110).isoformat()}, format="json").status_code == 201

    registry_services.deregister(actor=None, child=child_, on=ago(5), reason="returned_to_parents")
    assert matched(6) == [family_.pk] and matched(5) == matched(0) == []
    client.force_login(users["guardianship"])
    page = client.get(f"/children/{child_.pk}/matches/").content.decode()
    assert 'data-family="' not in page and "The child is on no register today" in page


@pytest.mark.django_db
def test_the_brothers_and_sisters_matched_together_are_those_on_a_register_that_day(api, users, district):
    """A sister placed on the register 50 days ago: as of 80 days ago the girl was matched alone
    (a family wishing one child fits her), from the sister's entry the two together (only a
    family taking brothers and sisters fits them)."""
    girl = make_child(district, central_days_ago=10, birth_days_ago=6 * 365)  # primary 110 days ago
    sister, _ = registry_services.create_child(
        actor=None,
        district=district,
        last_name="Kim",
        first_name="Dana",
        sex="F",
        birth_date=ago(5 * 365),
        identified_on=ago(52),
    )
    registry_services.place_on_register(actor=None, child=sister, level="primary", placed_on=ago(50))
    girl.siblings.add(sister)
    one = registered_family(district, last_name="One", registered_ago=200)
    both = registered_family(district, last_name="Both", registered_ago=200, siblings=True, children=2)
    g = api(users["guardianship"])

    def matched(days_ago):
        answer = g.get(f"/api/v1/children/{girl.pk}/matches/", {"as_of": ago(days_ago).isoformat()})
        return [m["applicant"] for m in answer.json()["results"]]

    assert matched(51) == [one.pk, both.pk]  # the day before the sister's entry: the girl alone
    assert matched(50) == matched(0) == [both.pk]  # the day of, and today: the two together


@pytest.mark.django_db
def test_a_family_s_own_agency_sees_the_children_proposed_to_it_without_their_identity(
    client, users, district, other_district
):
    """A family recorded in one district is proposed a child by another (the databank is national).
    Its own agency, which keeps its wishes and counsels it, saw nothing of it: not that an answer
    was awaited, nor that the family declined. It now sees each proposal's date, the proposing
    district and the answer, on its families page and the family's page; never which child (the
    child is the proposing district's), nor the reason of a refusal, which may name it."""
    from tests.factories import UserFactory

    child_ = make_child(district, last_name="Proposedova")
    far = registered_family(other_district, last_name="Far", registered_ago=300)
    own_agency = UserFactory.create(role="guardianship", district=other_district)
    client.force_login(own_agency)
    assert "awaiting the answer" not in client.get("/databank/families/").content.decode()
    proposal = databank_services.propose(actor=None, child=child_, applicant=far, proposed_on=ago(5))
    families = client.get("/databank/families/").content.decode()
    assert "1 awaiting the answer" in families and f'href="/databank/families/{far.pk}/"' in families
    page = client.get(f"/databank/families/{far.pk}/").content.decode()
    assert page.count("Children proposed to this family") == 1  # once, in the page (not in its title)
    assert district.name in page and "awaiting the answer" in page
    databank_services.answer(
        actor=None, proposal=proposal, answer="declined", on=ago(2), reason="Proposedova is too old"
    )
    page = client.get(f"/databank/families/{far.pk}/").content.decode()
    assert "declined" in page  # not its reason, typed by the child's district: it may name the child
    assert "awaiting the answer" not in client.get("/databank/families/").content.decode()
    for shown in (page, families):
        assert "Proposedova" not in shown and f"/children/{child_.pk}/" not in shown and child_.first_name not in shown
    client.force_login(users["guardianship"])  # the child's district: the family is not its to keep
    assert "Children proposed to this family" not in client.get(f"/databank/families/{far.pk}/").content.decode()


def _answers(child_):
    return {p.applicant_id: (p.answer, p.answered_on) for p in Proposal.objects.filter(child=child_)}


@pytest.mark.django_db
def test_a_proposal_the_family_had_not_answered_when_the_child_left_the_registers_is_withdrawn(api, district, users):
    """A child returned to its parents ten days ago. A family proposed it 20 days ago still had a
    day to answer (its time ran out the day after the child left): its proposal is withdrawn on
    the day the child left, not recorded as "no answer in time", which said the family let the
    child go. A family whose time ran out on that very day did not answer in time, and a family
    that declined declined: both stay. The sweep lapses nothing once withdrawn, and an answer
    recorded late is refused (409 proposal_withdrawn). Until session 52
    each such proposal stayed pending, then lapsed as no answer."""
    from core.models import AuditEvent

    child_ = make_child(district)
    day_after, same_day, declined = (registered_family(district, last_name=n) for n in ("After", "Same", "Declined"))
    databank_services.propose(actor=None, child=child_, applicant=same_day, proposed_on=ago(21))  # no answer: ago(10)
    databank_services.propose(actor=None, child=child_, applicant=day_after, proposed_on=ago(20))  # no answer: ago(9)
    refusal = databank_services.propose(actor=None, child=child_, applicant=declined, proposed_on=ago(25))
    databank_services.answer(actor=None, proposal=refusal, answer="declined", on=ago(22), reason="too far")
    assert deadlines.sweep_proposals(on=ago(10)) == {"no_answer": 1}
    registry_services.deregister(actor=users["guardianship"], child=child_, on=ago(10), reason="returned_to_parents")
    assert _answers(child_) == {
        same_day.pk: ("no_answer", ago(10)),
        day_after.pk: ("withdrawn", ago(10)),
        declined.pk: ("declined", ago(22)),
    }
    assert deadlines.sweep_proposals(on=ago(0)) == {"no_answer": 0}
    assert _answers(child_)[day_after.pk] == ("withdrawn", ago(10))
    withdrawn = Proposal.objects.get(applicant=day_after)
    url = f"/api/v1/children/{child_.pk}/proposals/{withdrawn.pk}/answer/"
    late = api(users["guardianship"]).post(url, {"answer": "declined", "on": ago(0).isoformat(), "reason": "late"})
    assert late.status_code == 409 and late.json()["errors"][0]["code"] == "proposal_withdrawn"
    assert "withdrawn on" in late.json()["errors"][0]["message"]
    event = AuditEvent.objects.get(verb="withdraw_proposal")
    assert (event.actor, event.subject_type, event.subject_id) == (
        users["guardianship"],
        "registry.child",
        str(child_.pk),
    )
    assert (cast(dict, event.before)["answer"], cast(dict, event.after)["answer"]) == ("pending", "withdrawn")
    assert not Reminder.objects.filter(kind="proposal_no_answer", done_at__isnull=True).exists()


@pytest.mark.django_db
def test_a_proposal_due_before_the_child_left_lapses_and_no_one_is_asked_to_propose_the_child(district):
    """The family's time ran out before the child went home, and the sweep had not yet run: the
    proposal lapses as no answer (on its day), and the district is not asked to propose a child
    who is off the registers (until session 52 the sweep asked it)."""
    child_ = make_child(district)
    family_ = registered_family(district)
    databank_services.propose(actor=None, child=child_, applicant=family_, proposed_on=ago(30))  # no answer: ago(19)
    registry_services.deregister(actor=None, child=child_, on=ago(5), reason="returned_to_parents")
    assert deadlines.sweep_proposals(on=ago(0)) == {"no_answer": 0}  # (the reminders created)
    assert _answers(child_) == {family_.pk: ("no_answer", ago(19))}
    assert not Reminder.objects.filter(kind="proposal_no_answer").exists()


@pytest.mark.django_db
def test_a_leaving_recorded_late_withdraws_the_proposals_that_lapsed_or_were_made_after_it(district):
    """The district records today that the child went home ten days ago. A proposal whose time ran
    out nine days ago, the day after, lapsed meanwhile as no answer: it is withdrawn on the day the
    child left. One made five days ago, while the child was in fact at home, is withdrawn on the
    day it was made. A proposal answered in time before the child left keeps its lapse."""
    child_ = make_child(district)
    lapsed, later, before = (registered_family(district, last_name=n) for n in ("Lapsed", "Later", "Before"))
    databank_services.propose(actor=None, child=child_, applicant=before, proposed_on=ago(30))  # no answer: ago(19)
    databank_services.propose(actor=None, child=child_, applicant=lapsed, proposed_on=ago(20))  # no answer: ago(9)
    databank_services.propose(actor=None, child=child_, applicant=later, proposed_on=ago(5))
    assert deadlines.sweep_proposals(on=ago(0)) == {"no_answer": 2}
    registry_services.deregister(actor=None, child=child_, on=ago(10), reason="returned_to_parents")
    assert _answers(child_) == {
        before.pk: ("no_answer", ago(19)),
        lapsed.pk: ("withdrawn", ago(10)),
        later.pk: ("withdrawn", ago(5)),
    }


@pytest.mark.django_db
def test_back_on_the_registers_the_child_is_proposed_again_and_the_domestic_search_asks_the_family_again(
    api, client, users, district
):
    """A family proposed the child had not answered when the child went home; the child came back
    to the registers, and a foreign couple applies. The family was not asked: the search for a
    family in Kazakhstan fails until it is proposed the child again, and waits for its answer
    (before session 52 its lapsed proposal counted as a refusal, and the check passed). The
    district proposes it again from the child's page, once (a second time is refused)."""
    child_ = make_child(district, birth_days_ago=4 * 365 + 30)
    family_ = registered_family(district, last_name="Homeward", registered_ago=300)
    databank_services.propose(actor=None, child=child_, applicant=family_, proposed_on=ago(60))  # no answer: ago(49)
    registry_services.deregister(actor=None, child=child_, on=ago(55), reason="returned_to_parents")
    registry_services.place_on_register(actor=None, child=child_, level="primary", placed_on=ago(40))
    deadlines.sweep_proposals(on=ago(0))
    assert _answers(child_) == {family_.pk: ("withdrawn", ago(55))}
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Husband")]
    case = adoption_services.open_case(actor=None, children=[child_], applicants=couple, opened_on=ago(30))
    g = api(users["guardianship"])

    def preference(on):
        checks = g.get(f"/api/v1/cases/{case.pk}/eligibility/", {"as_of": on.isoformat()}).json()["checks"]
        return next(c for c in checks if c["code"] == "DOMESTIC_PREFERENCE")

    assert preference(ago(56))["status"] == "pending"  # the day before the child left: an answer awaited
    for on in (ago(55), ago(0)):  # the day it left, and since: the family was not asked
        assert preference(on)["status"] == "fail"
        assert f"were not proposed the child (applicant #{family_.pk})" in preference(on)["detail"]
    client.force_login(users["guardianship"])
    page = client.get(f"/children/{child_.pk}/matches/").content.decode()
    assert "withdrawn: the child left the registers" in page and "Propose the child again" in page
    assert client.post(f"/children/{child_.pk}/matches/", {"applicant": family_.pk}).status_code == 302
    assert Proposal.objects.filter(child=child_, applicant=family_, answer="pending", proposed_on=ago(0)).exists()
    page = client.get(f"/children/{child_.pk}/matches/").content.decode()
    assert "Propose the child again" not in page and "awaiting the answer" in page
    earlier = page[page.index("Earlier proposals") :]  # the first, kept in the child's file
    assert "withdrawn: the child left the registers" in earlier and "Homeward" in earlier
    url = f"/api/v1/children/{child_.pk}/proposals/"
    again = g.post(url, {"applicant": family_.pk, "proposed_on": ago(0).isoformat()}, format="json")
    assert (again.status_code, again.json()["errors"][0]["code"]) == (409, "already_proposed")
    assert preference(ago(0))["status"] == "pending"
    databank_services.answer(
        actor=None, proposal=Proposal.objects.get(answer="pending"), answer="declined", on=ago(0), reason="a boy"
    )
    assert preference(ago(0))["status"] == "pass"


@pytest.mark.django_db
def test_the_proposals_left_unanswered_by_a_child_off_the_registers_are_withdrawn_by_the_migration(district):
    """A database of session 51: proposals stayed pending, then lapsed as no answer, after the
    child left the registers. check_consistency reports those awaiting an answer; the migration
    withdraws each whose answer was due after the child left (with the system's event), and only
    those: not one due on the day the child left, nor one made after the child came back."""
    import io

    from django.core.management import CommandError, call_command

    from core.models import AuditEvent

    home, back, stays = (make_child(district, last_name=n) for n in ("Home", "Back", "Stays"))
    first, second = registered_family(district, last_name="First"), registered_family(district, last_name="Second")
    for child_ in (home, back, stays):
        databank_services.propose(actor=None, child=child_, applicant=first, proposed_on=ago(30))  # no answer: ago(19)
    databank_services.propose(actor=None, child=home, applicant=second, proposed_on=ago(25))  # no answer: ago(14)
    for child_, left in ((home, ago(20)), (back, ago(19))):  # as before: the proposals left as they were
        with patch.object(registry_services.contributions, "leave_hooks", []):
            registry_services.deregister(actor=None, child=child_, on=left, reason="returned_to_parents")
    registry_services.place_on_register(actor=None, child=back, level="primary", placed_on=ago(10))
    databank_services.propose(actor=None, child=back, applicant=second, proposed_on=ago(5))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_consistency", stdout=io.StringIO(), stderr=out)
    assert out.getvalue().count(f"awaits an answer, though child #{home.pk} left the registers") == 2
    assert f"child #{back.pk} left" not in out.getvalue()  # back on them
    deadlines.sweep_proposals(on=ago(0))  # the lapse of those still pending, as the beat did
    assert _answers(home) == {first.pk: ("no_answer", ago(19)), second.pk: ("no_answer", ago(14))}
    migration = import_module("databank.migrations.0007_proposals_withdrawn_when_the_child_leaves")
    migration.withdraw(django_apps, None)
    assert _answers(home) == {first.pk: ("withdrawn", ago(20)), second.pk: ("withdrawn", ago(20))}
    assert _answers(back) == {first.pk: ("no_answer", ago(19)), second.pk: ("pending", None)}
    assert _answers(stays) == {first.pk: ("no_answer", ago(19))}
    events = AuditEvent.objects.filter(verb="withdraw_proposal", actor_role="system")
    assert sorted(events.values_list("subject_id", flat=True)) == [str(home.pk)] * 2
    out = io.StringIO()
    call_command("check_consistency", stdout=out)
    assert "consistent" in out.getvalue()
