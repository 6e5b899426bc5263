"""An appeal against a refused decision (RULES v2 §6): the refusal closes its case at once, but an
appeal filed within the term holds it out of force; upheld, the refusal enters into force on the
appeal's day; reversed, the appeal court grants the adoption, in force on its day, if the case is
still eligible then. Until session 46 no appeal of a refusal could be recorded (409), so an
adoption granted on appeal could not be entered at all."""

import datetime

import pytest

from adoption import services
from adoption.models import Adoption, Case, Decision, Referral
from core.dates import right_arises
from core.errors import ConflictError, Forbidden, RuleError
from core.models import AuditEvent
from registry import services as registry_services
from registry.models import Child
from reports.queries import adoptions_in_period
from tests.adoption.conftest import ago, complete_file, make_applicant, make_child
from tests.adoption.test_law_in_force import checks, to_decision, under_the_age_gap

pytestmark = pytest.mark.django_db


def refused(api, users, case, court, *, decided=40, **decision):
    response = to_decision(api(users["guardianship"]), api(users["court"]), case, court, decided=decided, **decision)
    assert response.status_code == 201, response.json()
    return api(users["court"])


def appeal(client, case, **body):
    return client.post(
        f"/api/v1/cases/{case.pk}/appeal/",
        {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in body.items()},
        format="json",
    )


def test_a_refusal_reversed_on_appeal_grants_the_adoption_in_force_on_the_appeals_day(api, users, foreign_case, court):
    c = refused(api, users, foreign_case, court, decided=20, outcome="refused")
    assert Case.objects.get(pk=foreign_case.pk).closed_reason == "refused"
    response = appeal(c, foreign_case, filed_on=ago(15), decided_on=ago(2), outcome="reversed")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=foreign_case.pk)
    assert (case.status, case.closed_reason, case.closed_on) == ("in_force", "", None)
    decision = Decision.objects.get(case=case)
    assert (decision.outcome, decision.in_force_on, decision.grants) == ("refused", ago(2), True)  # the first court's
    child = Child.objects.get(pk=foreign_case.child_links.get().child_id)
    assert (child.status, child.deregistration_reason, child.deregistered_on, child.sealed_on) == (
        "deregistered",
        "adopted",
        ago(2),
        ago(2),
    )
    assert Adoption.objects.get().child_id == child.pk
    assert registry_services.decided_on(child) == ago(2)  # its grounds and consents are closed from then
    file = api(users["guardianship"]).get(f"/api/v1/cases/{case.pk}/").json()
    assert file["status"] == "in_force" and file["decision"]["appeal"]["outcome"] == "reversed"
    assert (file["decision"]["outcome"], file["decision"]["granted_on"]) == ("refused", ago(2).isoformat())
    assert AuditEvent.objects.filter(verb="record_appeal", object_type="adoption.case").exists()
    assert adoptions_in_period(users["ministry"], ago(2), ago(2)).count() == 1  # the adoption counts on its day
    assert adoptions_in_period(users["ministry"], ago(20), ago(3)).count() == 0
    abroad = api(users["consular"]).get("/api/v1/adopted-children/").json()["results"]  # its follow-up begins
    assert [(a["adoption"]["decided_on"], a["adoption"]["in_force_on"]) for a in abroad] == [
        (ago(2).isoformat(), ago(2).isoformat())  # granted by the appeal court: the refusal is not its decision
    ], abroad
    court_work = {line["kind"] for line in api(users["court"]).get("/api/v1/work/").json()["results"]}
    assert "civil_registration_due" in court_work  # MFA art. 77, as for any adoption in force


def test_an_appeal_of_a_refusal_is_filed_within_the_term_and_holds_it_out_of_force(api, users, foreign_case, court):
    c = refused(api, users, foreign_case, court, decided=38, outcome="refused", final_form_on=ago(35).isoformat())
    expected = right_arises(ago(35), 1)
    late = appeal(c, foreign_case, filed_on=expected)  # the day the term expired: too late
    assert late.status_code == 400 and late.json()["errors"][0]["code"] == "outside_appeal_term"
    last_day = expected - datetime.timedelta(days=1)
    assert appeal(c, foreign_case, filed_on=last_day).status_code == 201
    assert Case.objects.get(pk=foreign_case.pk).status == "closed"  # pending: still refused, not in force
    work = {line["kind"]: line for line in c.get("/api/v1/work/").json()["results"]}
    assert work["appeal_due"]["url"] == f"/cases/{foreign_case.pk}/"
    held = c.patch(f"/api/v1/cases/{foreign_case.pk}/decision/", {"in_force_on": ago(0).isoformat()}, format="json")
    assert held.status_code == 409 and held.json()["errors"][0]["code"] == "appeal_pending"
    upheld = appeal(c, foreign_case, filed_on=last_day, decided_on=ago(0), outcome="upheld")
    assert upheld.status_code == 201, upheld.json()
    case = Case.objects.get(pk=foreign_case.pk)
    assert (case.status, case.closed_reason, case.decision.in_force_on) == ("closed", "refused", ago(0))
    assert not Adoption.objects.exists() and Child.objects.get().status == "registered"
    assert registry_services.decided_on(Child.objects.get()) is None  # refused: its grounds stay open
    again = appeal(c, foreign_case, filed_on=last_day, decided_on=ago(0), outcome="reversed")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "in_force"
    assert "appeal_due" not in {line["kind"] for line in c.get("/api/v1/work/").json()["results"]}


def test_while_a_refusal_is_under_appeal_no_other_case_of_the_child_goes_before_a_court(
    api, users, foreign_case, court
):
    """The child's matter is before the appeal court: another case for it fails NO_COMPETING_ADOPTION
    from the filing day until the appeal's day (upheld: free again; reversed: granted)."""
    g = api(users["guardianship"])
    child = foreign_case.child_links.get().child
    family = [make_applicant(foreign_case.district, last_name="Lee"), make_applicant(foreign_case.district, sex="M")]
    other = services.open_case(actor=None, children=[child], applicants=family, opened_on=ago(60))
    complete_file(other, [child], family)
    c = refused(api, users, foreign_case, court, decided=20, outcome="refused")
    assert checks(g, other)[0]["NO_COMPETING_ADOPTION"]["status"] == "pass"  # refused: free
    assert appeal(c, foreign_case, filed_on=ago(10)).status_code == 201
    for days, status in ((11, "pass"), (10, "fail"), (0, "fail")):  # the day before the filing, its day, today
        found, _ = checks(g, other, as_of=ago(days).isoformat())
        assert found["NO_COMPETING_ADOPTION"]["status"] == status, (days, found["NO_COMPETING_ADOPTION"])
    assert "before a court" in checks(g, other)[0]["NO_COMPETING_ADOPTION"]["detail"]
    assert appeal(c, foreign_case, filed_on=ago(10), decided_on=ago(3), outcome="reversed").status_code == 201
    for days, status in ((4, "fail"), (3, "fail"), (2, "fail")):  # before a court, then granted
        found, _ = checks(g, other, as_of=ago(days).isoformat())
        assert found["NO_COMPETING_ADOPTION"]["status"] == status
    assert "already granted" in checks(g, other, as_of=ago(3).isoformat())[0]["NO_COMPETING_ADOPTION"]["detail"]
    assert Case.objects.get(pk=other.pk).status == "closed"  # the adoption in force closed it


def test_a_reversal_finds_the_case_eligible_on_its_day_or_changes_nothing(api, users, foreign_case, court):
    c = refused(api, users, foreign_case, court, decided=20, outcome="refused")
    child = foreign_case.child_links.get().child
    registry_services.deregister(actor=None, child=child, on=ago(5), reason="returned_to_parents")
    refusal = appeal(c, foreign_case, filed_on=ago(15), decided_on=ago(2), outcome="reversed")
    assert refusal.status_code == 400 and refusal.json()["action"] == "appeal", refusal.json()
    assert "CHILD_ADOPTABLE" in [e["code"] for e in refusal.json()["errors"]]
    case = Case.objects.get(pk=foreign_case.pk)
    assert (case.status, case.closed_reason) == ("closed", "refused") and not Adoption.objects.exists()
    assert not hasattr(Decision.objects.get(case=case), "appeal")


def test_only_a_refusal_or_a_grant_not_in_force_is_appealed_and_only_a_grant_reduces_the_age_gap(
    api, users, foreign_case, court, district
):
    g = api(users["guardianship"])
    withdrawn = services.open_case(
        actor=None, children=[make_child(district)], applicants=[make_applicant(district)], opened_on=ago(30)
    )
    assert (
        g.post(f"/api/v1/cases/{withdrawn.pk}/withdraw/", {"on": ago(1).isoformat()}, format="json").status_code == 200
    )
    c = refused(api, users, foreign_case, court, decided=20)  # granted
    with pytest.raises(ConflictError) as closed:  # (the court does not see a case never referred to it)
        services.record_appeal(actor=None, case=Case.objects.get(pk=withdrawn.pk), filed_on=ago(1))
    assert closed.value.errors[0].code == "illegal_transition"
    reduced = appeal(
        c,
        foreign_case,
        filed_on=ago(10),
        decided_on=ago(1),
        outcome="upheld",
        age_gap_reduced=True,
        age_gap_reason="The court said so.",
    )
    assert reduced.status_code == 400 and reduced.json()["errors"][0]["code"] == "not_granted"
    assert Decision.objects.get(case=foreign_case).in_force_on is None


def test_a_refusal_reversed_for_applicants_under_the_age_gap_states_the_reduction(api, users, district, court):
    case = under_the_age_gap(district)
    c = refused(api, users, case, court, decided=10, outcome="refused")
    silent = appeal(c, case, filed_on=ago(5), decided_on=ago(1), outcome="reversed")
    assert silent.status_code == 400 and silent.json()["errors"][0]["code"] == "age_gap_not_reduced"
    unreasoned = appeal(c, case, filed_on=ago(5), decided_on=ago(1), outcome="reversed", age_gap_reduced=True)
    assert unreasoned.status_code == 400 and unreasoned.json()["errors"][0]["field"] == "age_gap_reason"
    assert Case.objects.get(pk=case.pk).status == "closed"
    reason = "The applicant is the child's aunt and has raised her since birth."
    granted = appeal(
        c, case, filed_on=ago(5), decided_on=ago(1), outcome="reversed", age_gap_reduced=True, age_gap_reason=reason
    )
    assert granted.status_code == 201, granted.json()
    decision = Decision.objects.get(case=case)
    assert (decision.age_gap_reduced, decision.age_gap_reason, decision.case.status) == (True, reason, "in_force")


def test_the_appeal_courts_grant_gives_the_child_its_new_identity(api, users, district, court, us_post):
    """As a granted decision does (RULES v2 §6): the refusal gave none, so only the appeal can."""
    child = make_child(district, last_name="Oldname")
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Husband")]
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    complete_file(case, [child], couple)
    c = refused(api, users, case, court, decided=20, outcome="refused")
    decided = {"filed_on": ago(15), "decided_on": ago(2)}
    too_far = {"birth_date": (child.birth_date - datetime.timedelta(days=200)).isoformat()}
    moved = appeal(c, case, **decided, outcome="reversed", new_identity=too_far)
    assert moved.status_code == 400 and moved.json()["errors"][0]["field"] == "new_identity.birth_date"
    upheld = appeal(c, case, **decided, outcome="upheld", new_identity={"last_name": "Smith"})
    assert upheld.status_code == 400 and upheld.json()["errors"][0]["code"] == "not_granted"
    assert Case.objects.get(pk=case.pk).status == "closed" and not hasattr(Decision.objects.get(case=case), "appeal")
    new = {"last_name": "Smith", "first_name": "Julia"}
    assert appeal(c, case, **decided, outcome="reversed", new_identity=new).status_code == 201
    shown = api(users["guardianship"]).get(f"/api/v1/children/{child.pk}/").json()
    assert (shown["last_name"], shown["first_name"], shown["sealed"]) == ("Smith", "Julia", True)
    consular = api(users["consular"]).get(f"/api/v1/adopted-children/{child.pk}/").json()
    assert "Oldname" not in str(consular) and "Smith" in str(consular)


def test_the_consistency_check_holds_an_adoption_to_a_decision_that_stands_granted(
    api, users, foreign_case, court, capsys
):
    from django.core.management import call_command

    from adoption.models import Appeal

    c = refused(api, users, foreign_case, court, decided=20, outcome="refused")
    assert appeal(c, foreign_case, filed_on=ago(15), decided_on=ago(2), outcome="reversed").status_code == 201
    call_command("check_consistency")
    assert capsys.readouterr().out.strip().endswith("consistent")  # a refusal reversed: its adoption stands
    Appeal.objects.update(outcome="upheld")  # bypassing the services: the refusal stands, not the adoption
    with pytest.raises(Exception, match="consistency problem"):
        call_command("check_consistency")
    assert "an adoption row belongs to a decision that does not stand granted" in capsys.readouterr().err


# --- a refusal's dates entered wrongly --------------------------------------------------------------


def test_a_refusal_entered_on_a_wrong_day_is_corrected_so_that_its_appeal_is_recorded(api, users, foreign_case, court):
    """The refusal of 20 days ago typed as of 40 days ago: its appeal, filed within the real term, was
    refused as late, and the reversal of the appeal court could never be entered. Until session 47 only
    a grant's dates could be corrected."""
    c = refused(api, users, foreign_case, court, decided=40, outcome="refused")  # heard 40 days ago too
    late = appeal(c, foreign_case, filed_on=ago(5))
    assert late.status_code == 400 and late.json()["errors"][0]["code"] == "outside_appeal_term"
    with pytest.raises(Forbidden):  # the court's record
        services.correct_decision(actor=users["guardianship"], case=foreign_case, decided_on=ago(20), reason="typo")
    services.correct_decision(actor=users["court"], case=foreign_case, decided_on=ago(20), reason="typed 40 for 20")
    case = Case.objects.get(pk=foreign_case.pk)
    assert (case.status, case.closed_reason, case.closed_on) == ("closed", "refused", ago(20))  # closed on its day
    assert (case.decision.decided_on, case.decision.final_form_on) == (ago(20), ago(20))
    events = AuditEvent.objects.filter(verb="correct_decision").order_by("id")
    assert [(e.object_type, e.before and e.before.get("closed_on")) for e in events] == [
        ("adoption.decision", None),
        ("adoption.case", ago(40).isoformat()),
    ]
    assert events[0].purpose == "typed 40 for 20"
    assert appeal(c, foreign_case, filed_on=ago(5), decided_on=ago(1), outcome="reversed").status_code == 201
    assert Case.objects.get(pk=foreign_case.pk).status == "in_force"


def test_a_refusal_in_force_or_a_case_closed_otherwise_has_no_dates_to_correct(api, users, foreign_case, court):
    c = refused(api, users, foreign_case, court, decided=40, outcome="refused", in_force_on=ago(1).isoformat())
    with pytest.raises(ConflictError) as in_force:
        services.correct_decision(actor=users["court"], case=foreign_case, decided_on=ago(39), reason="a typo")
    assert (in_force.value.errors[0].field, in_force.value.errors[0].code) == ("decided_on", "in_force")
    assert Decision.objects.get(case=foreign_case).decided_on == ago(40)
    assert c.get(f"/api/v1/cases/{foreign_case.pk}/").json()["decision"]["decided_on"] == ago(40).isoformat()
    Case.objects.filter(pk=foreign_case.pk).update(closed_reason="withdrawn")  # a closed case that is no refusal
    with pytest.raises(ConflictError) as withdrawn:
        services.correct_decision(actor=users["court"], case=foreign_case, decided_on=ago(39), reason="a typo")
    assert withdrawn.value.errors[0].code == "illegal_transition"


def test_a_refusal_is_not_moved_past_the_day_another_case_of_the_child_went_before_a_court(
    api, users, foreign_case, court
):
    """Another case of the child referred 30 days ago was judged with the refusal of 40 days ago:
    dated the 29th, the refusal would have kept its case before a court that day (NO_COMPETING_ADOPTION)."""
    g = api(users["guardianship"])
    child = foreign_case.child_links.get().child
    family = [make_applicant(foreign_case.district, last_name="Lee")]
    other = services.open_case(actor=None, children=[child], applicants=family, opened_on=ago(60))
    complete_file(other, [child], family)
    refused(api, users, foreign_case, court, decided=40, outcome="refused")
    Referral.objects.create(case=other, court=court, on=ago(30))  # its own checks are another test's
    Case.objects.filter(pk=other.pk).update(status="referred")
    with pytest.raises(RuleError) as refusal:
        services.correct_decision(actor=users["court"], case=foreign_case, decided_on=ago(29), reason="a typo")
    assert (refusal.value.errors[0].field, refusal.value.errors[0].code) == ("decided_on", "other_case_before_court")
    assert f"#{other.pk}" in str(refusal.value.errors[0].message)
    assert Case.objects.get(pk=foreign_case.pk).closed_on == ago(40)
    services.correct_decision(actor=users["court"], case=foreign_case, decided_on=ago(30), reason="a typo")
    found, _ = checks(g, other, as_of=ago(30).isoformat())  # closed the day the other case was referred: free
    assert found["NO_COMPETING_ADOPTION"]["status"] == "pass", found["NO_COMPETING_ADOPTION"]
    found, _ = checks(g, other, as_of=ago(31).isoformat())
    assert found["NO_COMPETING_ADOPTION"]["status"] == "fail"  # the day before, the refused case was before it
    services.correct_decision(actor=users["court"], case=foreign_case, decided_on=ago(35), reason="earlier")
    assert Case.objects.get(pk=foreign_case.pk).closed_on == ago(35)  # earlier frees the child sooner: allowed


def test_the_refused_case_page_offers_the_court_the_correction(client, api, users, foreign_case, court):
    refused(api, users, foreign_case, court, decided=40, outcome="refused")
    client.force_login(users["court"])
    page = client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert "Correct the decision&#x27;s dates (not yet in force)" in page
    done = client.post(
        f"/cases/{foreign_case.pk}/correct-decision/", {"decided_on": ago(20).isoformat(), "reason": "a typo"}
    )
    assert done.status_code == 302
    assert Case.objects.get(pk=foreign_case.pk).closed_on == ago(20)
    client.force_login(users["guardianship"])
    assert "Correct the decision" not in client.get(f"/cases/{foreign_case.pk}/").content.decode()
