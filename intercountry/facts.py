"""Load the facts of the red flags (flags.CaseFacts) for every case of a report, in a fixed number
of queries whatever their number (one case's eligibility answer loads them with its own facts:
contributions.py)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from adoption.facts import agency_facts
from adoption.models import Case, CaseChild, Referral
from adoption.rules import AgencyFacts
from core.models import Agency, Policy
from registry.models import ParentalConsent

from . import flags
from .contributions import thresholds
from .models import Fee, Party

PARENTS = ("mother", "father")


def may_flag_between(cases: QuerySet[Case], start: datetime.date, end: datetime.date) -> QuerySet[Case]:
    """The cases of `cases` that may have a red flag dated in [start, end], by the dates the flags
    take from their evidence (flags.flags_of): a parent's consent given within the policy's
    `consent_cooling_days` of the birth, a fee paid for placement or in USD (with a ceiling), a
    foreign case's referral within its `rushed_case_days` of the eligibility (the policy in
    effect on `end`, as `flags_of_cases` judges), and for an agency's concentration the day judged, `end`, for a foreign case with an
    agency not in force or in force within the 12 months. More cases than flag, never fewer: the
    flags still decide. At 1,000,000 children the safeguards report over five years read 61,000
    referred foreign cases with every referral in the period; it now reads those referred in haste
    (tests hold the flags equal with and without it)."""
    case, limits = OuterRef("pk"), limits_on(end)
    # a consent within the cooling days of the birth; a child given a new identity always (its
    # flag reads the birth date before it, a key of `birth_identity`)
    consented = ParentalConsent.objects.filter(given_on__range=(start, end), parent__in=PARENTS).filter(
        Q(given_on__lte=F("child__birth_date") + datetime.timedelta(days=limits.consent_cooling_days))
        | Q(child__birth_identity__has_key="birth_date")
    )
    # a fee for placement (to an intermediary perhaps not accredited), or one in USD that may take
    # a party's total above the ceiling (fees in other currencies are not converted)
    may_pass_ceiling = Q(currency="USD") if limits.fee_ceiling_usd is not None else Q(pk__in=[])
    since = flags.Concentration(end).since
    hasty = F("eligible_since") + datetime.timedelta(days=limits.rushed_case_days)
    return cases.filter(
        Exists(CaseChild.objects.filter(case=case, child__in=consented.values("child_id")))
        | Exists(
            Fee.objects.filter(party__case=case, paid_on__range=(start, end)).filter(
                may_pass_ceiling | Q(purpose="placement")
            )
        )
        | (~Q(receiving_country="") & Exists(Referral.objects.filter(case=case, on__range=(start, end), on__lte=hasty)))
        | (
            ~Q(receiving_country="")
            & Exists(Party.objects.filter(case=case, agency__isnull=False))
            & (Q(decision__in_force_on__isnull=True) | Q(decision__in_force_on__range=(since, end)))
        )
    )


def limits_on(day: datetime.date) -> flags.Thresholds:
    """The flags' thresholds of the policy in effect on `day`, the day judged."""
    return thresholds(Policy.on(day))


def agencies_of(ids: Iterable[int]) -> dict[int, AgencyFacts]:
    """The agencies `ids` with their suspensions (one query; the rows of adoption.facts.agency_facts)."""
    return agency_facts(
        Agency.objects.filter(pk__in=set(ids))
        .order_by("id", "suspensions__start")
        .values_list("id", "accredited_from", "accredited_until", "suspensions__start", "suspensions__end")
    )


def case_facts(cases) -> list[flags.CaseFacts]:
    """The flags' facts of `cases` (a queryset), in six queries."""
    rows = list(
        cases.values_list("id", "district_id", "district__region_id", "receiving_country", "decision__in_force_on")
    )
    # the cases as a subquery, not their ids: the national report's 400,000 ids as parameters of
    # each of the five queries took 2.5 s a query at 1,000,000 children
    ids = cases.values("id")
    children: dict[int, list[int]] = {}
    births: dict[int, datetime.date] = {}
    for case_id, child_id, birth_date, birth_identity in CaseChild.objects.filter(case__in=ids).values_list(
        "case_id", "child_id", "child__birth_date", "child__birth_identity"
    ):
        children.setdefault(case_id, []).append(child_id)
        # the birth date before any new identity the court gave
        original = (birth_identity or {}).get("birth_date")
        births[child_id] = datetime.date.fromisoformat(original) if original else birth_date
    consents: dict[int, list[tuple]] = {}
    for consent_id, child_id, parent, given_on in ParentalConsent.objects.filter(
        child__in=CaseChild.objects.filter(case__in=ids).values("child_id"), parent__in=PARENTS
    ).values_list("id", "child_id", "parent", "given_on"):
        consents.setdefault(child_id, []).append((consent_id, parent, given_on))
    fees: dict[int, list[flags.FeeFacts]] = {}
    for fee_id, party_id, amount, currency, paid_on, purpose in Fee.objects.filter(party__case__in=ids).values_list(
        "id", "party_id", "amount", "currency", "paid_on", "purpose"
    ):
        fees.setdefault(party_id, []).append(flags.FeeFacts(fee_id, amount, currency, paid_on, purpose))
    parties: dict[int, list[flags.PartyFacts]] = {}
    for party_id, case_id, name, role, agency_id in Party.objects.filter(case__in=ids).values_list(
        "id", "case_id", "name", "role", "agency_id"
    ):
        parties.setdefault(case_id, []).append(
            flags.PartyFacts(party_id, name, role, agency_id, tuple(fees.get(party_id, ())))
        )
    referrals: dict[int, tuple] = {}
    for case_id, on, since in (
        Referral.objects.filter(case__in=ids).order_by("on", "id").values_list("case_id", "on", "eligible_since")
    ):
        referrals.setdefault(case_id, (on, since))  # the first referral
    return [
        flags.CaseFacts(
            id=case_id,
            district=district,
            region=region,
            receiving_country=country,
            consents=tuple(
                flags.ConsentFacts(consent_id, child_id, parent, given_on, births[child_id])
                for child_id in children.get(case_id, ())
                for consent_id, parent, given_on in consents.get(child_id, ())
            ),
            parties=tuple(parties.get(case_id, ())),
            referred_on=referrals.get(case_id, (None, None))[0],
            eligible_since=referrals.get(case_id, (None, None))[1],
            in_force_on=in_force_on,
        )
        for case_id, district, region, country, in_force_on in rows
    ]


def concentration(districts: Iterable[str], until: datetime.date) -> flags.Concentration:
    """The foreign adoptions of `districts` in force in the 12 months ending on `until`, by agency (two queries)."""
    since = flags.Concentration(until).since
    adoptions = list(
        Case.objects.filter(district__in=set(districts), decision__in_force_on__range=(since, until))
        .exclude(receiving_country="")
        .values_list("id", "district_id", "decision__in_force_on")
    )
    acting: dict[int, set[int]] = {}
    for case_id, agency_id in Party.objects.filter(
        case__in=[row[0] for row in adoptions], role="agency", agency__isnull=False
    ).values_list("case_id", "agency_id"):
        acting.setdefault(case_id, set()).add(agency_id)
    return flags.Concentration.of(
        (
            (district, in_force_on, acting.get(case_id, set()))
            for case_id, district, in_force_on in adoptions
            if in_force_on is not None
        ),
        until,
    )


def flags_of_cases(cases, on: datetime.date) -> list[flags.Flag]:
    """Every red flag of `cases` whose evidence exists on `on` (a fixed number of queries)."""
    facts = case_facts(cases)
    agencies = agencies_of(p.agency_id for f in facts for p in f.parties if p.agency_id)
    spread = concentration({f.district for f in facts}, on)
    limits = limits_on(on)
    return [
        flag
        for f in facts
        for flag in flags.flags_of(f, on, agencies=agencies, thresholds=limits, concentration=spread)
    ]
