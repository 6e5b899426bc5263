"""The checks RULES v2 adds (§1a who may adopt, §3 consents and court decisions in force, §4 new
codes), as pure functions of (facts, as_of), each at the day boundaries of §5."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from adoption import rules
from adoption.rules import DocumentFacts, RegistrationFacts, evaluate
from registry.rules import ConsentFact, Entry, GroundFact
from tests.adoption.test_rules import AS_OF, POLICY, applicant, check, child, foreign_case, may_adopt


def citizens(*people, married=True, **changes):
    """A case of resident KZ citizens (applicant ids 10, 11), registered as prospective adopters,
    with every document of §1a; each test changes one thing."""
    registered = (RegistrationFacts("prospective_adopters", date(2023, 6, 1), date(2025, 6, 1)),)
    people = people or (
        applicant(10, "KZ", "KZ", registered=None, registrations=registered),
        applicant(11, "KZ", "KZ", registered=None, registrations=registered, sex="M"),
    )
    documents = [DocumentFacts("application", date(2024, 2, 1)), *may_adopt(10), *may_adopt(11)]
    documents += [
        DocumentFacts("medical_certificate", date(2024, 3, 1), 10),
        DocumentFacts("medical_certificate", date(2024, 3, 1), 11),
    ]
    if married:
        documents.append(DocumentFacts("marriage_certificate", date(2010, 1, 1), named_applicants=(10, 11)))
    base = foreign_case(category="resident_citizen", applicants=people, documents=tuple(documents))
    return replace(base, **changes)


def status(facts, code, on=AS_OF):
    return check(facts, code, on).status


def test_a_couple_of_resident_citizens_with_the_evidence_is_eligible():
    result = evaluate(citizens(), AS_OF)
    assert result.eligible, [(c.code, c.detail) for c in result.checks if c.status in ("fail", "pending")]


# --- APPLICANTS_MARRIED (CMF art. 89) ------------------------------------------------------------


def test_two_people_who_are_not_married_to_each_other_are_not_a_couple():
    """Issue 17: two women not married to each other were accepted as a couple and found eligible."""
    women = (applicant(10, "KZ", "KZ", marital="single"), applicant(11, "KZ", "KZ", marital="single"))
    facts = citizens(*women, married=False)
    result = check(facts, "APPLICANTS_MARRIED")
    assert result.status == "fail" and "#10, #11" in result.detail
    assert not evaluate(facts, AS_OF).eligible


def test_the_marriage_certificate_must_name_both_and_exist_on_as_of():
    other_marriage = DocumentFacts("marriage_certificate", date(2010, 1, 1), named_applicants=(10, 12))
    facts = citizens()
    assert status(facts, "APPLICANTS_MARRIED") == "pass"
    wrong = replace(
        facts, documents=(*[d for d in facts.documents if d.kind != "marriage_certificate"], other_marriage)
    )
    assert status(wrong, "APPLICANTS_MARRIED") == "fail"
    later = replace(
        facts,
        documents=(
            *[d for d in facts.documents if d.kind != "marriage_certificate"],
            DocumentFacts("marriage_certificate", date(2024, 6, 1), named_applicants=(11, 10)),
        ),
    )
    assert status(later, "APPLICANTS_MARRIED", date(2024, 5, 31)) == "fail"  # the day before it was issued
    assert status(later, "APPLICANTS_MARRIED", date(2024, 6, 1)) == "pass"  # the day of
    assert status(foreign_case(), "APPLICANTS_MARRIED") == "not_applicable"  # one person


# --- SPOUSE_CONSENT ------------------------------------------------------------------------------


def test_a_married_person_adopting_alone_needs_the_spouse_or_an_exception():
    without = foreign_case(documents=tuple(d for d in foreign_case().documents if d.kind != "spouse_consent"))
    assert status(without, "SPOUSE_CONSENT") == "fail"
    assert status(foreign_case(), "SPOUSE_CONSENT") == "pass"
    exception = replace(without, documents=(*without.documents, DocumentFacts("spouse_consent_exception", AS_OF, 10)))
    assert status(exception, "SPOUSE_CONSENT", date(2024, 5, 31)) == "fail"  # the exception is dated AS_OF
    assert status(exception, "SPOUSE_CONSENT") == "pass"
    single = foreign_case(applicants=(applicant(marital="single"),))
    assert status(single, "SPOUSE_CONSENT") == "not_applicable"
    assert status(citizens(), "SPOUSE_CONSENT") == "not_applicable"  # a couple adopts together


def test_a_stepparents_spouse_consents_as_the_childs_parent():
    without = foreign_case(documents=tuple(d for d in foreign_case().documents if d.kind != "spouse_consent"))
    mother = ConsentFact("mother", date(2024, 1, 10), (10,))
    stepchild = child(consents=(mother,))
    facts = replace(without, kind="stepparent", children=(stepchild,))
    assert status(facts, "SPOUSE_CONSENT") == "pass"
    naming_another = replace(facts, children=(child(consents=(ConsentFact("mother", date(2024, 1, 10), (99,)),)),))
    assert status(naming_another, "SPOUSE_CONSENT") == "fail"


# --- ADOPTER_NOT_BARRED (CMF art. 91) -------------------------------------------------------------


def with_evidence(issued: date, **policy):
    documents = tuple(d for d in foreign_case().documents if d.kind not in rules.INCOME_EVIDENCE)
    return foreign_case(documents=(*documents, *may_adopt(10, issued)), policy=replace(POLICY, **policy))


@pytest.mark.parametrize(
    "issued, on, expected",
    [
        (date(2023, 2, 28), date(2024, 2, 28), "pass"),  # valid through the same-numbered day
        (date(2023, 2, 28), date(2024, 2, 29), "fail"),  # invalid from the next day
        (date(2024, 2, 29), date(2025, 2, 28), "pass"),  # §11.8: no 29 February: its last day
        (date(2024, 2, 29), date(2025, 3, 1), "fail"),
        (date(2024, 6, 2), date(2024, 6, 1), "fail"),  # issued after as_of: not on file yet
    ],
)
def test_certificates_are_valid_for_the_policy_months(issued, on, expected):
    facts = with_evidence(issued)
    # the other checks read the same dates; only this check's answer matters here
    assert status(facts, "ADOPTER_NOT_BARRED", on) == expected


def test_the_validity_is_the_policy_value_in_effect():
    assert status(with_evidence(date(2024, 3, 1), adopter_certificate_validity_months=2), "ADOPTER_NOT_BARRED") == (
        "fail"
    )


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"barring_facts": ("removed_as_guardian",)}, "removed as a guardian"),
        ({"barring_facts": ("no_permanent_residence",)}, "no permanent residence"),
        ({"citizenship": "stateless"}, "stateless"),
        ({"sex": "M", "marital": "divorced"}, "three years"),
    ],
)
def test_a_barring_fact_bars(change, fragment):
    facts = foreign_case(applicants=(applicant(**change),))
    result = check(facts, "ADOPTER_NOT_BARRED")
    assert result.status == "fail" and fragment in result.detail


def test_an_unmarried_man_who_raised_the_child_three_years_may_adopt_alone_and_the_ministry_may_lift_the_bar():
    man = applicant(sex="M", marital="single")
    assert status(foreign_case(applicants=(man,)), "ADOPTER_NOT_BARRED") == "fail"
    assert status(foreign_case(applicants=(replace(man, raised_child_three_years=True),)), "ADOPTER_NOT_BARRED") == (
        "pass"
    )
    lifted = foreign_case(applicants=(man,), policy=replace(POLICY, bar_unmarried_men=False))
    assert status(lifted, "ADOPTER_NOT_BARRED") == "pass"


def test_income_is_judged_per_person_of_the_household_after_the_adoption():
    # one applicant, one child: 2 people; the minimum 50,000 a person needs 100,000 a month
    def income(amount, household=None, minimum=50_000):
        documents = tuple(d for d in foreign_case().documents if d.kind != "income_statement")
        statement = DocumentFacts(
            "income_statement", date(2024, 3, 1), 10, amount=Decimal(amount), household_size=household
        )
        return foreign_case(documents=(*documents, statement), policy=replace(POLICY, subsistence_minimum=minimum))

    assert status(income(100_000), "ADOPTER_NOT_BARRED") == "pass"  # exactly the minimum
    below = check(income(99_999), "ADOPTER_NOT_BARRED")  # 49,999.50 a person: rounded down, never to the minimum
    assert below.status == "fail" and (
        "(49,999 KZT a month for 2 people) is below the subsistence minimum of 50,000 KZT" in below.detail
    )
    with translation.override("ru"):
        said = check(income(99_999), "ADOPTER_NOT_BARRED").detail
    assert "49\xa0999" in said and "50\xa0000" in said, said  # grouped as Russian writes it
    assert status(income(100_000, household=2), "ADOPTER_NOT_BARRED") == "fail"  # 3 people
    unset = check(income(10**9, minimum=None), "ADOPTER_NOT_BARRED")
    assert unset.status == "fail" and "subsistence minimum" in unset.detail  # no default: names the policy value


def test_a_missing_certificate_is_named():
    documents = tuple(d for d in foreign_case().documents if d.kind != "narcological_certificate")
    result = check(foreign_case(documents=documents), "ADOPTER_NOT_BARRED")
    assert result.status == "fail" and "narcological" in result.detail


# --- ADOPTER_REGISTERED and FOREIGN_ADOPTER_REGISTERED (CMF art. 89; ¶58) --------------------------


@pytest.mark.parametrize(
    "on, expected",
    [(date(2023, 5, 31), "fail"), (date(2023, 6, 1), "pass"), (date(2025, 6, 1), "pass"), (date(2025, 6, 2), "fail")],
)
def test_citizens_are_on_the_register_of_prospective_adopters_valid_on_as_of(on, expected):
    assert status(citizens(), "ADOPTER_REGISTERED", on) == expected


H = rules.Holding


def test_the_entries_on_the_registers_hold_through_their_last_day_joined_where_one_follows_another():
    """The queues say when a family's entries run out (`registers_hold_through`, by who keeps
    them) and whose entries run out first or are missing, and the check's pass says through which
    day they hold."""
    on = date(2024, 1, 1)
    assert rules.registers_hold_through(citizens(), on) == {"guardianship": H(date(2025, 6, 1), (10, 11))}
    assert "(through 2025-06-01)" in check(citizens(), "ADOPTER_REGISTERED", on).detail
    renewed = (
        RegistrationFacts("prospective_adopters", date(2023, 6, 1), date(2025, 6, 1)),
        RegistrationFacts("prospective_adopters", date(2025, 6, 2), date(2027, 6, 2)),  # the next day: no gap
    )
    gap = (
        RegistrationFacts("prospective_adopters", date(2023, 6, 1), date(2025, 6, 1)),
        RegistrationFacts("prospective_adopters", date(2025, 6, 3), date(2027, 6, 3)),  # a day without
    )
    first = applicant(10, "KZ", "KZ", registered=None, registrations=renewed)
    assert rules.registers_hold_through(
        citizens(first, applicant(11, "KZ", "KZ", registered=None, registrations=renewed, sex="M")), on
    ) == {"guardianship": H(date(2027, 6, 2), (10, 11))}
    # the couple's: the sooner of the two, and whose it is
    assert rules.registers_hold_through(
        citizens(first, applicant(11, "KZ", "KZ", registered=None, registrations=gap, sex="M")), on
    ) == {"guardianship": H(date(2025, 6, 1), (11,))}
    # a citizen living abroad is on the citizens' register the ministry keeps
    abroad = applicant(11, "KZ", "DE", registered=None, registrations=gap, sex="M")
    assert rules.registers_hold_through(citizens(first, abroad), on) == {
        "guardianship": H(date(2027, 6, 2), (10,)),
        "ministry": H(date(2025, 6, 1), (11,)),
    }
    # the foreign register (the ministry's), its v1 entry counting twelve months (through 2024-12-01)
    assert rules.registers_hold_through(foreign_case(), date(2024, 11, 30)) == {
        "ministry": H(date(2024, 12, 1), (10,))  # its one applicant
    }
    # None for a keeper one of whose applicants is not on the register, with those not on it; the
    # other keeper's day kept
    assert rules.registers_hold_through(citizens(), date(2025, 6, 2)) == {"guardianship": H(None, (10, 11))}
    assert rules.registers_hold_through(citizens(first, abroad), date(2025, 6, 2)) == {
        "guardianship": H(date(2027, 6, 2), (10,)),
        "ministry": H(None, (11,)),
    }
    # one of two missing: that one alone is named, not the one whose entry holds
    assert rules.registers_hold_through(
        citizens(first, applicant(11, "KZ", "KZ", registered=None, registrations=(), sex="M")), on
    ) == {"guardianship": H(None, (11,))}
    # nothing when no register applies
    assert rules.registers_hold_through(replace(citizens(), kind="stepparent"), on) == {}


def test_the_citizens_register_does_not_apply_to_stepparents_relatives_or_foreigners():
    assert status(replace(citizens(), kind="stepparent"), "ADOPTER_REGISTERED") == "not_applicable"
    kin = (DocumentFacts("kinship_proof", date(2024, 2, 1), child_id=1),)
    relatives = replace(citizens(), children=(child(relative=True),))
    assert status(relatives, "ADOPTER_REGISTERED") == "pass"  # marked, not proven: not a relative case
    proven = replace(relatives, documents=(*relatives.documents, *kin))
    assert status(proven, "ADOPTER_REGISTERED") == "not_applicable"
    assert status(foreign_case(), "ADOPTER_REGISTERED") == "not_applicable"
    # a guardian case still needs the adopters' register (§11.5)
    assert status(replace(citizens(), kind="guardian"), "ADOPTER_REGISTERED") == "pass"


@pytest.mark.parametrize(
    "on, expected", [(date(2024, 11, 30), "pass"), (date(2024, 12, 1), "pass"), (date(2024, 12, 2), "fail")]
)
def test_the_v1_foreign_register_entry_is_valid_twelve_months(on, expected):
    """§11.6: foreign_registered_on 2023-12-01 counts through 2024-12-01."""
    assert status(foreign_case(), "FOREIGN_ADOPTER_REGISTERED", on) == expected


def test_a_foreign_register_entry_with_its_own_validity():
    entry = (RegistrationFacts("foreign_adopters", date(2024, 5, 1), date(2024, 5, 31)),)
    facts = foreign_case(applicants=(applicant(registered=None, registrations=entry),))
    assert status(facts, "FOREIGN_ADOPTER_REGISTERED", date(2024, 5, 31)) == "pass"
    assert status(facts, "FOREIGN_ADOPTER_REGISTERED", date(2024, 6, 1)) == "fail"


# --- KINSHIP_PROVEN and the foreign relative (§1 v2) ------------------------------------------------


def test_a_foreign_relative_is_bound_by_article_76_3():
    """Issue 17: a US-resident relative was eligible with no dossier, no contact, no foreign register."""
    kin = DocumentFacts("kinship_proof", date(2024, 2, 1), child_id=1)
    relative = foreign_case(
        category="relative",
        children=(child(relative=True),),
        applicants=(applicant(registered=None),),
        documents=(DocumentFacts("application", date(2024, 2, 1)), kin, *may_adopt(), *foreign_case().documents[5:]),
        contacts=(),
    )
    result = evaluate(relative, AS_OF)
    statuses = {c.code: c.status for c in result.checks}
    assert statuses["PERSONAL_CONTACT"] == statuses["FOREIGN_DOSSIER"] == "fail"
    assert statuses["FOREIGN_ADOPTER_REGISTERED"] == "fail"
    assert statuses["DOMESTIC_PREFERENCE"] == statuses["CENTRAL_REGISTER_WAIT"] == "not_applicable"
    assert statuses["KINSHIP_PROVEN"] == "pass"
    assert not result.eligible


def test_kinship_applies_only_to_a_case_marked_relative():
    assert status(foreign_case(), "KINSHIP_PROVEN") == "not_applicable"


# --- GUARDIAN_CONSENT ---------------------------------------------------------------------------


def test_the_guardians_consent_for_a_child_under_guardianship():
    placed = Entry("deregistered", date(2024, 3, 1), "guardianship")
    under_guardianship = replace(child(), entries=(*child().entries, placed))
    facts = foreign_case(kind="guardian", children=(under_guardianship,))
    assert status(facts, "GUARDIAN_CONSENT") == "fail"
    consent = ConsentFact("guardian", date(2024, 4, 1), None, date(2024, 6, 1))
    consenting = replace(facts, children=(replace(under_guardianship, consents=(consent,)),))
    assert status(consenting, "GUARDIAN_CONSENT", date(2024, 3, 31)) == "fail"  # not yet given
    assert status(consenting, "GUARDIAN_CONSENT", date(2024, 5, 31)) == "pass"
    assert status(consenting, "GUARDIAN_CONSENT", date(2024, 6, 1)) == "fail"  # withdrawn that day
    the_guardian_adopts = replace(
        facts, documents=(*facts.documents, DocumentFacts("guardianship_proof", date(2024, 3, 1), 10))
    )
    assert status(the_guardian_adopts, "GUARDIAN_CONSENT") == "not_applicable"
    assert status(foreign_case(), "GUARDIAN_CONSENT") == "not_applicable"


# --- CHILD_ADOPTABLE v2 -------------------------------------------------------------------------


def with_grounds(*grounds, consents=()):
    return foreign_case(children=(child(grounds=grounds, consents=consents),))


FATHER_UNKNOWN = GroundFact("father", "parents_unknown", (("certificate", date(2023, 9, 1), None),))


@pytest.mark.parametrize(
    "consent, on, expected",
    [
        (ConsentFact("mother", date(2024, 1, 10)), AS_OF, "pass"),  # consent to adoption by anyone
        (ConsentFact("mother", date(2024, 1, 10), (10,)), AS_OF, "pass"),  # naming exactly these applicants
        (ConsentFact("mother", date(2024, 1, 10), (10, 11)), AS_OF, "fail"),  # naming others too
        (ConsentFact("mother", date(2024, 1, 10), (12,)), AS_OF, "fail"),  # naming someone else
        (ConsentFact("mother", date(2024, 6, 2)), AS_OF, "fail"),  # given after as_of
        (ConsentFact("mother", date(2024, 1, 10), None, date(2024, 6, 1)), AS_OF, "fail"),  # withdrawn that day
        (ConsentFact("mother", date(2024, 1, 10), None, date(2024, 6, 2)), AS_OF, "pass"),  # withdrawn the day after
    ],
)
def test_a_parents_consent_record_covers_the_parent_for_these_applicants(consent, on, expected):
    assert status(with_grounds(FATHER_UNKNOWN, consents=(consent,)), "CHILD_ADOPTABLE", on) == expected


@pytest.mark.parametrize(
    "in_force_on, expected", [(date(2024, 5, 31), "pass"), (date(2024, 6, 1), "pass"), (date(2024, 6, 2), "fail")]
)
def test_a_court_declared_ground_counts_from_the_decisions_entry_into_force(in_force_on, expected):
    deprived = GroundFact("mother", "deprived_of_parental_rights", (("court_decision", date(2024, 5, 1), in_force_on),))
    assert status(with_grounds(FATHER_UNKNOWN, deprived), "CHILD_ADOPTABLE") == expected


def test_a_stepparent_case_needs_no_register_entry_but_the_proof_of_marriage_to_the_parent():
    off_register = replace(child(), entries=())
    facts = foreign_case(kind="stepparent", children=(off_register,))
    assert status(facts, "CHILD_ADOPTABLE") == "fail"  # no stepparent_proof yet
    proven = replace(facts, documents=(*facts.documents, DocumentFacts("stepparent_proof", date(2024, 2, 1), 10)))
    assert status(proven, "CHILD_ADOPTABLE") == "pass"
    assert status(foreign_case(children=(off_register,)), "CHILD_ADOPTABLE") == "fail"  # standard: the register


# --- the child's citizenship (§1 v2, §11.19) ---------------------------------------------------------


def test_a_child_who_is_not_a_kz_citizen_is_outside_article_76_2_but_not_76_3():
    facts = foreign_case(children=(child(citizenship="RU"),))
    result = evaluate(facts, AS_OF)
    statuses = {c.code: c.status for c in result.checks}
    assert statuses["DOMESTIC_PREFERENCE"] == statuses["CENTRAL_REGISTER_WAIT"] == "not_applicable"
    assert statuses["PERSONAL_CONTACT"] == statuses["FOREIGN_DOSSIER"] == "pass"
    assert [w.code for w in result.warnings] == ["CHILD_NOT_KZ_CITIZEN"]


# --- the appeal term (§6 v2) --------------------------------------------------------------------


@pytest.mark.parametrize(
    "final_form, in_force",
    [
        (date(2024, 1, 31), date(2024, 3, 1)),  # expires 29 February, in force the day after
        (date(2023, 1, 31), date(2023, 3, 1)),  # expires 28 February
        (date(2024, 2, 29), date(2024, 3, 30)),
        (date(2023, 12, 31), date(2024, 2, 1)),
        (date(2024, 4, 30), date(2024, 5, 31)),
    ],
)
def test_the_decision_enters_into_force_the_day_after_a_month_from_its_final_form(final_form, in_force):
    assert rules.expected_in_force_on(final_form, 1) == in_force


def test_citations_are_data():
    facts = replace(foreign_case(), citations={"CHILD_MINOR": "CMF art. 78(1)"})
    assert check(facts, "CHILD_MINOR").basis == "CMF art. 78(1)"
    assert check(facts, "CHILD_ADOPTABLE").basis == "¶50-52"  # not corrected: the default
