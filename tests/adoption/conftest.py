import datetime

import pytest

from adoption import services
from adoption.rules import DOSSIER_REPORTS, INCOME_EVIDENCE
from core.dates import today
from core.models import Agency, Country, Policy
from registry import services as registry_services

SUBSISTENCE_MINIMUM = 50_000  # KZT a month per person: the value the ministry sets in these tests


def ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


def make_child(district, *, central_days_ago=200, birth_days_ago=4 * 365, last_name="Kim", level="central", **fields):
    """A child on the central register `central_days_ago`, with both parents unknown (documented);
    placed up to `level` only (primary 100 days before that day, regional 50 days before it)."""
    identified = ago(central_days_ago + 100)
    child, _ = registry_services.create_child(
        actor=None,
        district=district,
        last_name=last_name,
        first_name="Yulia",
        sex="F",
        birth_date=ago(birth_days_ago),
        identified_on=identified,
        **fields,
    )
    for placed, when in (
        ("primary", identified),
        ("regional", ago(central_days_ago + 50)),
        ("central", ago(central_days_ago)),
    ):
        registry_services.place_on_register(actor=None, child=child, level=placed, placed_on=when)
        if placed == level:
            break
    registry_services.add_ground(
        actor=None,
        child=child,
        parent="both",
        ground="parents_unknown",
        documents=[{"kind": "certificate", "number": "C-1", "date": identified, "issued_by": "Police department"}],
    )
    child.refresh_from_db()
    return child


def make_applicant(
    district,
    *,
    citizenship="US",
    residence="US",
    sex="F",
    last_name="Smith",
    first_name="Ann",
    birth=datetime.date(1980, 3, 3),
    registered_ago=150,
    marital_status="married",
):
    """An applicant on the register that fits them (CMF art. 89) since `registered_ago` days."""
    foreign = citizenship != "KZ"
    applicant = services.create_applicant(
        actor=None,
        district=district,
        last_name=last_name,
        first_name=first_name,
        sex=sex,
        birth_date=birth,
        citizenship=citizenship,
        residence_country=residence,
        marital_status=marital_status,
        foreign_register_number="FR-77" if foreign else "",
        foreign_registered_on=ago(registered_ago) if foreign else None,
    )
    if not foreign:
        services.register_applicant(
            actor=None,
            applicant=applicant,
            register="prospective_adopters",
            number="PA-1",
            registered_on=ago(registered_ago),
            valid_until=ago(registered_ago - 365),
        )
    return applicant


def accredited_agency(country="US"):
    """An agency on the register of accredited agencies (RULES v2 §7a), accredited for decades."""
    agency, _ = Agency.objects.get_or_create(
        accreditation_number=f"ACC-{country}",
        defaults={
            "name": f"Agency of {country}",
            "country": country,
            "accredited_from": datetime.date(2000, 1, 1),
            "accredited_until": datetime.date(2100, 1, 1),
        },
    )
    return agency


def the_hague_steps(case, *, last_days_ago):
    """HC93 art. 15-17 for a foreign adoption into a party country (the ministry records them),
    the agreement `last_days_ago` days ago. The countries of ¶60 are reference data."""
    country = Country.objects.filter(pk=case.receiving_country).first()
    if country is None or not country.hague_party_on(ago(last_days_ago)):
        return
    services.record_hague_steps(
        actor=None,
        case=case,
        art15_report_received_on=ago(last_days_ago + 5),
        art16_report_sent_on=ago(last_days_ago + 2),
        art17_agreement_on=ago(last_days_ago),
    )


def ministry_sets_subsistence_minimum(amount=SUBSISTENCE_MINIMUM):
    """The policy value ADOPTER_NOT_BARRED needs (it has no default, RULES v2 §1a)."""
    Policy.objects.update_or_create(effective_from=None, defaults={"subsistence_minimum": amount})


def who_may_adopt(case, applicants, *, issued_on):
    """The evidence of RULES v2 §1a: a couple's marriage certificate (or a married applicant's
    spouse's consent), and each applicant's criminal-record, dispensary and income certificates
    (income well above the minimum)."""
    ministry_sets_subsistence_minimum()
    if len(applicants) == 2:
        services.add_document(
            actor=None,
            case=case,
            kind="marriage_certificate",
            named_applicants=[a.pk for a in applicants],
            issued_on=datetime.date(2005, 6, 1),
            issuer="Civil registry office",
        )
    elif applicants[0].marital_status == "married":
        services.add_document(
            actor=None,
            case=case,
            kind="spouse_consent",
            applicant=applicants[0],
            issued_on=issued_on,
            issuer="Notary",
        )
    for applicant in applicants:
        for kind in INCOME_EVIDENCE:
            services.add_document(
                actor=None,
                case=case,
                kind=kind,
                applicant=applicant,
                issued_on=issued_on,
                issuer="Authority",
                amount=400_000 if kind == "income_statement" else None,
            )


def complete_file(case, children, applicants, *, foreign=True):
    """Everything a case needs to be eligible today (for a foreign case: dossier, contacts, search)."""
    services.add_document(actor=None, case=case, kind="application", issued_on=ago(90), issuer="the applicants")
    who_may_adopt(case, applicants, issued_on=ago(80))
    for applicant in applicants:
        services.add_document(
            actor=None, case=case, kind="medical_certificate", applicant=applicant, issued_on=ago(80), issuer="Clinic 1"
        )
    if foreign:
        for kind in DOSSIER_REPORTS:
            services.add_document(
                actor=None,
                case=case,
                kind=kind,
                issued_on=ago(80),
                issuer="Licensed agency",
                agency=accredited_agency(),
            )
        the_hague_steps(case, last_days_ago=70)
        for applicant in applicants:
            for child in children:
                services.record_contact(actor=None, case=case, applicant=applicant, child=child, on=ago(60))
                services.record_contact(actor=None, case=case, applicant=applicant, child=child, on=ago(40))
        services.record_domestic_search(actor=None, case=case, completed_on=ago(70), outcome="no_candidates")


@pytest.fixture
def foreign_case(district):
    """An eligible foreign case: a US couple and one child on the central register for 200 days."""
    child = make_child(district)
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Smith-Jones")]
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    complete_file(case, [child], couple)
    return case


def hear_and_decide(case, *, outcome="granted", days_ago=2, actor=None):
    """A case referred to a court heard `days_ago` and decided (`outcome`) the same day."""
    services.record_hearing(
        actor=None,
        case=case,
        on=ago(days_ago),
        participants=["applicants", "guardianship", "procurator"],
        in_camera=True,
    )
    services.record_decision(actor=actor, case=case, outcome=outcome, decided_on=ago(days_ago))


def adopt_abroad(
    district,
    court,
    *,
    in_force_ago=40,
    birth_days_ago=4 * 365,
    country="US",
    last_name="Kim",
    applicant_name="Smith",
    in_force=True,
    referred_only=False,
    before_the_decision=None,
    new_identity=None,
    age_gap_reason="",
):
    """A child adopted by a couple living in `country`, decision in force `in_force_ago` days ago
    (with in_force=False: decided, its entry into force not yet recorded; with referred_only: only
    referred to the court, `in_force_ago` + 50 days ago; `before_the_decision(child)`: more put on
    the child's record once the case is referred, as nothing is added after the decision;
    `new_identity`: the one the court gives the child; `age_gap_reason`: why it reduced the age gap).

    Every earlier step is dated back from there, so the case was eligible at each stage."""
    base = in_force_ago + 45  # the decision is final a month after it is made (RULES v2 §6)
    child = make_child(district, central_days_ago=base + 200, birth_days_ago=birth_days_ago, last_name=last_name)
    citizenship = country if country != "KZ" else "US"
    couple = [
        make_applicant(
            district, citizenship=citizenship, residence=country, registered_ago=base + 150, last_name=applicant_name
        ),
        make_applicant(
            district,
            citizenship=citizenship,
            residence=country,
            sex="M",
            last_name=f"{applicant_name}-Jones",
            registered_ago=base + 150,
        ),
    ]
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(base + 100))
    services.add_document(actor=None, case=case, kind="application", issued_on=ago(base + 90), issuer="the applicants")
    who_may_adopt(case, couple, issued_on=ago(base + 80))
    for applicant in couple:
        services.add_document(
            actor=None,
            case=case,
            kind="medical_certificate",
            applicant=applicant,
            issued_on=ago(base + 80),
            issuer="Clinic",
        )
        for day in (60, 40):
            services.record_contact(actor=None, case=case, applicant=applicant, child=child, on=ago(base + day))
    for kind in DOSSIER_REPORTS:
        services.add_document(
            actor=None, case=case, kind=kind, issued_on=ago(base + 80), issuer="Agency", agency=accredited_agency()
        )
    the_hague_steps(case, last_days_ago=base + 70)
    services.record_domestic_search(actor=None, case=case, completed_on=ago(base + 70), outcome="no_candidates")
    services.refer_to_court(actor=None, case=case, court=court, on=ago(base + 5))
    if referred_only:
        case.refresh_from_db()
        return case, child
    if before_the_decision is not None:  # more on the child's record: after the decision nothing is added
        before_the_decision(child)
        child.refresh_from_db()
    services.record_hearing(
        actor=None,
        case=case,
        on=ago(base + 4),
        participants=["applicants", "guardianship", "procurator"],
        in_camera=True,
    )
    services.record_decision(
        actor=None,
        case=case,
        outcome="granted",
        decided_on=ago(base + 3),
        in_force_on=ago(in_force_ago) if in_force else None,
        new_identity=new_identity,
        age_gap_reduced=bool(age_gap_reason),
        age_gap_reason=age_gap_reason,
    )
    case.refresh_from_db()
    child.refresh_from_db()
    return case, child
