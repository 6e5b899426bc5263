"""The red flags of RULES v2 §7b as pure functions of facts: advisory warnings, never refusals,
each with its code, its evidence and the date of that evidence (`on`, RULES §11.17).

`facts.py` loads the facts of one case or of every case of a report in a fixed number of
queries; nothing here touches the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adoption.rules import AgencyFacts, accredited
from core.dates import add_months, in_text

CONSENT_SOON_AFTER_BIRTH = "CONSENT_SOON_AFTER_BIRTH"
INTERMEDIARY_NOT_ACCREDITED = "INTERMEDIARY_NOT_ACCREDITED"
FEES_ABOVE_POLICY = "FEES_ABOVE_POLICY"
RUSHED_CASE = "RUSHED_CASE"
AGENCY_CONCENTRATION = "AGENCY_CONCENTRATION"
FLAGS = (CONSENT_SOON_AFTER_BIRTH, INTERMEDIARY_NOT_ACCREDITED, FEES_ABOVE_POLICY, RUSHED_CASE, AGENCY_CONCENTRATION)
# What each flag is called on the pages (its code stays in the API and the downloads)
FLAG_NAMES = {
    CONSENT_SOON_AFTER_BIRTH: gettext_lazy("A parent's consent soon after the birth"),
    INTERMEDIARY_NOT_ACCREDITED: gettext_lazy("A paid intermediary that is not an accredited agency"),
    FEES_ABOVE_POLICY: gettext_lazy("Fees to one party above the ceiling"),
    RUSHED_CASE: gettext_lazy("A case referred in haste"),
    AGENCY_CONCENTRATION: gettext_lazy("One agency with a large share of the district's adoptions"),
}
# The keys of a flag's evidence (RULES §11.17: the API answers them as they are), by name on a page.
EVIDENCE_NAMES = {
    "consent": gettext_lazy("consent"),
    "child": gettext_lazy("child"),
    "parent": gettext_lazy("parent"),
    "days_after_birth": gettext_lazy("days after the birth"),
    "party": gettext_lazy("party"),
    "fee": gettext_lazy("payment"),
    "amount": gettext_lazy("amount"),
    "currency": gettext_lazy("currency"),
    "total_usd": gettext_lazy("paid in all, USD"),
    "ceiling_usd": gettext_lazy("ceiling, USD"),
    "eligible_since": gettext_lazy("eligible since"),
    "referred_on": gettext_lazy("referred on"),
    "agency": gettext_lazy("agency"),
    "district": gettext_lazy("district"),
    "share": gettext_lazy("adoptions with the agency"),
    "of": gettext_lazy("foreign adoptions of the district"),
}
RECORD_KEYS = {"consent", "child", "party", "fee", "agency"}  # a record's number: shown as #12
DATE_KEYS = {"eligible_since", "referred_on"}  # ISO dates: shown as the reader's language writes them
CONCENTRATION_MONTHS = 12


@dataclass(frozen=True)
class Thresholds:
    """The policy parameters of §7b in effect on the date judged."""

    consent_cooling_days: int = 30
    fee_ceiling_usd: int | None = None
    rushed_case_days: int = 7
    agency_share_alert: int = 50  # per cent


@dataclass(frozen=True)
class FeeFacts:
    id: int
    amount: Decimal
    currency: str
    paid_on: date
    purpose: str


@dataclass(frozen=True)
class PartyFacts:
    id: int
    name: str
    role: str
    agency_id: int | None
    fees: tuple[FeeFacts, ...] = ()


@dataclass(frozen=True)
class ConsentFacts:
    id: int
    child_id: int
    parent: str
    given_on: date
    birth_date: date  # the child's birth date before any new identity


@dataclass(frozen=True)
class CaseFacts:
    id: int
    district: str
    region: str
    receiving_country: str  # '' unless a foreign adoption
    consents: tuple[ConsentFacts, ...] = ()
    parties: tuple[PartyFacts, ...] = ()
    referred_on: date | None = None
    eligible_since: date | None = None  # first day of the eligibility the referral ended (adoption.Referral)
    in_force_on: date | None = None

    @property
    def agency_ids(self) -> set[int]:
        """The agencies of the register acting in the case."""
        return {p.agency_id for p in self.parties if p.role == "agency" and p.agency_id}


@dataclass(frozen=True)
class Flag:
    case: int
    flag: str
    detail: str
    evidence: dict
    on: date
    agency: int | None = None
    receiving_country: str = ""
    region: str = ""


@dataclass
class Concentration:
    """Each district's foreign adoptions in force in the 12 months ending on `until`, by agency."""

    until: date
    shares: dict[tuple[str, int], int] = field(default_factory=dict)
    totals: Counter = field(default_factory=Counter)

    @property
    def since(self) -> date:
        return add_months(self.until, -CONCENTRATION_MONTHS) + timedelta(days=1)

    def counts(self, case: CaseFacts) -> bool:
        """A case not yet in force, or one in force within the 12 months (older ones are not of them)."""
        return case.in_force_on is None or self.since <= case.in_force_on <= self.until

    @classmethod
    def of(cls, adoptions: Iterable[tuple[str, date, set[int]]], until: date) -> Concentration:
        """`adoptions`: (district, in force on, agencies acting) of foreign adoptions."""
        result = cls(until)
        since = result.since
        for district, in_force_on, agencies in adoptions:
            if since <= in_force_on <= until:
                result.totals[district] += 1
                for agency in agencies:
                    result.shares[district, agency] = result.shares.get((district, agency), 0) + 1
        return result


def _ceiling_exceeded(party: PartyFacts, ceiling: int | None, on: date) -> tuple[Decimal, date] | None:
    """Fees in USD to one party above the ceiling by `on`: (their total, the day it was passed).
    Fees in other currencies are not converted (no rate is kept): docs/decisions.md."""
    if ceiling is None:
        return None
    running, passed = Decimal(0), None
    for fee in sorted(party.fees, key=lambda f: (f.paid_on, f.id)):
        if fee.currency == "USD" and fee.paid_on <= on:
            running += fee.amount
            if passed is None and running > ceiling:
                passed = fee.paid_on
    return (running, passed) if passed else None


def flags_of(
    case: CaseFacts,
    on: date,
    *,
    agencies: Mapping[int, AgencyFacts],
    thresholds: Thresholds,
    concentration: Concentration | None = None,
) -> list[Flag]:
    """Every red flag of `case` whose evidence exists on `on`. Each is dated by its evidence: a
    consent's day, a fee's, the first referral's, or `on` itself (an agency's concentration);
    `facts.may_flag_between` narrows a report's cases by these dates and by the conditions of each
    flag below (the thresholds, a fee's purpose and currency), and must learn a new one."""
    found: list[Flag] = []
    agency = min(case.agency_ids) if case.agency_ids else None

    def flag(code: str, detail: str, evidence: dict, day: date) -> None:
        found.append(Flag(case.id, code, detail, evidence, day, agency, case.receiving_country, case.region))

    for consent in case.consents:
        days = (consent.given_on - consent.birth_date).days
        if consent.given_on <= on and days <= thresholds.consent_cooling_days:
            flag(
                CONSENT_SOON_AFTER_BIRTH,
                _("The %(parent)s consented %(days)s days after the birth of child #%(child)s.")
                % {"parent": _(consent.parent), "days": days, "child": consent.child_id},
                {"consent": consent.id, "child": consent.child_id, "parent": consent.parent, "days_after_birth": days},
                consent.given_on,
            )
    for party in case.parties:
        placement = [f for f in party.fees if f.purpose == "placement" and f.paid_on <= on]
        for fee in placement:
            if not accredited(agencies, party.agency_id, fee.paid_on):
                flag(
                    INTERMEDIARY_NOT_ACCREDITED,
                    _("%(name)s was paid for placement on %(date)s and is not an agency accredited on that day.")
                    % {"name": party.name, "date": in_text(fee.paid_on)},
                    {"party": party.id, "fee": fee.id, "amount": str(fee.amount), "currency": fee.currency},
                    fee.paid_on,
                )
        exceeded = _ceiling_exceeded(party, thresholds.fee_ceiling_usd, on)
        if exceeded:
            total, day = exceeded
            flag(
                FEES_ABOVE_POLICY,
                _("%(name)s was paid %(total)s USD, above the ceiling of %(ceiling)s USD.")
                % {"name": party.name, "total": total, "ceiling": thresholds.fee_ceiling_usd},
                {"party": party.id, "total_usd": str(total), "ceiling_usd": thresholds.fee_ceiling_usd},
                day,
            )
    if case.receiving_country and case.referred_on and case.referred_on <= on and case.eligible_since:
        days = (case.referred_on - case.eligible_since).days
        if days <= thresholds.rushed_case_days:
            flag(
                RUSHED_CASE,
                _("Referred to the court on %(date)s, before every check had passed.")
                % {"date": in_text(case.referred_on)}
                if days < 0  # (adoption.rules.eligible_since: not eligible on the referral's day)
                else _("Referred to the court %(days)s days after the last check passed (%(date)s).")
                % {"days": days, "date": in_text(case.eligible_since)},
                {"eligible_since": case.eligible_since.isoformat(), "referred_on": case.referred_on.isoformat()},
                case.referred_on,
            )
    if concentration and case.receiving_country and agency is not None and concentration.counts(case):
        of = concentration.totals[case.district]
        share = concentration.shares.get((case.district, agency), 0)
        if of and share * 100 > thresholds.agency_share_alert * of:
            flag(
                AGENCY_CONCENTRATION,
                _("Agency #%(agency)s acted in %(share)s of the district's %(total)s foreign adoptions in 12 months.")
                % {"agency": agency, "share": share, "total": of},
                {"agency": agency, "district": case.district, "share": share, "of": of},
                concentration.until,
            )
    return found
