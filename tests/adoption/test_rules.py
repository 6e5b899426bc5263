"""Each check of RULES §4 as a pure function of (facts, as_of), at its boundaries."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adoption import rules
from adoption.rules import (
    ApplicantFacts,
    CaseFacts,
    ChildFacts,
    ConsentFacts,
    ContactFacts,
    DocumentFacts,
    OtherCaseFacts,
    PolicyFacts,
    evaluate,
)
from registry.rules import Entry, GroundFact

AS_OF = date(2024, 6, 1)
CENTRAL_ON = date(2024, 1, 15)  # RULES §5: allowed from 2024-04-16
POLICY = PolicyFacts(12, 12, ("tuberculosis", "alcoholism"), subsistence_minimum=50_000)


def child(id=1, birth=date(2020, 5, 5), central_on=CENTRAL_ON, relative=False, grounds=None, siblings=(), **more):
    entries = (
        Entry("primary", central_on - timedelta(days=60)),
        Entry("regional", central_on - timedelta(days=30)),
        Entry("central", central_on),
    )
    grounds = (
        grounds
        if grounds is not None
        else (GroundFact("both", "parents_unknown", (("certificate", date(2023, 9, 1), None),)),)
    )
    return ChildFacts(id, birth, relative, entries, grounds, siblings, **more)


def applicant(
    id=10,
    citizenship="US",
    residence="US",
    registered=date(2023, 12, 1),
    birth=date(1980, 1, 1),
    sex="F",
    marital="married",
    **more,
):
    return ApplicantFacts(
        id, sex, birth, citizenship, residence, marital, "FR-1" if registered else "", registered, **more
    )


AGENCY = rules.AgencyFacts(7, date(2020, 1, 1), date(2025, 1, 1))  # accredited on the register (§7a)


def dossier(issued=date(2024, 3, 1), agency=AGENCY.id):
    reports = [DocumentFacts(kind, issued, agency_id=agency) for kind in rules.DOSSIER_REPORTS]
    return (DocumentFacts("application", date(2024, 2, 1)), *reports)


def medical(applicant_id=10, issued=date(2024, 3, 1), conditions=()):
    return DocumentFacts("medical_certificate", issued, applicant_id, conditions=tuple(conditions))


def may_adopt(applicant_id=10, issued=date(2024, 3, 1), income=400_000):
    """CMF art. 91's evidence of one applicant, and (married, adopting alone) the spouse's consent."""
    return (
        *(
            DocumentFacts(kind, issued, applicant_id, amount=income if kind == "income_statement" else None)
            for kind in rules.INCOME_EVIDENCE
        ),
        DocumentFacts("spouse_consent", issued, applicant_id),
    )


def contacts(applicant_id=10, child_id=1, first=date(2024, 3, 1), last=date(2024, 3, 20)):
    return (ContactFacts(applicant_id, child_id, first), ContactFacts(applicant_id, child_id, last))


def foreign_case(**changes) -> CaseFacts:
    """A foreign case that passes every check on AS_OF; each test changes one thing."""
    base = CaseFacts(
        id=1,
        category="foreigner",
        opened_on=date(2024, 2, 1),
        children=(child(),),
        applicants=(applicant(),),
        documents=(*dossier(), medical(), *may_adopt()),
        contacts=contacts(),
        consents=(),
        domestic_searches=(date(2024, 2, 20),),
        other_cases=(),
        policy=POLICY,
        agencies={AGENCY.id: AGENCY},
    )
    return replace(base, **changes)


def check(facts, code, on=AS_OF):
    return next(c for c in evaluate(facts, on).checks if c.code == code)


def test_the_baseline_foreign_case_is_eligible():
    result = evaluate(foreign_case(), AS_OF)
    assert result.eligible, [c for c in result.checks if c.status != "pass"]
    assert [c.code for c in result.checks] == [
        "CHILD_MINOR",
        "CHILD_ADOPTABLE",
        "NO_COMPETING_ADOPTION",
        "DOMESTIC_PREFERENCE",
        "CENTRAL_REGISTER_WAIT",
        "PERSONAL_CONTACT",
        "FOREIGN_DOSSIER",
        "FOREIGN_ADOPTER_REGISTERED",
        "APPLICATION_FILED",
        "ADOPTER_HEALTH",
        "CHILD_CONSENT",
        "APPLICANTS_MARRIED",
        "SPOUSE_CONSENT",
        "ADOPTER_NOT_BARRED",
        "ADOPTER_REGISTERED",
        "KINSHIP_PROVEN",
        "GUARDIAN_CONSENT",
        "HAGUE_AGREEMENT",
    ]
    assert check(foreign_case(), "CHILD_CONSENT").status == "not_applicable"  # the child is 4


# --- which checks apply to whom (§1 v2: citizenship, residence and proven kinship, not the category)

BASE = {"CHILD_MINOR", "CHILD_ADOPTABLE", "NO_COMPETING_ADOPTION", "APPLICATION_FILED", "ADOPTER_HEALTH"}
WHO_MAY_ADOPT = {"SPOUSE_CONSENT", "ADOPTER_NOT_BARRED"}  # one married applicant
ART_76_3 = {"PERSONAL_CONTACT", "FOREIGN_DOSSIER", "FOREIGN_ADOPTER_REGISTERED"}  # every foreign citizen
ART_76_2 = {"DOMESTIC_PREFERENCE", "CENTRAL_REGISTER_WAIT"}  # foreigners who are not proven relatives
KINSHIP = (DocumentFacts("kinship_proof", date(2024, 2, 1), child_id=1),)

APPLIES = {
    # a US relative living in the US: spared art. 76(2), bound by art. 76(3) (the observation of issue 17)
    "foreign_relative": (("US", "US"), True, BASE | WHO_MAY_ADOPT | ART_76_3 | {"KINSHIP_PROVEN"}),
    "kazakh_relative": (("KZ", "KZ"), True, BASE | WHO_MAY_ADOPT | {"KINSHIP_PROVEN"}),
    "resident_citizen": (("KZ", "KZ"), False, BASE | WHO_MAY_ADOPT | {"ADOPTER_REGISTERED"}),
    "nonresident_citizen": (
        ("KZ", "DE"),
        False,
        BASE | WHO_MAY_ADOPT | {"ADOPTER_REGISTERED", "CENTRAL_REGISTER_WAIT"},
    ),
    "foreigner": (("US", "US"), False, BASE | WHO_MAY_ADOPT | ART_76_3 | ART_76_2),
    "stateless": (("stateless", "KZ"), False, BASE | WHO_MAY_ADOPT | ART_76_3 | ART_76_2),
}


@pytest.mark.parametrize("who", APPLIES)
def test_each_applicant_gets_the_checks_of_their_citizenship_and_kinship(who):
    (citizenship, residence), is_relative, expected = APPLIES[who]
    facts = foreign_case(
        applicants=(applicant(citizenship=citizenship, residence=residence),),
        children=(child(relative=is_relative),),
        documents=(*foreign_case().documents, *(KINSHIP if is_relative else ())),
    )
    applied = {c.code for c in evaluate(facts, AS_OF).checks if c.status != "not_applicable"}
    assert applied == expected


def test_an_unproven_relative_is_judged_as_a_stranger():
    facts = foreign_case(children=(child(relative=True),))
    result = evaluate(facts, AS_OF)
    assert check(facts, "KINSHIP_PROVEN").status == "fail"
    assert {c.code for c in result.checks if c.status != "not_applicable"} >= ART_76_2 | ART_76_3
    # the kinship proof dated after as_of does not exist yet: the day before it, still a stranger
    proven = replace(facts, documents=(*facts.documents, *KINSHIP))
    assert check(proven, "DOMESTIC_PREFERENCE", date(2024, 1, 31)).status != "not_applicable"
    assert check(proven, "DOMESTIC_PREFERENCE", date(2024, 2, 1)).status == "not_applicable"
    assert check(proven, "KINSHIP_PROVEN", date(2024, 2, 1)).status == "pass"


# --- category (§1) --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "applicants, relative, category, country",
    [
        ([applicant(citizenship="US", residence="US")], True, "relative", "US"),  # relative first, any citizenship
        (
            [applicant(citizenship="KZ", residence="KZ"), applicant(11, citizenship="RU", residence="KZ")],
            False,
            "foreigner",
            "",
        ),
        ([applicant(citizenship="KZ", residence="DE")], False, "nonresident_citizen", "DE"),
        (
            [applicant(citizenship="KZ", residence="KZ"), applicant(11, citizenship="KZ", residence="TR")],
            False,
            "nonresident_citizen",
            "TR",
        ),
        ([applicant(citizenship="KZ", residence="KZ")], False, "resident_citizen", ""),
    ],
)
def test_category_is_derived_in_the_order_of_the_rules(applicants, relative, category, country):
    assert rules.derive_category(applicants, relative=relative) == category
    assert rules.receiving_country(applicants) == country


# --- CHILD_MINOR ----------------------------------------------------------------------------


@pytest.mark.parametrize("as_of, status", [(date(2024, 5, 4), "pass"), (date(2024, 5, 5), "fail")])
def test_child_minor_until_the_18th_birthday(as_of, status):
    facts = foreign_case(children=(child(birth=date(2006, 5, 5), central_on=date(2023, 1, 1)),))
    assert check(facts, "CHILD_MINOR", as_of).status == status


# --- CHILD_ADOPTABLE ------------------------------------------------------------------------


def test_child_not_on_any_register_is_not_adoptable():
    facts = foreign_case(children=(replace(child(), entries=()),))
    result = check(facts, "CHILD_ADOPTABLE")
    assert result.status == "fail" and "register" in result.detail


def test_child_deregistered_before_as_of_is_not_adoptable():
    deregistered = replace(child(), entries=(*child().entries, Entry("deregistered", date(2024, 5, 1), "foster_care")))
    assert check(foreign_case(children=(deregistered,)), "CHILD_ADOPTABLE").status == "fail"
    assert check(foreign_case(children=(deregistered,)), "CHILD_ADOPTABLE", date(2024, 4, 30)).status == "pass"


def test_a_parent_without_a_ground_makes_the_child_not_adoptable():
    facts = foreign_case(
        children=(
            child(grounds=(GroundFact("mother", "parents_unknown", (("certificate", date(2023, 9, 1), None),)),)),
        )
    )
    result = check(facts, "CHILD_ADOPTABLE")
    assert result.status == "fail" and "father" in result.detail


# --- NO_COMPETING_ADOPTION ------------------------------------------------------------------


def other(**kw):
    return OtherCaseFacts(
        **{"id": 2, "child_id": 1, "category": "resident_citizen", "opened_on": date(2024, 1, 1), **kw}
    )


GRANTED = {"decided_on": date(2024, 5, 20), "outcome": "granted"}
REFUSED = {"decided_on": date(2024, 5, 20), "outcome": "refused", "closed_on": date(2024, 5, 20)}
GRANTED_ON_APPEAL = {
    "decided_on": date(2024, 5, 20),
    "outcome": "refused",
    "appeal_filed_on": date(2024, 5, 25),
    "appeal_decided_on": date(2024, 6, 1),
    "appeal_outcome": "reversed",
}


def reversed_on(day):
    """A grant's appeal, filed on 25 May and decided `day`: reversed (a closed case: RULES v2 §6)."""
    return {
        "appeal_filed_on": date(2024, 5, 25),
        "appeal_decided_on": day,
        "appeal_outcome": "reversed",
        "closed_on": day,
    }


def upheld_on(day):
    return {"appeal_filed_on": date(2024, 5, 25), "appeal_decided_on": day, "appeal_outcome": "upheld"}


@pytest.mark.parametrize(
    "competitor, status",
    [
        (other(), "pass"),  # merely open
        (other(referred_on=date(2024, 5, 1)), "fail"),  # at the court stage
        (other(referred_on=date(2024, 6, 2)), "pass"),  # referred after as_of: does not exist yet
        (other(referred_on=date(2024, 5, 1), decided_on=date(2024, 5, 20), outcome="granted"), "fail"),
        (other(referred_on=date(2024, 5, 1), decided_on=date(2024, 5, 20), outcome="refused"), "pass"),
        (other(referred_on=date(2024, 5, 1), closed_on=date(2024, 5, 10)), "pass"),  # withdrawn
        # a grant under appeal stands; reversed, it frees the child from the appeal's day (as_of: 1 June)
        (other(referred_on=date(2024, 5, 1), **GRANTED, appeal_filed_on=date(2024, 5, 25)), "fail"),
        (other(referred_on=date(2024, 5, 1), **GRANTED, **reversed_on(date(2024, 6, 2))), "fail"),  # the day before
        (other(referred_on=date(2024, 5, 1), **GRANTED, **reversed_on(date(2024, 6, 1))), "pass"),  # the day of
        (other(referred_on=date(2024, 5, 1), **GRANTED, **reversed_on(date(2024, 5, 31))), "pass"),  # the day after
        (other(referred_on=date(2024, 5, 1), **GRANTED, **upheld_on(date(2024, 5, 31))), "fail"),
        # a refusal under appeal is before a court from the filing; reversed, it is a grant from the appeal's day
        (other(referred_on=date(2024, 5, 1), **REFUSED, appeal_filed_on=date(2024, 6, 2)), "pass"),  # filed after
        (other(referred_on=date(2024, 5, 1), **REFUSED, appeal_filed_on=date(2024, 6, 1)), "fail"),  # filed that day
        (other(referred_on=date(2024, 5, 1), **REFUSED, **upheld_on(date(2024, 5, 31))), "pass"),
        (other(referred_on=date(2024, 5, 1), **GRANTED_ON_APPEAL), "fail"),  # (its case reopened: not closed)
    ],
)
def test_no_competing_adoption(competitor, status):
    assert (
        check(
            foreign_case(other_cases=(competitor,), domestic_searches=(date(2024, 2, 20),)), "NO_COMPETING_ADOPTION"
        ).status
        == status
    )


# --- DOMESTIC_PREFERENCE --------------------------------------------------------------------


def test_domestic_preference_fails_without_the_search_outcome():
    result = check(foreign_case(domestic_searches=()), "DOMESTIC_PREFERENCE")
    assert result.status == "fail" and "search" in result.detail


def test_domestic_search_recorded_after_as_of_does_not_count():
    assert check(foreign_case(domestic_searches=(date(2024, 6, 2),)), "DOMESTIC_PREFERENCE").status == "fail"


@pytest.mark.parametrize(
    "category, status",
    [("relative", "pending"), ("resident_citizen", "pending"), ("nonresident_citizen", "pass"), ("foreigner", "pass")],
)
def test_an_open_case_by_relatives_or_resident_citizens_has_preference(category, status):
    result = check(foreign_case(other_cases=(other(category=category),)), "DOMESTIC_PREFERENCE")
    assert result.status == status and result.satisfiable_on is None


# --- CENTRAL_REGISTER_WAIT ------------------------------------------------------------------


@pytest.mark.parametrize(
    "central_on, as_of, status, satisfiable_on",
    [
        (date(2024, 1, 15), date(2024, 4, 15), "pending", date(2024, 4, 16)),  # the day of expiry
        (date(2024, 1, 15), date(2024, 4, 16), "pass", None),  # the day after: the right arises
        (date(2024, 1, 15), date(2024, 4, 17), "pass", None),
        (date(2023, 11, 30), date(2024, 2, 29), "pending", date(2024, 3, 1)),  # leap February
        (date(2023, 11, 30), date(2024, 3, 1), "pass", None),
        (date(2023, 8, 31), date(2023, 11, 30), "pending", date(2023, 12, 1)),
        (date(2023, 8, 31), date(2023, 12, 1), "pass", None),
    ],
)
def test_three_months_from_central_placement(central_on, as_of, status, satisfiable_on):
    facts = foreign_case(
        children=(child(central_on=central_on),), contacts=contacts(first=date(2023, 6, 1), last=date(2023, 6, 20))
    )
    result = check(facts, "CENTRAL_REGISTER_WAIT", as_of)
    assert (result.status, result.satisfiable_on) == (status, satisfiable_on)


def test_the_wait_applies_to_citizens_living_abroad_and_not_to_residents():
    abroad = foreign_case(applicants=(applicant(citizenship="KZ", residence="DE"),))
    at_home = foreign_case(applicants=(applicant(citizenship="KZ", residence="KZ"),))
    assert check(abroad, "CENTRAL_REGISTER_WAIT", date(2024, 4, 15)).status == "pending"
    assert check(at_home, "CENTRAL_REGISTER_WAIT", date(2024, 4, 15)).status == "not_applicable"


def test_a_child_not_on_the_central_register_fails_the_wait():
    only_regional = replace(child(), entries=child().entries[:2])
    assert check(foreign_case(children=(only_regional,)), "CENTRAL_REGISTER_WAIT").status == "fail"


def test_with_several_children_the_latest_placement_decides():
    kids = (child(1, central_on=date(2024, 1, 15)), child(2, central_on=date(2024, 2, 10)))
    facts = foreign_case(children=kids, contacts=(*contacts(child_id=1), *contacts(child_id=2)))
    assert check(facts, "CENTRAL_REGISTER_WAIT", date(2024, 5, 1)).satisfiable_on == date(2024, 5, 11)


# --- PERSONAL_CONTACT -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "last, as_of, status, satisfiable_on",
    [
        (date(2024, 3, 14), date(2024, 3, 14), "pending", date(2024, 3, 15)),  # D+13: not yet
        (date(2024, 3, 15), date(2024, 3, 15), "pass", None),  # D+14
        (date(2024, 3, 16), date(2024, 3, 16), "pass", None),  # D+15
        (date(2024, 3, 14), date(2024, 3, 20), "fail", None),  # two weeks passed but no later contact recorded
    ],
)
def test_two_weeks_of_personal_contact(last, as_of, status, satisfiable_on):
    facts = foreign_case(
        contacts=contacts(first=date(2024, 3, 1), last=last), children=(child(central_on=date(2023, 1, 1)),)
    )
    result = check(facts, "PERSONAL_CONTACT", as_of)
    assert (result.status, result.satisfiable_on) == (status, satisfiable_on)


def test_every_applicant_must_meet_every_child():
    couple = (applicant(10), applicant(11, sex="M"))
    result = check(
        foreign_case(applicants=couple, documents=(*dossier(), medical(10), medical(11))), "PERSONAL_CONTACT"
    )
    assert result.status == "fail" and "#11" in result.detail


def test_contacts_after_as_of_do_not_exist():
    assert check(foreign_case(), "PERSONAL_CONTACT", date(2024, 2, 29)).status == "fail"


# --- FOREIGN_DOSSIER ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of, status",
    [(date(2025, 3, 1), "pass"), (date(2025, 3, 2), "fail")],  # 12 months: through the same-numbered day
)
def test_dossier_reports_are_valid_for_twelve_months(as_of, status):
    facts = foreign_case(documents=(*dossier(issued=date(2024, 3, 1)), medical(issued=as_of)))
    assert check(facts, "FOREIGN_DOSSIER", as_of).status == status


def test_a_report_from_an_agency_without_a_valid_licence_does_not_count():
    lapsed = replace(AGENCY, accredited_until=date(2024, 2, 28))  # the reports are of 2024-03-01
    facts = foreign_case(documents=(*dossier(), medical()), agencies={AGENCY.id: lapsed})
    result = check(facts, "FOREIGN_DOSSIER")
    assert result.status == "fail" and "accredited on its issue date" in result.detail


def test_a_missing_report_is_named():
    documents = tuple(d for d in dossier() if d.kind != "moral_qualities") + (medical(),)
    assert (
        "the report on personal moral qualities is missing"
        in check(foreign_case(documents=documents), "FOREIGN_DOSSIER").detail
    )


def test_the_policy_sets_the_dossier_validity():
    facts = foreign_case(policy=replace(POLICY, dossier_validity_months=2))
    assert check(facts, "FOREIGN_DOSSIER", date(2024, 5, 1)).status == "pass"
    assert check(facts, "FOREIGN_DOSSIER", date(2024, 5, 2)).status == "fail"


# --- FOREIGN_ADOPTER_REGISTERED -------------------------------------------------------------


@pytest.mark.parametrize("registered, status", [(date(2024, 6, 1), "pass"), (date(2024, 6, 2), "fail"), (None, "fail")])
def test_foreign_applicants_are_on_the_register_of_foreign_citizens(registered, status):
    assert (
        check(foreign_case(applicants=(applicant(registered=registered),)), "FOREIGN_ADOPTER_REGISTERED").status
        == status
    )


def test_a_kazakh_spouse_of_a_foreigner_need_not_be_on_that_register():
    couple = (applicant(10), applicant(11, citizenship="KZ", residence="US", registered=None))
    assert check(foreign_case(applicants=couple), "FOREIGN_ADOPTER_REGISTERED").status == "pass"


# --- APPLICATION_FILED ----------------------------------------------------------------------


def test_the_written_application_must_be_on_file_by_as_of():
    assert check(foreign_case(), "APPLICATION_FILED", date(2024, 2, 1)).status == "pass"
    assert check(foreign_case(), "APPLICATION_FILED", date(2024, 1, 31)).status == "fail"


# --- ADOPTER_HEALTH -------------------------------------------------------------------------


@pytest.mark.parametrize("as_of, status", [(date(2025, 3, 1), "pass"), (date(2025, 3, 2), "fail")])
def test_medical_certificate_valid_twelve_months(as_of, status):
    facts = foreign_case(
        category="resident_citizen", documents=(DocumentFacts("application", date(2024, 2, 1)), medical())
    )
    assert check(facts, "ADOPTER_HEALTH", as_of).status == status


def test_a_barring_condition_fails_health():
    facts = foreign_case(documents=(*dossier(), medical(conditions=("tuberculosis",))))
    result = check(facts, "ADOPTER_HEALTH")
    assert result.status == "fail" and "tuberculosis" in result.detail


def test_a_condition_not_on_the_policy_list_does_not_bar():
    assert (
        check(foreign_case(documents=(*dossier(), medical(conditions=("myopia",)))), "ADOPTER_HEALTH").status == "pass"
    )


def test_each_applicant_needs_a_certificate():
    couple = (applicant(10), applicant(11, sex="M"))
    assert "#11" in check(foreign_case(applicants=couple), "ADOPTER_HEALTH").detail


# --- CHILD_CONSENT --------------------------------------------------------------------------

TENTH = date(2024, 6, 1)  # the child turns 10 on AS_OF


@pytest.mark.parametrize(
    "as_of, status", [(date(2024, 5, 31), "not_applicable"), (date(2024, 6, 1), "fail"), (date(2024, 6, 2), "fail")]
)
def test_a_child_who_reaches_10_must_consent(as_of, status):
    facts = foreign_case(children=(child(birth=date(2014, 6, 1)),))
    assert check(facts, "CHILD_CONSENT", as_of).status == status


def test_consent_given_at_10_passes_and_withdrawal_fails():
    given = ConsentFacts(1, date(2024, 6, 1))
    facts = foreign_case(children=(child(birth=date(2014, 6, 1)),), consents=(given,))
    assert check(facts, "CHILD_CONSENT", date(2024, 6, 1)).status == "pass"
    withdrawn = foreign_case(
        children=(child(birth=date(2014, 6, 1)),), consents=(replace(given, withdrawn_on=date(2024, 6, 3)),)
    )
    assert check(withdrawn, "CHILD_CONSENT", date(2024, 6, 2)).status == "pass"
    assert check(withdrawn, "CHILD_CONSENT", date(2024, 6, 3)).status == "fail"


def test_consent_given_before_the_10th_birthday_does_not_count():
    facts = foreign_case(children=(child(birth=date(2014, 6, 1)),), consents=(ConsentFacts(1, date(2024, 5, 31)),))
    assert check(facts, "CHILD_CONSENT", date(2024, 6, 5)).status == "fail"


def test_child_born_29_february_reaches_10_on_1_march():
    facts = foreign_case(children=(child(birth=date(2012, 2, 29), central_on=date(2021, 1, 1)),))
    assert check(facts, "CHILD_CONSENT", date(2022, 2, 28)).status == "not_applicable"
    assert check(facts, "CHILD_CONSENT", date(2022, 3, 1)).status == "fail"


# --- warnings -------------------------------------------------------------------------------


def test_warnings_for_separated_siblings_and_a_small_age_gap():
    unmarried = {"marital": "single"}
    facts = foreign_case(children=(child(siblings=(7,)),), applicants=(applicant(birth=date(2005, 5, 6), **unmarried),))
    codes = {w.code for w in evaluate(facts, AS_OF).warnings}
    assert codes == {"SIBLINGS_SEPARATED", "AGE_GAP"}
    assert (
        evaluate(foreign_case(applicants=(applicant(birth=date(2004, 5, 5), **unmarried),)), AS_OF).warnings == ()
    )  # exactly 16 years


def test_the_age_gap_binds_married_applicants_only_when_the_policy_says_all():
    married_young = foreign_case(applicants=(applicant(birth=date(2005, 5, 6)),))
    assert [w.code for w in evaluate(married_young, AS_OF).warnings] == []
    everyone = replace(married_young, policy=replace(POLICY, age_gap_applies_to="all"))
    assert [w.code for w in evaluate(everyone, AS_OF).warnings] == ["AGE_GAP"]
    stepparent = replace(everyone, kind="stepparent")
    assert [w.code for w in evaluate(stepparent, AS_OF).warnings] == []  # no gap is required of a stepparent


# --- properties -----------------------------------------------------------------------------


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), st.integers(min_value=0, max_value=400))
def test_the_wait_is_pending_exactly_until_its_satisfiable_on(central_on, days_after):
    as_of = central_on + timedelta(days=days_after)
    facts = foreign_case(children=(child(birth=date(2019, 1, 1), central_on=central_on),))
    result = check(facts, "CENTRAL_REGISTER_WAIT", as_of)
    allowed = rules.right_arises(central_on, 3)
    assert result.status == ("pass" if as_of >= allowed else "pending")
    if result.status == "pending":
        assert result.satisfiable_on == allowed
        assert check(facts, "CENTRAL_REGISTER_WAIT", result.satisfiable_on).status == "pass"


@given(st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 1, 1)))
def test_eligible_only_when_nothing_fails_or_is_pending(as_of):
    result = evaluate(foreign_case(), as_of)
    assert result.eligible == all(c.status in ("pass", "not_applicable") for c in result.checks)
