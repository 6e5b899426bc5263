"""The facts loader: everything the eligibility rules read about a case, loaded whole in a fixed
number of queries, in a fixed order (the rules' tests build facts by hand; this pins the loader)."""

import datetime
from decimal import Decimal

import pytest

from adoption import facts as facts_loader
from adoption import services
from adoption.facts import load_case_facts
from adoption.models import Case, CaseChild
from adoption.rules import (
    ApplicantFacts,
    ConsentFacts,
    ContactFacts,
    DocumentFacts,
    OtherCaseFacts,
    RegistrationFacts,
)
from core.models import Citation, Policy
from registry import sealing
from registry import services as registry_services
from registry.models import Child
from registry.rules import ConsentFact, Entry, GroundFact

from .conftest import adopt_abroad, ago, make_applicant, make_child

pytestmark = pytest.mark.django_db


def test_the_loader_reads_every_fact_of_a_case_in_order(district, court, django_assert_max_num_queries):
    older = make_child(district, birth_days_ago=12 * 365, last_name="Older")
    younger = make_child(district, birth_days_ago=3 * 365, last_name="Younger")
    sibling_on_register = make_child(district, last_name="Sibling")
    sibling_off = make_child(district, last_name="Gone")
    registry_services.deregister(actor=None, child=sibling_off, on=ago(5), reason="returned_to_parents")
    older.siblings.add(younger, sibling_on_register, sibling_off)
    registry_services.add_ground(
        actor=None,
        child=older,
        parent="mother",
        ground="deprived_of_parental_rights",
        documents=[
            {
                "kind": "court_decision",
                "number": "D-1",
                "date": ago(400),
                "in_force_on": ago(380),
                "issued_by": "Court",
            },
        ],
    )
    Child.objects.filter(pk=younger.pk).update(citizenship="RU")
    wife, husband = make_applicant(district), make_applicant(district, sex="M", last_name="Husband")
    services.register_applicant(
        actor=None,
        applicant=wife,
        register="foreign_adopters",
        number="F-9",
        registered_on=ago(120),
        valid_until=ago(-200),
    )
    from adoption.models import Applicant

    Applicant.objects.filter(pk=husband.pk).update(barring_facts=["removed_as_guardian"])
    registry_services.record_parental_consent(
        actor=None,
        child=older,
        parent="father",
        given_on=ago(300),
        form="notarised",
        names_applicants=[wife.pk, husband.pk],
        document={"number": "N-1", "date": ago(300), "issued_by": "Notary"},
    )
    case = services.open_case(
        actor=None, children=[younger, older], applicants=[husband, wife], opened_on=ago(100), kind="guardian"
    )
    CaseChild.objects.filter(case=case, child=younger).update(is_relative=True)  # the flag is read per child
    services.add_document(
        actor=None,
        case=case,
        kind="medical_certificate",
        applicant=wife,
        issued_on=ago(20),
        issuer="Clinic",
        conditions=["tuberculosis"],
    )
    services.add_document(actor=None, case=case, kind="application", issued_on=ago(90), issuer="the applicants")
    services.add_document(
        actor=None,
        case=case,
        kind="marriage_certificate",
        named_applicants=[wife.pk, husband.pk],
        issued_on=ago(95),
        issuer="Registry",
    )
    services.add_document(
        actor=None,
        case=case,
        kind="income_statement",
        applicant=husband,
        amount=123456,
        household_size=3,
        issued_on=ago(85),
        issuer="Employer",
    )
    services.add_document(
        actor=None, case=case, kind="kinship_proof", child=younger, issued_on=ago(88), issuer="Registry"
    )
    services.record_contact(actor=None, case=case, applicant=wife, child=older, on=ago(30))
    services.record_contact(actor=None, case=case, applicant=husband, child=younger, on=ago(40))
    consent = services.record_consent(actor=None, case=case, child=older, given_on=ago(10))
    services.withdraw_consent(actor=None, consent=consent, on=ago(2))
    services.record_domestic_search(actor=None, case=case, completed_on=ago(50), outcome="no_candidates")
    other = services.open_case(
        actor=None, children=[older], applicants=[make_applicant(district, last_name="Other")], opened_on=ago(60)
    )
    Case.objects.filter(pk=other.pk).update(closed_on=ago(1))
    Policy.objects.update_or_create(effective_from=None, defaults={"subsistence_minimum": 10})
    Policy.objects.create(effective_from=ago(5), subsistence_minimum=99_000, adopter_certificate_validity_months=6)
    Citation.objects.update_or_create(code="CHILD_MINOR", defaults={"basis": "CMF art. 78"})

    with django_assert_max_num_queries(21):  # and the databank's three (the search for a family)
        facts = load_case_facts(Case.objects.get(pk=case.pk), ago(10))

    older, younger = Child.objects.get(pk=older.pk), Child.objects.get(pk=younger.pk)
    assert (facts.id, facts.category, facts.kind, facts.opened_on) == (case.pk, case.category, "guardian", ago(100))
    assert [c.id for c in facts.children] == sorted([older.pk, younger.pk])
    by_id = {c.id: c for c in facts.children}
    assert (by_id[older.pk].birth_date, by_id[older.pk].is_relative, by_id[younger.pk].is_relative) == (
        older.birth_date,
        False,
        True,
    )
    assert (by_id[older.pk].citizenship, by_id[younger.pk].citizenship) == ("KZ", "RU")
    assert by_id[older.pk].name == sealing.shown_name(older)  # as the pages name the child
    assert by_id[older.pk].consents == (ConsentFact("father", ago(300), tuple(sorted([wife.pk, husband.pk])), None),)
    assert by_id[younger.pk].consents == ()
    assert by_id[older.pk].entries == tuple(
        Entry(e.level, e.on, e.reason) for e in older.register_entries.order_by("on", "id")
    )
    assert len(by_id[older.pk].entries) == 3
    assert by_id[older.pk].grounds == (
        GroundFact("both", "parents_unknown", (("certificate", older.identified_on, None),)),
        GroundFact(
            "mother",
            "deprived_of_parental_rights",
            (("court_decision", ago(400), ago(380)),),
        ),
    )
    assert by_id[older.pk].siblings_on_register == (
        sibling_on_register.pk,
    )  # not the one in the case, nor the one off the registers
    assert by_id[older.pk].sibling_names == (sealing.shown_name(sibling_on_register),)
    assert facts.applicants == tuple(
        ApplicantFacts(
            a.pk,
            a.sex,
            a.birth_date,
            a.citizenship,
            a.residence_country,
            a.marital_status,
            a.foreign_register_number,
            a.foreign_registered_on,
            barring_facts=("removed_as_guardian",) if a == husband else (),
            registrations=(RegistrationFacts("foreign_adopters", ago(120), ago(-200)),) if a == wife else (),
            name=a.name,
        )
        for a in sorted([wife, husband], key=lambda a: a.pk)
    )
    assert facts.documents == (
        DocumentFacts("marriage_certificate", ago(95), named_applicants=tuple(sorted([wife.pk, husband.pk]))),
        DocumentFacts("application", ago(90)),
        DocumentFacts("kinship_proof", ago(88), child_id=younger.pk),
        DocumentFacts("income_statement", ago(85), husband.pk, amount=Decimal("123456.00"), household_size=3),
        DocumentFacts("medical_certificate", ago(20), wife.pk, conditions=("tuberculosis",)),
    )
    assert facts.contacts == (ContactFacts(husband.pk, younger.pk, ago(40)), ContactFacts(wife.pk, older.pk, ago(30)))
    assert facts.consents == (ConsentFacts(older.pk, ago(10), ago(2)),)
    assert facts.domestic_searches == (ago(50),)
    assert facts.other_cases == (OtherCaseFacts(other.pk, older.pk, other.category, ago(60), closed_on=ago(1)),)
    # the parameters in effect on as_of (ago(10)): the first version, not the one from ago(5) (RULES v2 §10)
    assert (facts.policy.subsistence_minimum, facts.policy.adopter_certificate_validity_months) == (10, 12)
    assert load_case_facts(case, ago(5)).policy.subsistence_minimum == 99_000
    assert facts.policy.barring_conditions == tuple(Policy.on(ago(10)).barring_conditions)
    assert facts.citations["CHILD_MINOR"] == "CMF art. 78"  # the ministry's correction reaches every check


def test_a_referral_and_a_decision_of_another_case_are_in_its_facts(district, court):
    child = make_child(district)
    mine = services.open_case(
        actor=None,
        children=[child],
        applicants=[make_applicant(district, citizenship="KZ", residence="KZ")],
        opened_on=ago(30),
    )
    other_case, other_child = adopt_abroad(district, court)
    CaseChild.objects.create(case=mine, child=other_child)  # the adopted child joins our case
    facts = load_case_facts(mine, ago(0))
    (other,) = facts.other_cases
    decision = other_case.decision
    assert (other.id, other.child_id, other.referred_on, other.decided_on, other.outcome) == (
        other_case.pk,
        other_child.pk,
        other_case.referrals.get().on,
        decision.decided_on,
        "granted",
    )
    assert isinstance(other.referred_on, datetime.date)


@pytest.mark.parametrize("days_ago", [6, 5, 4])  # the day before a new version, its first day, the day after
def test_the_policy_read_with_the_facts_is_the_one_in_effect(district, court, days_ago):
    """The facts' pipeline reads the policy with the ORM's own query (`Policy.in_effect`) and makes
    it as the ORM would: every field equal to `Policy.on`'s, JSON and empty ones included."""
    Policy.objects.update_or_create(effective_from=None, defaults={"subsistence_minimum": None})
    Policy.objects.create(effective_from=ago(5), subsistence_minimum=99_000, monitoring_schedule=[{"months": 6}])
    case, _child = adopt_abroad(district, court, in_force=False)
    _facts, policy, _rows = facts_loader._load_all(case, ago(days_ago), with_warnings=True)
    expected = Policy.on(ago(days_ago))
    assert policy.effective_from == (ago(5) if days_ago <= 5 else None)
    assert {f.attname: getattr(policy, f.attname) for f in Policy._meta.concrete_fields} == {
        f.attname: getattr(expected, f.attname) for f in Policy._meta.concrete_fields
    }


def test_with_no_policy_yet_the_first_is_created_with_its_defaults(district, court):
    case, _child = adopt_abroad(district, court, in_force=False)
    Policy.objects.all().delete()
    _facts, policy, _rows = facts_loader._load_all(case, ago(0), with_warnings=True)
    assert policy.pk == Policy.objects.get(effective_from=None).pk and policy.appeal_period_months == 1
