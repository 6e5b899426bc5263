"""The demo's records (`seed_demo_cases`, after `seed_demo`): a few invented children and families
in the demo district, each at a step of the workflow, dated back from today, so that each demo
user finds work in their queue: a child to place on the primary register, one to send on to the
region, one waiting on the central register, a domestic case referred to the court, a child
adopted in the demo country whose consular registration and HC93 art. 23 certificate are due, and
a foreign family's case, eligible, whose entry on the ministry's register runs out soon (and, by
databank.demo, a resident family proposed a child, its answer awaited). Every record is written
through the services, as staff would write it (the audit trail included)."""

from __future__ import annotations

import datetime

from django.db import transaction

from core.dates import today
from core.models import Agency, ConsularPost, Court, District, Role, User
from core.reference import DEMO_COUNTRY, DEMO_DISTRICT
from core.services import create_agency
from registry import services as registry
from registry.models import Child

from . import services
from .models import Applicant, Case
from .rules import DOSSIER_REPORTS, INCOME_EVIDENCE

DEMO_AGENCY = "DEMO-ACC-1"


def ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


@transaction.atomic
def seed_cases() -> list[str]:
    """Write the demo's records, once: nothing if the demo district has a child already. Returns
    one line for each record written (a number and its step, never a name)."""
    district = District.objects.get(pk=DEMO_DISTRICT)
    if Child.objects.filter(district=district).exists():
        return []
    court = Court.objects.filter(district=district).earliest("id")
    lines = []

    child = _child(district, "Omarova", "Aruzhan", "F", born=ago(2 * 365), identified=ago(2), levels=())
    lines.append(f"child #{child.pk}: identified two days ago, on no register yet (the district)")
    child = _child(district, "Seitkali", "Nurlan", "M", born=ago(6 * 365), identified=ago(40), levels=(38,))
    lines.append(f"child #{child.pk}: on the primary register for 38 days, past its 30 days there (the region)")
    child = _child(district, "Zhaksylyk", "Dana", "F", born=ago(3 * 365), identified=ago(260), levels=(258, 220, 180))
    lines.append(f"child #{child.pk}: on the central register for 180 days, no case (the databank)")

    child = _child(district, "Bekova", "Ainur", "F", born=ago(5 * 365), identified=ago(400), levels=(398, 360, 300))
    couple = demo_couple(district, "KZ", "Nurpeisov", "Askar", "Nurpeisova", "Gulnara", registered=ago(200))
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(60))
    _file(case, couple, on=ago(50))
    services.refer_to_court(actor=None, case=case, court=court, on=ago(3))
    lines.append(f"case #{case.pk}: resident citizens, referred to the court three days ago (the court)")

    child = _child(district, "Akhmetov", "Timur", "M", born=ago(4 * 365), identified=ago(700), levels=(698, 660, 600))
    couple = demo_couple(district, DEMO_COUNTRY, "Miller", "John", "Miller", "Sarah", registered=ago(400))
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(300))
    _foreign_file(case, couple, child, on=ago(290))
    services.refer_to_court(actor=None, case=case, court=court, on=ago(100))
    services.record_hearing(
        actor=None, case=case, on=ago(95), participants=["applicants", "guardianship", "procurator"], in_camera=True
    )
    services.record_decision(actor=None, case=case, outcome="granted", decided_on=ago(90), in_force_on=ago(40))
    post = ConsularPost.objects.get(country=DEMO_COUNTRY, kind="embassy")
    lines.append(
        f"case #{case.pk}: adopted by a family living in {DEMO_COUNTRY} 40 days ago, not yet registered "
        f"at post #{post.pk} (the consul, the ministry)"
    )

    # a foreign family's entry on the register the ministry keeps (its v1 date: twelve months) runs
    # out in about two weeks while their case waits to be referred
    child = _child(district, "Karimova", "Alina", "F", born=ago(3 * 365), identified=ago(330), levels=(328, 290, 230))
    couple = demo_couple(district, DEMO_COUNTRY, "Brown", "David", "Brown", "Emily", registered=ago(350))
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(120))
    _foreign_file(case, couple, child, on=ago(110))
    lines.append(
        f"case #{case.pk}: a family living in {DEMO_COUNTRY}, eligible, its entry on the foreign citizens' register "
        "running out in about two weeks (the district, the ministry)"
    )

    # a resident family's entries on the citizens' register (the district's: two years) run out in
    # twelve days while their case waits to be referred
    child = _child(district, "Dauletova", "Madina", "F", born=ago(4 * 365), identified=ago(300), levels=(298, 260, 200))
    couple = demo_couple(district, "KZ", "Sadykov", "Erlan", "Sadykova", "Aigerim", registered=ago(2 * 365 - 12))
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(40))
    _file(case, couple, on=ago(30))
    lines.append(
        f"case #{case.pk}: resident citizens, eligible, their entries on the citizens' register running out in "
        "twelve days (the district)"
    )
    return lines


def _foreign_file(case: Case, couple: list[Applicant], child: Child, *, on: datetime.date) -> None:
    """A foreign family's file from `on` on: the file every case needs, two weeks of contact, the
    dossier of an accredited agency, the Hague Convention's steps and the search for a family here."""
    _file(case, couple, on=on)
    for applicant in couple:
        for day in (25, 45):
            services.record_contact(
                actor=None, case=case, applicant=applicant, child=child, on=on + datetime.timedelta(days=day)
            )
    for kind in DOSSIER_REPORTS:
        services.add_document(actor=None, case=case, kind=kind, issued_on=on, issuer="Demo agency", agency=_agency())
    services.record_hague_steps(
        actor=None,
        case=case,
        art15_report_received_on=on + datetime.timedelta(days=10),
        art16_report_sent_on=on + datetime.timedelta(days=15),
        art17_agreement_on=on + datetime.timedelta(days=20),
    )
    services.record_domestic_search(
        actor=None, case=case, completed_on=on + datetime.timedelta(days=50), outcome="no_candidates"
    )


def _child(
    district: District,
    last_name: str,
    first_name: str,
    sex: str,
    *,
    born: datetime.date,
    identified: datetime.date,
    levels: tuple[int, ...],
) -> Child:
    """A child with both parents unknown (documented), placed on the registers `levels` days ago
    (primary, regional, central: as many as given)."""
    child, _warnings = registry.create_child(
        actor=None,
        district=district,
        last_name=last_name,
        first_name=first_name,
        sex=sex,
        birth_date=born,
        identified_on=identified,
    )
    registry.add_ground(
        actor=None,
        child=child,
        parent="both",
        ground="parents_unknown",
        documents=[{"kind": "certificate", "number": f"DEMO-{child.pk}", "date": identified, "issued_by": "Police"}],
    )
    for level, days in zip(("primary", "regional", "central"), levels, strict=False):
        registry.place_on_register(actor=None, child=child, level=level, placed_on=ago(days))
    child.refresh_from_db()
    return child


def demo_couple(
    district, country, last_name, first_name, wife_last_name, wife_first_name, *, registered
) -> list[Applicant]:
    """A married couple of `country`, living there, on the register that fits them (CMF art. 89)."""
    foreign = country != "KZ"
    couple: list[Applicant] = []
    for last, first, sex, born in (
        (last_name, first_name, "M", datetime.date(1984, 5, 12)),
        (wife_last_name, wife_first_name, "F", datetime.date(1986, 9, 3)),
    ):
        applicant = services.create_applicant(
            actor=None,
            district=district,
            last_name=last,
            first_name=first,
            sex=sex,
            birth_date=born,
            citizenship=country,
            residence_country=country,
            marital_status="married",
            foreign_register_number=f"DEMO-{country}-{len(couple) + 1}" if foreign else "",
            foreign_registered_on=registered if foreign else None,
        )
        if not foreign:
            services.register_applicant(
                actor=None,
                applicant=applicant,
                register="prospective_adopters",
                number=f"DEMO-PA-{applicant.pk}",
                registered_on=registered,
                valid_until=registered + datetime.timedelta(days=2 * 365),
            )
        couple.append(applicant)
    return couple


def _file(case: Case, couple: list[Applicant], *, on: datetime.date) -> None:
    """The file every case needs (CMF art. 91): the application, the marriage certificate, and
    each applicant's certificates, income well above the subsistence minimum."""
    services.add_document(actor=None, case=case, kind="application", issued_on=on, issuer="The applicants")
    services.add_document(
        actor=None,
        case=case,
        kind="marriage_certificate",
        named_applicants=[a.pk for a in couple],
        issued_on=datetime.date(2010, 6, 1),
        issuer="Civil registry office",
    )
    for applicant in couple:
        for kind in (*INCOME_EVIDENCE, "medical_certificate"):
            services.add_document(
                actor=None,
                case=case,
                kind=kind,
                applicant=applicant,
                issued_on=on,
                issuer="Authority",
                amount=600_000 if kind == "income_statement" else None,
            )


def _agency() -> Agency:
    """The demo's agency accredited for the demo country, registered by the demo ministry."""
    agency = Agency.objects.filter(accreditation_number=DEMO_AGENCY).first()
    if agency is None:
        ministry = User.objects.filter(role=Role.MINISTRY, is_active=True).earliest("id")
        agency = create_agency(
            actor=ministry,
            name="Demo adoption agency",
            country=DEMO_COUNTRY,
            accreditation_number=DEMO_AGENCY,
            accredited_from=ago(5 * 365),
            accredited_until=ago(-5 * 365),
        )
    return agency
