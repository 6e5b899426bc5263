"""The law of adoption as pure functions of (facts, as_of): RULES.md §1 and §4.

Each check lives here once, names its legal basis, and sees only what existed on
`as_of` (records dated later do not exist for it). `facts.py` loads the facts;
nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from itertools import zip_longest
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.countries import KZ
from core.dates import add_months, age_on, in_text, is_minor, reaches_age_on, right_arises
from core.models import Citation, Role
from registry.models import ConsentParent, DeregistrationReason
from registry.rules import ConsentFact, Entry, GroundFact, register_state_on, uncovered_parents

from .models import STATELESS, BarringFact, CaseDocumentKind, CaseKind, Category, MaritalStatus, Register

GUARDIAN = ConsentParent.GUARDIAN
GUARDIANSHIP, FOSTER_CARE = DeregistrationReason.GUARDIANSHIP, DeregistrationReason.FOSTER_CARE

PASS, FAIL, PENDING, NOT_APPLICABLE = "pass", "fail", "pending", "not_applicable"

CENTRAL_WAIT_MONTHS = 3  # MFA art. 76(2), art. 101(3)
CONTACT_DAYS = 14  # MFA art. 76(3): two weeks of personal contact
CONSENT_AGE = 10  # MFA art. 84; ¶54
CIVIL_REGISTRATION_DAYS = 3  # MFA art. 77: the court notifies the civil registry within 3 days
AGE_GAP_YEARS = 16  # the court may allow less
DOSSIER_REPORTS = (
    CaseDocumentKind.FINANCIAL_SOLVENCY,
    CaseDocumentKind.FAMILY_SITUATION,
    CaseDocumentKind.HEALTH_REPORT,
    CaseDocumentKind.MORAL_QUALITIES,
)
INCOME_EVIDENCE = (  # CMF art. 91: the certificates each applicant brings (ADOPTER_NOT_BARRED)
    CaseDocumentKind.CRIMINAL_RECORD_CERTIFICATE,
    CaseDocumentKind.NARCOLOGICAL_CERTIFICATE,
    CaseDocumentKind.PSYCHONEUROLOGICAL_CERTIFICATE,
    CaseDocumentKind.INCOME_STATEMENT,
)


# --- facts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildFacts:
    id: int
    birth_date: date
    is_relative: bool
    entries: tuple[Entry, ...]
    grounds: tuple[GroundFact, ...]
    siblings_on_register: tuple[int, ...] = ()  # siblings on a register, not in this case
    sibling_names: tuple[str, ...] = ()  # their names, in the same order (none for a sealed child)
    citizenship: str = KZ
    consents: tuple[ConsentFact, ...] = ()  # parents' and guardians' consent records
    name: str = ""  # the current name ('' while sealed: the child is named by number)


@dataclass(frozen=True)
class RegistrationFacts:
    register: str
    registered_on: date
    valid_until: date


@dataclass(frozen=True)
class ApplicantFacts:
    id: int
    sex: str
    birth_date: date | None
    citizenship: str
    residence_country: str
    marital_status: str = ""
    foreign_register_number: str = ""
    foreign_registered_on: date | None = None
    barring_facts: tuple[str, ...] = ()
    raised_child_three_years: bool = False
    registrations: tuple[RegistrationFacts, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class DocumentFacts:
    kind: str
    issued_on: date
    applicant_id: int | None = None
    issuer_licence: str = ""
    licence_valid_until: date | None = None
    conditions: tuple[str, ...] = ()
    named_applicants: tuple[int, ...] = ()
    child_id: int | None = None
    amount: Decimal | None = None
    household_size: int | None = None
    agency_id: int | None = None


@dataclass(frozen=True)
class AgencyFacts:
    """An agency of the register: accredited from-until, minus its suspensions (ends inclusive)."""

    id: int
    accredited_from: date
    accredited_until: date
    suspensions: tuple[tuple[date, date], ...] = ()

    def accredited_on(self, day: date) -> bool:
        return self.accredited_from <= day <= self.accredited_until and not any(
            start <= day <= end for start, end in self.suspensions
        )


@dataclass(frozen=True)
class ProposalFacts:
    """A child proposed to a registered family, and the answer (the databank)."""

    child_id: int
    family_id: int  # the applicant
    proposed_on: date
    answer: str  # pending | accepted | declined | no_answer | withdrawn (after the day: pending on it)
    answered_on: date | None = None


def unanswered_from(proposed_on: date, answer_days: int) -> date:
    """The day a proposal still unanswered counts as no answer: the day after its `answer_days`."""
    return proposed_on + timedelta(days=answer_days + 1)


UNASKED_NAMED = 5  # the check names this many families that fit and were not proposed the child


@dataclass(frozen=True)
class DatabankFacts:
    """The search for a family in Kazakhstan, as the databank's records stand (issue 19) on the day
    judged: for each child, the registered families proposed it whose wishes fit it; the first
    families found whose wishes fit a child and that were not proposed it (at most UNASKED_NAMED + 1:
    one is enough to refuse, more than UNASKED_NAMED are "more"); and every proposal."""

    asked: Mapping[int, tuple[int, ...]] = field(default_factory=dict)  # child -> family ids
    unasked: tuple[tuple[int, int], ...] = ()  # (child, family)
    proposals: tuple[ProposalFacts, ...] = ()
    answer_days: int = 10  # a proposal unanswered this long counts as no answer


@dataclass(frozen=True)
class HagueFacts:
    """The receiving country's HC93 status and the case's steps (RULES v2 §7a)."""

    party_since: date | None = None  # the Convention in force between the country and KZ
    art15_report_received_on: date | None = None
    art16_report_sent_on: date | None = None
    art17_agreement_on: date | None = None


@dataclass(frozen=True)
class ContactFacts:
    applicant_id: int
    child_id: int
    on: date


@dataclass(frozen=True)
class ConsentFacts:
    child_id: int
    given_on: date
    withdrawn_on: date | None = None


@dataclass(frozen=True)
class OtherCaseFacts:
    """Another case for one of this case's children, with the dates of its stages, its decision's
    appeal included (RULES v2 §6: a reversed decision is undone from the appeal's day)."""

    id: int
    child_id: int
    category: str
    opened_on: date
    referred_on: date | None = None
    decided_on: date | None = None
    outcome: str = ""
    closed_on: date | None = None
    appeal_filed_on: date | None = None
    appeal_decided_on: date | None = None
    appeal_outcome: str = ""

    def _appeal_reversed_on(self, on: date) -> bool:
        return self.appeal_outcome == "reversed" and self.appeal_decided_on is not None and self.appeal_decided_on <= on

    def _appeal_pending_on(self, on: date) -> bool:
        return (
            self.appeal_filed_on is not None
            and self.appeal_filed_on <= on
            and not (self.appeal_decided_on and self.appeal_decided_on <= on)
        )

    def open_on(self, on: date) -> bool:
        """Opened by `on` and not closed then: a refusal closes it, unless an appeal against the
        refusal is pending (the case is before the appeal court) or reversed it (granted)."""
        if self.opened_on > on:
            return False
        if self.outcome == "refused" and (self._appeal_pending_on(on) or self._appeal_reversed_on(on)):
            return True
        return not (self.closed_on and self.closed_on <= on) and not (
            self.outcome == "refused" and self.decided_on and self.decided_on <= on
        )

    def granted_on(self, on: date) -> bool:
        """Granted by `on` as the courts left it then: a grant not yet reversed on appeal (a grant
        reversed frees the child), or a refusal an appeal reversed."""
        if self.outcome == "refused":
            return self._appeal_reversed_on(on)
        return (
            self.outcome == "granted"
            and self.decided_on is not None
            and self.decided_on <= on
            and not self._appeal_reversed_on(on)
        )

    def at_court_on(self, on: date) -> bool:
        return self.referred_on is not None and self.referred_on <= on and self.open_on(on) and not self.granted_on(on)


@dataclass(frozen=True)
class PolicyFacts:
    """The parameters in effect on the date judged (RULES v2 §10)."""

    dossier_validity_months: int = 12
    health_certificate_validity_months: int = 12
    barring_conditions: tuple[str, ...] = ()
    adopter_certificate_validity_months: int = 12
    subsistence_minimum: int | None = None
    bar_unmarried_men: bool = True
    age_gap_applies_to: str = "unmarried"
    foreign_register_validity_months: int = 12


@dataclass(frozen=True)
class CaseFacts:
    id: int
    category: str
    opened_on: date
    children: tuple[ChildFacts, ...]
    applicants: tuple[ApplicantFacts, ...]
    documents: tuple[DocumentFacts, ...] = ()
    contacts: tuple[ContactFacts, ...] = ()
    consents: tuple[ConsentFacts, ...] = ()
    domestic_searches: tuple[date, ...] = ()  # completion dates
    other_cases: tuple[OtherCaseFacts, ...] = ()
    policy: PolicyFacts = field(default_factory=PolicyFacts)
    kind: str = CaseKind.STANDARD
    citations: Mapping[str, str] = field(default_factory=dict)  # code -> basis, as the ministry keeps them
    receiving_country: str = ""  # a foreign adoption: the applicants' country of residence
    agencies: Mapping[int, AgencyFacts] = field(default_factory=dict)  # the agencies the documents name
    hague: HagueFacts = field(default_factory=HagueFacts)
    historical: bool = False  # imported from paper: its typed search outcome stands
    databank: DatabankFacts | None = None  # None: no databank (the typed outcome decides)
    adopted_elsewhere: frozenset[int] = frozenset()  # children sealed by an adoption in another case

    @property
    def applicant_ids(self) -> frozenset[int]:
        return frozenset(a.id for a in self.applicants)

    def documents_on(self, on: date, kind: str, applicant_id: int | None = None) -> list[DocumentFacts]:
        """Documents of `kind` issued by `on` (of one applicant if given), oldest first."""
        return [
            d
            for d in self.documents
            if d.kind == kind and d.issued_on <= on and (applicant_id is None or d.applicant_id == applicant_id)
        ]


# --- category (§1) --------------------------------------------------------------------------


def derive_category(applicants: list[ApplicantFacts], *, relative: bool) -> str:
    """RULES §1, in order: relative, foreigner, non-resident citizen, resident citizen. It names
    the case in reports; the checks follow the facts below, never the category alone."""
    if relative:
        return Category.RELATIVE
    if any(a.citizenship != KZ for a in applicants):
        return Category.FOREIGNER
    if any(a.residence_country != KZ for a in applicants):
        return Category.NONRESIDENT_CITIZEN
    return Category.RESIDENT_CITIZEN


def receiving_country(applicants: list[ApplicantFacts]) -> str:
    """A foreign adoption: an applicant permanently resides outside KZ; '' otherwise."""
    return next((a.residence_country for a in applicants if a.residence_country != KZ), "")


# --- the facts the checks follow (§1 v2: citizenship and proven kinship, never the category alone)


def foreign_citizen(facts: CaseFacts) -> bool:
    """Any applicant is not a citizen of Kazakhstan (stateless included): MFA art. 76(3) binds them."""
    return any(a.citizenship != KZ for a in facts.applicants)


def kinship_proven(facts: CaseFacts, child: ChildFacts, on: date) -> bool:
    return any(d.child_id == child.id for d in facts.documents_on(on, CaseDocumentKind.KINSHIP_PROOF))


def relative(facts: CaseFacts, on: date) -> bool:
    """The applicants are relatives of every child, each proven by a `kinship_proof` (§3 v2)."""
    return all(c.is_relative and kinship_proven(facts, c, on) for c in facts.children)


def kz_child(facts: CaseFacts) -> bool:
    """Art. 76(2) protects children who are KZ citizens (§11.19)."""
    return any(c.citizenship == KZ for c in facts.children)


def living_abroad(facts: CaseFacts) -> bool:
    return any(a.residence_country != KZ for a in facts.applicants)


def guardians_named(facts: CaseFacts, on: date) -> set[int]:
    """Applicants a `guardianship_proof` names as the child's guardian or foster carer."""
    return {d.applicant_id for d in facts.documents_on(on, CaseDocumentKind.GUARDIANSHIP_PROOF) if d.applicant_id}


def expected_in_force_on(final_form_on: date, appeal_months: int) -> date:
    """RULES v2 §6: the appeal term of `appeal_months` runs from the decision in final form; the
    decision enters into force the day after it expires (§5): 2024-01-31 -> 2024-03-01."""
    return right_arises(final_form_on, appeal_months)


# --- checks (§4) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    code: str
    status: str
    basis: str
    detail: str
    satisfiable_on: date | None = None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "status": self.status,
            "basis": self.basis,
            "detail": str(self.detail),
            "satisfiable_on": self.satisfiable_on,
        }


@dataclass(frozen=True)
class Finding:
    code: str
    detail: str
    extra: Mapping = field(default_factory=dict)  # a red flag's `flag`, `evidence` and `on`

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": str(self.detail), **self.extra}


@dataclass(frozen=True)
class Eligibility:
    case: int
    as_of: date
    category: str
    eligible: bool
    checks: tuple[Check, ...]
    warnings: tuple[Finding, ...]

    def failing(self) -> list[Check]:
        return [c for c in self.checks if c.status in (FAIL, PENDING)]

    def as_dict(self) -> dict:
        return {
            "case": self.case,
            "as_of": self.as_of,
            "category": self.category,
            "eligible": self.eligible,
            "checks": [c.as_dict() for c in self.checks],
            "warnings": [w.as_dict() for w in self.warnings],
        }


@dataclass(frozen=True)
class Rule:
    code: str
    basis: str  # the default citation; the ministry's table (core.Citation) may correct it
    applies: Callable[[CaseFacts, date], str | None]  # None: applies; else why it does not
    check: Callable[[CaseFacts, date], tuple[str, str, date | None]]


RULES: list[Rule] = []


def always(facts: CaseFacts, on: date) -> str | None:
    return None


# What each check is called on pages and printed documents (its code stays in the API).
CHECK_NAMES = {
    "CHILD_MINOR": gettext_lazy("The child is under 18"),
    "CHILD_ADOPTABLE": gettext_lazy("The child may be adopted"),
    "NO_COMPETING_ADOPTION": gettext_lazy("No other adoption of the child"),
    "DOMESTIC_PREFERENCE": gettext_lazy("Families in Kazakhstan first"),
    "CENTRAL_REGISTER_WAIT": gettext_lazy("Three months on the central register"),
    "PERSONAL_CONTACT": gettext_lazy("Two weeks of personal contact"),
    "FOREIGN_DOSSIER": gettext_lazy("The foreign applicants' dossier"),
    "FOREIGN_ADOPTER_REGISTERED": gettext_lazy("On the register of foreign citizens wishing to adopt"),
    "APPLICATION_FILED": gettext_lazy("The application to the court"),
    "ADOPTER_HEALTH": gettext_lazy("The applicants' health certificates"),
    "CHILD_CONSENT": gettext_lazy("The consent of a child aged 10 or older"),
    "APPLICANTS_MARRIED": gettext_lazy("Two applicants are married to each other"),
    "SPOUSE_CONSENT": gettext_lazy("The spouse's consent"),
    "ADOPTER_NOT_BARRED": gettext_lazy("No fact bars the applicants"),
    "ADOPTER_REGISTERED": gettext_lazy("On the register of citizens wishing to adopt"),
    "KINSHIP_PROVEN": gettext_lazy("Kinship proven"),
    "GUARDIAN_CONSENT": gettext_lazy("The guardian's consent"),
    "HAGUE_AGREEMENT": gettext_lazy("The Hague Convention's steps"),
}


def rule(code: str, basis: str, applies: Callable[[CaseFacts, date], str | None] = always):
    def register(fn):
        RULES.append(Rule(code, basis, applies, fn))
        Citation.DEFAULTS[code] = basis  # the ministry's table starts from this text
        return fn

    return register


def _names(ids) -> str:
    return ", ".join(f"#{i}" for i in ids)


def _who(person: ChildFacts | ApplicantFacts) -> str:
    """How a detail names a child or an applicant of the case: by name (its number without one)."""
    return person.name or f"#{person.id}"


def _named(people: Sequence[ChildFacts] | Sequence[ApplicantFacts], ids) -> str:
    """The children or applicants of the case among `ids`, by name (`_who`), in the case's order."""
    wanted = set(ids)
    return ", ".join(_who(person) for person in people if person.id in wanted)


# When each check applies (§4 "applies to"), as facts of the case on the date.


def foreign_applicants(facts: CaseFacts, on: date) -> str | None:
    return None if foreign_citizen(facts) else _("Every applicant is a citizen of Kazakhstan.")


def preference_applies(facts: CaseFacts, on: date) -> str | None:
    """MFA art. 76(2): foreign citizens who are not proven relatives, for a KZ child of the registers."""
    if not foreign_citizen(facts):
        return _("Every applicant is a citizen of Kazakhstan.")
    return _art_76_2_spares(facts, on)


def wait_applies(facts: CaseFacts, on: date) -> str | None:
    """MFA art. 76(2), 101(3): foreign citizens or citizens living abroad, not proven relatives."""
    if not (foreign_citizen(facts) or living_abroad(facts)):
        return _("Every applicant is a citizen of Kazakhstan living in Kazakhstan.")
    return _art_76_2_spares(facts, on)


def _art_76_2_spares(facts: CaseFacts, on: date) -> str | None:
    if relative(facts, on):
        return _("The applicants are proven relatives of the child (MFA art. 76(2)).")
    if not kz_child(facts):
        return _("No child of the case is a citizen of Kazakhstan (MFA art. 76(2) protects citizens).")
    if facts.kind != CaseKind.STANDARD:
        return _("The child is not adopted from the registers (a stepparent or guardian case).")
    return None


@rule("CHILD_MINOR", "MFA art. 76(1); ¶47")
def child_minor(facts: CaseFacts, on: date):
    adults = [c.id for c in facts.children if not is_minor(c.birth_date, on)]
    if adults:
        return (
            FAIL,
            _("Child %(ids)s is 18 or older and can no longer be adopted.") % {"ids": _named(facts.children, adults)},
            None,
        )
    return PASS, _("Every child is under 18."), None


@rule("CHILD_ADOPTABLE", "¶50-52")
def child_adoptable(facts: CaseFacts, on: date):
    problems = []
    if facts.kind == CaseKind.STEPPARENT and not facts.documents_on(on, CaseDocumentKind.STEPPARENT_PROOF):
        problems.append(_("a stepparent case needs the proof that an applicant is married to the child's parent"))
    if facts.kind == CaseKind.GUARDIAN and not (
        facts.documents_on(on, CaseDocumentKind.GUARDIANSHIP_PROOF)
        or all(register_state_on(c.entries, on).reason in (GUARDIANSHIP, FOSTER_CARE) for c in facts.children)
    ):
        problems.append(_("a guardian case needs the proof of guardianship or foster care"))
    for child in facts.children:
        if facts.kind == CaseKind.STANDARD and not register_state_on(child.entries, on).on_register:
            problems.append(
                _("child %(name)s is on no register of children deprived of parental care") % {"name": _who(child)}
            )
        missing = uncovered_parents(child.grounds, on, child.consents, facts.applicant_ids)
        if missing:
            problems.append(
                _(
                    "child %(name)s has no ground of adoptability for: %(parents)s (a court decision in force, "
                    "a consent record for these applicants, or another documented ground)"
                )
                % {"name": _who(child), "parents": ", ".join(str(_(p)) for p in missing)}
            )
    if problems:
        return FAIL, _("Not adoptable: %(problems)s.") % {"problems": "; ".join(problems)}, None
    return PASS, _("Every child is on a register where needed and every parent is covered by a ground."), None


@rule("NO_COMPETING_ADOPTION", "¶47, ¶49")
def no_competing_adoption(facts: CaseFacts, on: date):
    granted = sorted({o.id for o in facts.other_cases if o.granted_on(on)})
    if any(o.child_id in facts.adopted_elsewhere for o in facts.other_cases if o.id in granted):
        # the case that adopted a sealed child leads to its adoptive family (RULES §9)
        return FAIL, _("Adoption already granted in another case."), None
    if granted:
        return FAIL, _("Adoption already granted in case %(ids)s.") % {"ids": _names(granted)}, None
    at_court = sorted({o.id for o in facts.other_cases if o.at_court_on(on)})
    if at_court:
        return FAIL, _("Case %(ids)s for the same child is before a court.") % {"ids": _names(at_court)}, None
    return PASS, _("No other case for the child is before a court or granted."), None


@rule("DOMESTIC_PREFERENCE", "MFA art. 76(2); CRC art. 21(b); ¶59", preference_applies)
def domestic_preference(facts: CaseFacts, on: date):
    preferred = sorted(
        {
            o.id
            for o in facts.other_cases
            if o.category in (Category.RELATIVE, Category.RESIDENT_CITIZEN) and o.open_on(on)
        }
    )
    if preferred:
        return (
            PENDING,
            _("Case %(ids)s by relatives or citizens living in Kazakhstan is open and has preference.")
            % {"ids": _names(preferred)},
            None,
        )
    if facts.databank is None or facts.historical:
        if not any(d <= on for d in facts.domestic_searches):
            return (
                FAIL,
                _("The guardianship agency has not recorded the outcome of the search for a family in Kazakhstan."),
                None,
            )
        return PASS, _("No family in Kazakhstan is waiting for this child, and the search outcome is recorded."), None
    return _search_by_proposals(facts.databank, [c.id for c in facts.children], on)


def _search_by_proposals(bank: DatabankFacts, children: list[int], on: date):
    """Issue 19: the search is the databank's record: every registered family whose wishes fit
    the child on `on` was proposed the child and declined, or did not answer in time."""
    asked = refused = 0
    waiting, accepted = [], []
    for child in children:
        for family in bank.asked.get(child, ()):
            proposal = next(p for p in bank.proposals if p.child_id == child and p.family_id == family)
            asked += 1
            answered = proposal.answered_on is not None and proposal.answered_on <= on
            lapsed = unanswered_from(proposal.proposed_on, bank.answer_days)
            if (answered and proposal.answer in ("declined", "no_answer")) or (not answered and on >= lapsed):
                refused += 1
            elif answered and proposal.answer == "accepted":
                accepted.append(family)
            else:
                waiting.append(lapsed)
    counts = {"asked": asked, "refused": refused}
    if accepted:
        return (
            FAIL,
            _("Applicant %(ids)s in Kazakhstan accepted the child (%(asked)s families that fit asked).")
            % {"ids": _names(sorted(set(accepted))), **counts},
            None,
        )
    not_asked = sorted({family for child, family in bank.unasked if child in children})
    if not_asked:
        named = {"ids": _names(not_asked[:UNASKED_NAMED]), "n": min(len(not_asked), UNASKED_NAMED), **counts}
        if len(not_asked) > UNASKED_NAMED:
            detail = _(
                "More than %(n)s registered families whose wishes fit were not proposed the child (applicant "
                "%(ids)s and others); %(asked)s were asked, %(refused)s declined or did not answer."
            )
        else:
            detail = _(
                "%(n)s registered families whose wishes fit were not proposed the child (applicant %(ids)s); "
                "%(asked)s were asked, %(refused)s declined or did not answer."
            )
        return FAIL, detail % named, None
    if waiting:
        until = max(waiting)
        return (
            PENDING,
            _("%(asked)s families that fit were asked; an answer is awaited until %(date)s.")
            % {"date": in_text(until - timedelta(days=1)), **counts},
            until,
        )
    if not asked:
        return PASS, _("No registered family in Kazakhstan wishes to take in this child (the databank)."), None
    return (
        PASS,
        _("All %(asked)s registered families whose wishes fit were proposed the child and declined or did not answer.")
        % counts,
        None,
    )


@rule("CENTRAL_REGISTER_WAIT", "MFA art. 76(2), art. 101(3)", wait_applies)
def central_register_wait(facts: CaseFacts, on: date):
    waits = []
    for child in facts.children:
        central_on = register_state_on(child.entries, on).central_on
        if central_on is None:
            return FAIL, _("Child %(name)s is not on the central register.") % {"name": _who(child)}, None
        waits.append(right_arises(central_on, CENTRAL_WAIT_MONTHS))
    allowed_from = max(waits)
    if on < allowed_from:
        return (
            PENDING,
            _("Three months on the central register have not expired: adoption is possible from %(date)s.")
            % {"date": in_text(allowed_from)},
            allowed_from,
        )
    return (
        PASS,
        _("Three months on the central register expired; possible since %(date)s.") % {"date": in_text(allowed_from)},
        None,
    )


@rule("PERSONAL_CONTACT", "MFA art. 76(3)", foreign_applicants)
def personal_contact(facts: CaseFacts, on: date):
    missing: list[str] = []
    waiting_until: list[tuple] = []  # (the day two weeks are complete, applicant id, child id, applicant, child)
    short: list[tuple] = []
    for applicant in facts.applicants:
        for child in facts.children:
            days = sorted(
                c.on for c in facts.contacts if c.applicant_id == applicant.id and c.child_id == child.id and c.on <= on
            )
            if not days:
                missing.append(_("applicant %(a)s with child %(c)s") % {"a": _who(applicant), "c": _who(child)})
                continue
            needed = days[0] + timedelta(days=CONTACT_DAYS)
            if days[-1] < needed:
                (waiting_until if on < needed else short).append((needed, applicant.id, child.id, applicant, child))
    if missing:
        return FAIL, _("No personal contact recorded: %(pairs)s.") % {"pairs": "; ".join(missing)}, None
    if short:
        needed, _a, _c, applicant, child = max(short, key=lambda row: row[:3])
        return (
            FAIL,
            _("Record a contact of applicant %(a)s with child %(c)s on or after %(date)s (two weeks after the first).")
            % {"a": _who(applicant), "c": _who(child), "date": in_text(needed)},
            None,
        )
    if waiting_until:
        needed = max(w[0] for w in waiting_until)
        return (
            PENDING,
            _("Two weeks of contact are completed by a contact on or after %(date)s.") % {"date": in_text(needed)},
            needed,
        )
    return PASS, _("Every applicant has had personal contact with every child over at least two weeks."), None


def valid_through(issued_on: date, months: int) -> date:
    """§5: a document valid N months is valid through the same-numbered day N months later."""
    return add_months(issued_on, months)


def validity_months(kind: str, policy: PolicyFacts) -> int | None:
    """How many months a document of `kind` counts for its check (RULES §4); None: it does not expire."""
    if kind == CaseDocumentKind.MEDICAL_CERTIFICATE:
        return policy.health_certificate_validity_months  # ADOPTER_HEALTH
    if kind in DOSSIER_REPORTS:
        return policy.dossier_validity_months  # FOREIGN_DOSSIER
    if kind in INCOME_EVIDENCE:
        return policy.adopter_certificate_validity_months  # ADOPTER_NOT_BARRED
    return None


def accredited(agencies: Mapping[int, AgencyFacts], agency_id: int | None, day: date) -> bool:
    """`agency_id` names an agency of the register accredited (and not suspended) on `day`."""
    return agency_id is not None and agency_id in agencies and agencies[agency_id].accredited_on(day)


@rule("FOREIGN_DOSSIER", "MFA art. 76(3)", foreign_applicants)
def foreign_dossier(facts: CaseFacts, on: date):
    problems = []
    if not facts.documents_on(on, CaseDocumentKind.APPLICATION):
        problems.append(_("the written application is missing"))
    for kind in DOSSIER_REPORTS:
        reports = facts.documents_on(on, kind)
        named = CaseDocumentKind(kind).label  # "report on financial solvency": the page's words, not the code
        if not reports:
            problems.append(_("the %(kind)s is missing") % {"kind": named})
            continue
        licensed = [d for d in reports if accredited(facts.agencies, d.agency_id, d.issued_on)]
        if not licensed:
            problems.append(
                _("the %(kind)s was not issued by an agency accredited on its issue date") % {"kind": named}
            )
            continue
        latest = max(licensed, key=lambda d: d.issued_on)
        months = validity_months(kind, facts.policy)
        assert months is not None
        if on > valid_through(latest.issued_on, months):
            problems.append(
                _("the %(kind)s of %(date)s is older than %(months)s months")
                % {"kind": named, "date": in_text(latest.issued_on), "months": months}
            )
    if problems:
        return FAIL, _("Dossier incomplete: %(problems)s.") % {"problems": "; ".join(problems)}, None
    return PASS, _("The application and the four reports of accredited agencies are on file and current."), None


def first_foreign_entry(number: str, registered_on: date | None, months: int) -> tuple[date, date] | None:
    """The foreign citizens' register's entry kept on the applicant by v1 (its number and date):
    from its date through `months` later (`foreign_register_validity_months`, §11.6); None
    without a number or a date."""
    if not number or registered_on is None:
        return None
    return registered_on, valid_through(registered_on, months)


def registered_through(applicant: ApplicantFacts, register: str, on: date, policy: PolicyFacts) -> date | None:
    """The last day the applicant stays on `register` from `on`, entries that follow one another
    without a day between joined; None: not on it on `on`. An entry holds from registered_on
    through valid_until (§11.7); the v1 fields of the foreign register count for
    `foreign_register_validity_months` (§11.6)."""
    spans = [(r.registered_on, r.valid_until) for r in applicant.registrations if r.register == register]
    first = first_foreign_entry(
        applicant.foreign_register_number, applicant.foreign_registered_on, policy.foreign_register_validity_months
    )
    if register == Register.FOREIGN_ADOPTERS and first:
        spans.append(first)
    through = None
    while True:
        day = on if through is None else through + timedelta(days=1)
        holding = [end for start, end in spans if start <= day <= end]
        if not holding:
            return through
        through = max(holding)


def register_ends(facts: CaseFacts, register: str, *, citizens: bool, on: date) -> dict[int, date | None]:
    """applicant -> the last day it stays on `register` from `on` (None: not on it), for the
    applicants the register is for: the citizens of Kazakhstan, or the foreigners."""
    return {
        a.id: registered_through(a, register, on, facts.policy)
        for a in facts.applicants
        if (a.citizenship == KZ) == citizens
    }


def register_keeper(register: str, residence_country: str) -> str:
    """Who keeps an applicant's entries on `register` (CMF art. 89; RULES §11.4): a resident on the
    citizens' register, the district's guardianship agency; everyone else, the ministry."""
    if register == Register.PROSPECTIVE_ADOPTERS and residence_country == KZ:
        return Role.GUARDIANSHIP
    return Role.MINISTRY


class Holding(NamedTuple):
    """What a keeper's entries of a case hold (`registers_hold_through`)."""

    through: date | None  # their last day from `on`; None: one of them is missing
    applicants: tuple[int, ...]  # whose entries end that day, or are missing: the ones to record


def registers_hold_through(facts: CaseFacts, on: date) -> dict[str, Holding]:
    """keeper (`register_keeper`) -> through which day the case's entries it keeps on the
    registers of adopters hold, from `on`, for the checks of them that apply, and whose they are
    (each keeper's queue says so before they run out); `through` None: an applicant whose entry it
    keeps is not on the register on `on`, and `applicants` are those not on it. Only the keepers
    of the applicants those checks ask for: empty when none applies."""
    residence = {a.id: a.residence_country for a in facts.applicants}
    ends: dict[str, dict[int, date | None]] = {}
    for rule_ in RULES:
        if rule_.code in REGISTERS_OF_CHECKS and rule_.applies(facts, on) is None:
            register, citizens = REGISTERS_OF_CHECKS[rule_.code]
            for applicant_id, end in register_ends(facts, register, citizens=citizens, on=on).items():
                # a citizen on one register, a foreigner on the other: an applicant once
                ends.setdefault(register_keeper(register, residence[applicant_id]), {})[applicant_id] = end
    held = {}
    for keeper, by_applicant in ends.items():
        missing = tuple(pk for pk, end in by_applicant.items() if end is None)
        through = None if missing else min(end for end in by_applicant.values() if end)
        held[keeper] = Holding(through, missing or tuple(pk for pk, end in by_applicant.items() if end == through))
    return held


@rule("FOREIGN_ADOPTER_REGISTERED", "¶58", foreign_applicants)
def foreign_adopter_registered(facts: CaseFacts, on: date):
    return _on_the_register(facts, "FOREIGN_ADOPTER_REGISTERED", on)


@rule("APPLICATION_FILED", "MFA art. 76(3); ¶47")
def application_filed(facts: CaseFacts, on: date):
    if facts.documents_on(on, CaseDocumentKind.APPLICATION):
        return PASS, _("A written application to the guardianship agency is on file."), None
    return FAIL, _("No written application to the guardianship agency is recorded."), None


@rule("ADOPTER_HEALTH", "¶58")
def adopter_health(facts: CaseFacts, on: date):
    months, barring = (
        validity_months(CaseDocumentKind.MEDICAL_CERTIFICATE, facts.policy),
        set(facts.policy.barring_conditions),
    )
    assert months is not None
    problems = []
    for applicant in facts.applicants:
        certificates = facts.documents_on(on, CaseDocumentKind.MEDICAL_CERTIFICATE, applicant.id)
        if not certificates:
            problems.append(_("applicant %(name)s has no medical certificate") % {"name": _who(applicant)})
            continue
        latest = certificates[-1]
        if on > valid_through(latest.issued_on, months):
            problems.append(
                _("the medical certificate of applicant %(name)s (%(date)s) is older than %(months)s months")
                % {"name": _who(applicant), "date": in_text(latest.issued_on), "months": months}
            )
        listed = sorted(barring & set(latest.conditions))
        if listed:
            problems.append(
                _("the medical certificate of applicant %(name)s lists a condition that bars adoption: %(conditions)s")
                % {"name": _who(applicant), "conditions": ", ".join(listed)}
            )
    if problems:
        return FAIL, _("Health: %(problems)s.") % {"problems": "; ".join(problems)}, None
    return PASS, _("Every applicant has a current medical certificate with no barring condition."), None


@rule("CHILD_CONSENT", "MFA art. 84; ¶54")
def child_consent(facts: CaseFacts, on: date):
    older = [c for c in facts.children if age_on(c.birth_date, on) >= CONSENT_AGE]
    if not older:
        return NOT_APPLICABLE, _("No child is 10 or older."), None
    missing = []
    for child in older:
        # Only a consent given once the child was 10 counts (the more protective reading of art. 84).
        from_age = reaches_age_on(child.birth_date, CONSENT_AGE)
        if not any(
            c.child_id == child.id and from_age <= c.given_on <= on and not (c.withdrawn_on and c.withdrawn_on <= on)
            for c in facts.consents
        ):
            missing.append(child.id)
    if missing:
        return (
            FAIL,
            _("Child %(ids)s, aged 10 or more, has not consented (or withdrew consent).")
            % {"ids": _named(facts.children, missing)},
            None,
        )
    return PASS, _("Every child aged 10 or more has consented."), None


# --- who may adopt (§1a, v2) ---------------------------------------------------------------------


def couple(facts: CaseFacts, on: date) -> str | None:
    return None if len(facts.applicants) == 2 else _("One person adopts alone.")


@rule("APPLICANTS_MARRIED", "CMF art. 89", couple)
def applicants_married(facts: CaseFacts, on: date):
    both = facts.applicant_ids
    if any(
        frozenset(d.named_applicants) == both for d in facts.documents_on(on, CaseDocumentKind.MARRIAGE_CERTIFICATE)
    ):
        return PASS, _("A marriage certificate names both applicants."), None
    return (
        FAIL,
        _("Two people adopt together only as spouses: no marriage certificate naming applicants %(ids)s is on file.")
        % {"ids": _named(facts.applicants, both)},
        None,
    )


def married_alone(facts: CaseFacts, on: date) -> str | None:
    if len(facts.applicants) == 1 and facts.applicants[0].marital_status == MaritalStatus.MARRIED:
        return None
    return _("No applicant adopts alone while married.")


@rule("SPOUSE_CONSENT", "CMF (spouse's consent)", married_alone)
def spouse_consent(facts: CaseFacts, on: date):
    applicant = facts.applicants[0]
    if facts.documents_on(on, CaseDocumentKind.SPOUSE_CONSENT, applicant.id):
        return PASS, _("The spouse's written consent is on file."), None
    if facts.documents_on(on, CaseDocumentKind.SPOUSE_CONSENT_EXCEPTION, applicant.id):
        return PASS, _("A document shows the spouse's consent is not needed (separation or incapacity)."), None
    if facts.kind == CaseKind.STEPPARENT and any(  # §11.10: the spouse is the parent who consented
        c.parent in ("mother", "father") and c.covers(on, facts.applicant_ids)
        for child in facts.children
        for c in child.consents
    ):
        return PASS, _("The spouse, the child's parent, consented to the adoption by the applicant."), None
    return (
        FAIL,
        _(
            "Applicant %(name)s is married and adopts alone: the spouse's written consent (or a document for an "
            "exception) is missing."
        )
        % {"name": _who(applicant)},
        None,
    )


@rule("ADOPTER_NOT_BARRED", "CMF art. 91")
def adopter_not_barred(facts: CaseFacts, on: date):
    policy, problems = facts.policy, []
    incomes: list[DocumentFacts] = []
    for applicant in facts.applicants:
        for kind in INCOME_EVIDENCE:
            documents, months = facts.documents_on(on, kind, applicant.id), validity_months(kind, policy)
            assert months is not None
            if not documents:
                problems.append(
                    _("applicant %(name)s: the %(kind)s is missing")
                    % {"name": _who(applicant), "kind": CaseDocumentKind(kind).label}
                )
            elif on > valid_through(documents[-1].issued_on, months):
                problems.append(
                    _("applicant %(name)s: the %(kind)s of %(date)s is older than %(months)s months")
                    % {
                        "name": _who(applicant),
                        "kind": CaseDocumentKind(kind).label,
                        "date": in_text(documents[-1].issued_on),
                        "months": months,
                    }
                )
            elif kind == CaseDocumentKind.INCOME_STATEMENT:
                incomes.append(documents[-1])
        for fact in applicant.barring_facts:
            problems.append(
                _("applicant %(name)s is barred: %(fact)s") % {"name": _who(applicant), "fact": BarringFact(fact).label}
            )
        if applicant.citizenship == STATELESS:
            problems.append(_("applicant %(name)s is stateless") % {"name": _who(applicant)})
        if (
            policy.bar_unmarried_men
            and len(facts.applicants) == 1
            and applicant.sex == "M"
            and applicant.marital_status != MaritalStatus.MARRIED
            and not applicant.raised_child_three_years
        ):
            problems.append(
                _(
                    "applicant %(name)s is a man who is not married: he adopts alone only if he has raised the child "
                    "for three years after the mother's death or deprivation of her parental rights"
                )
                % {"name": _who(applicant)}
            )
    if len(incomes) == len(facts.applicants):
        problem = _income_problem(facts, incomes)
        if problem:
            problems.append(problem)
    if problems:
        return FAIL, _("Barred or evidence missing: %(problems)s.") % {"problems": "; ".join(problems)}, None
    return PASS, _("Every applicant's certificates are current, the income suffices and nothing bars them."), None


def _amount(kzt: Decimal | int) -> str:
    """A sum of tenge in a sentence, grouped as the reader's language writes it, in whole tenge
    rounded down: an income below the minimum never reads as equal to it."""
    return number_format(Decimal(kzt).to_integral_value(ROUND_FLOOR), decimal_pos=0, force_grouping=True)


def _income_problem(facts: CaseFacts, incomes: list[DocumentFacts]) -> str | None:
    """§11.9: the applicants' income per person of the household after the adoption."""
    minimum = facts.policy.subsistence_minimum
    if minimum is None:
        return _("the ministry has not set the subsistence minimum (a policy value), so income cannot be judged")
    household = max((d.household_size for d in incomes if d.household_size), default=len(facts.applicants))
    people = household + len(facts.children)
    per_person = sum((d.amount or Decimal(0) for d in incomes), Decimal(0)) / people
    if per_person < minimum:
        return _(
            "the income per person of the household (%(income)s KZT a month for %(people)s people) is below "
            "the subsistence minimum of %(minimum)s KZT"
        ) % {"income": _amount(per_person), "people": people, "minimum": _amount(minimum)}
    return None


def citizens_registering(facts: CaseFacts, on: date) -> str | None:
    """§11.5: every KZ-citizen applicant, in cases that are neither relative nor stepparent cases."""
    if not any(a.citizenship == KZ for a in facts.applicants):
        return _("No applicant is a citizen of Kazakhstan.")
    if facts.kind == CaseKind.STEPPARENT:
        return _("A stepparent needs no register entry.")
    if relative(facts, on):
        return _("The applicants are proven relatives of the child.")
    return None


@rule("ADOPTER_REGISTERED", "CMF art. 89", citizens_registering)
def adopter_registered(facts: CaseFacts, on: date):
    return _on_the_register(facts, "ADOPTER_REGISTERED", on)


# the checks of the registers of adopters: the register, whether it is the citizens', what each says
REGISTERS_OF_CHECKS = {
    "ADOPTER_REGISTERED": (Register.PROSPECTIVE_ADOPTERS, True),
    "FOREIGN_ADOPTER_REGISTERED": (Register.FOREIGN_ADOPTERS, False),
}
ON_THE_REGISTER = {  # (not on it, every one on it)
    "ADOPTER_REGISTERED": (
        gettext_lazy("Applicant %(ids)s is not on the register of citizens wishing to adopt (valid on %(date)s)."),
        gettext_lazy("Every applicant who is a citizen is on the register of prospective adopters (through %(date)s)."),
    ),
    "FOREIGN_ADOPTER_REGISTERED": (
        gettext_lazy(
            "Applicant %(ids)s is not on the register of foreign citizens wishing to adopt (valid on %(date)s)."
        ),
        gettext_lazy(
            "Every foreign applicant is on the register of foreign citizens wishing to adopt (through %(date)s)."
        ),
    ),
}


def _on_the_register(facts: CaseFacts, code: str, on: date):
    """Every applicant the check's register is for is on it on `on` (§11.5-11.7); its pass says
    through which day the entries hold."""
    register, citizens = REGISTERS_OF_CHECKS[code]
    ends = register_ends(facts, register, citizens=citizens, on=on)
    unregistered = [pk for pk, end in ends.items() if end is None]
    not_on_it, on_it = ON_THE_REGISTER[code]
    if unregistered:
        return FAIL, not_on_it % {"ids": _named(facts.applicants, unregistered), "date": in_text(on)}, None
    return PASS, on_it % {"date": in_text(min(end for end in ends.values() if end))}, None


def marked_relative(facts: CaseFacts, on: date) -> str | None:
    return None if any(c.is_relative for c in facts.children) else _("The case does not state kinship.")


@rule("KINSHIP_PROVEN", "MFA art. 76(2)", marked_relative)
def kinship_proof(facts: CaseFacts, on: date):
    unproven = [c.id for c in facts.children if c.is_relative and not kinship_proven(facts, c, on)]
    if unproven:
        return (
            FAIL,
            _(
                "Kinship with child %(ids)s is not proven: add a kinship proof (birth or marriage certificates). "
                "Until then the case is not a relative case for any rule."
            )
            % {"ids": _named(facts.children, unproven)},
            None,
        )
    return PASS, _("Kinship with every child is proven by a document."), None


def has_guardian(facts: CaseFacts, on: date) -> str | None:
    """§11.11: a guardian case, or a child under guardianship or in foster care; not when an
    applicant is the guardian the proof names."""
    if guardians_named(facts, on) & facts.applicant_ids:
        return _("An applicant is the child's guardian.")
    placed = any(register_state_on(c.entries, on).reason in (GUARDIANSHIP, FOSTER_CARE) for c in facts.children)
    if facts.kind == CaseKind.GUARDIAN or placed or guardians_named(facts, on):
        return None
    return _("No child of the case has a guardian or foster carer.")


@rule("GUARDIAN_CONSENT", "CMF (consent of guardians)", has_guardian)
def guardian_consent(facts: CaseFacts, on: date):
    missing = [
        c.id
        for c in facts.children
        if not any(k.parent == GUARDIAN and k.covers(on, facts.applicant_ids) for k in c.consents)
    ]
    if missing:
        return (
            FAIL,
            _("The written consent of the guardian or foster carer of child %(ids)s is missing or withdrawn.")
            % {"ids": _named(facts.children, missing)},
            None,
        )
    return PASS, _("The guardian or foster carer consented."), None


# --- the Hague Convention (§7a, v2) -------------------------------------------------------------


def hague_country(facts: CaseFacts, on: date) -> str | None:
    """A foreign adoption whose receiving country is a party to HC93 on `on`."""
    if not facts.receiving_country:
        return _("The child will not live abroad.")
    since = facts.hague.party_since
    if since is None or since > on:
        return _("The receiving country %(country)s is not a party to the Hague Convention on this date.") % {
            "country": facts.receiving_country
        }
    return None


HAGUE_STEPS = (
    ("art15_report_received_on", gettext_lazy("the receiving Central Authority's report on the applicants (art. 15)")),
    ("art16_report_sent_on", gettext_lazy("the report on the child sent (art. 16)")),
    (
        "art17_agreement_on",
        gettext_lazy("both Central Authorities' agreement that the adoption may proceed (art. 17(c))"),
    ),
)


@rule("HAGUE_AGREEMENT", "HC93 art. 15-17", hague_country)
def hague_agreement(facts: CaseFacts, on: date):
    missing = [
        str(label)
        for name, label in HAGUE_STEPS
        if not (getattr(facts.hague, name) and getattr(facts.hague, name) <= on)
    ]
    if missing:
        return FAIL, _("The Hague procedure is not complete: %(steps)s.") % {"steps": "; ".join(missing)}, None
    return PASS, _("The reports of art. 15 and 16 and the agreement of art. 17(c) are recorded."), None


# --- warnings ------------------------------------------------------------------------------------


def age_gap_short(facts: CaseFacts) -> list[tuple[ApplicantFacts, ChildFacts]]:
    """(applicant, child) pairs under CMF art. 92's 16 years; none for a stepparent; married
    applicants only when the policy says `all`."""
    if facts.kind == CaseKind.STEPPARENT:
        return []
    return [
        (applicant, child)
        for applicant in facts.applicants
        if applicant.birth_date
        and (facts.policy.age_gap_applies_to == "all" or applicant.marital_status != MaritalStatus.MARRIED)
        for child in facts.children
        if reaches_age_on(applicant.birth_date, AGE_GAP_YEARS) > child.birth_date
    ]


def warnings_for(facts: CaseFacts, on: date) -> list[Finding]:
    found = []
    for child in facts.children:
        sealed = not child.name or child.id in facts.adopted_elsewhere
        if child.siblings_on_register and sealed:  # its birth family is not named
            found.append(
                Finding(
                    "SIBLINGS_SEPARATED",
                    _("Child %(name)s has a sibling on a register who is not in this case.") % {"name": _who(child)},
                )
            )
        elif child.siblings_on_register:
            found.append(
                Finding(
                    "SIBLINGS_SEPARATED",
                    _("Child %(name)s has a sibling on a register who is not in this case: %(ids)s.")
                    % {
                        "name": _who(child),
                        "ids": ", ".join(
                            name or f"#{i}"
                            for i, name in zip_longest(child.siblings_on_register, child.sibling_names, fillvalue="")
                        ),
                    },
                )
            )
        if child.citizenship != KZ:
            found.append(
                Finding(
                    "CHILD_NOT_KZ_CITIZEN",
                    _("Child %(name)s is not a citizen of Kazakhstan (%(citizenship)s): art. 76(2) does not apply.")
                    % {"name": _who(child), "citizenship": child.citizenship},
                )
            )
    for applicant, child in age_gap_short(facts):
        found.append(
            Finding(
                "AGE_GAP",
                _("Applicant %(a)s is less than 16 years older than child %(c)s; only the court may allow it.")
                % {"a": _who(applicant), "c": _who(child)},
            )
        )
    return found


ELIGIBLE_SINCE_DAYS = 31  # how far back the referral looks for the day the last check passed


def eligible_since(facts: CaseFacts, on: date, days: int = ELIGIBLE_SINCE_DAYS) -> date | None:
    """The first day of the unbroken run of eligible days ending on `on`, or None when the case was
    eligible on every one of the `days` before (RULES v2 §7b RUSHED_CASE). The day after `on` when
    the case was not eligible on `on` at all: a referral judged again once a date it was judged by
    was corrected (`adoption.services.judge_again_after_a_placement`) was made before its checks
    passed."""
    if not evaluate(facts, on).eligible:
        return on + timedelta(days=1)
    first = on
    for back in range(1, days + 1):
        day = on - timedelta(days=back)
        if not evaluate(facts, day).eligible:
            return first
        first = day
    return None


def evaluate(facts: CaseFacts, on: date) -> Eligibility:
    """Every check of §4 on `on`, with the warnings; `eligible` when none fails or is pending."""
    checks = []
    for r in RULES:
        basis = facts.citations.get(r.code, r.basis)
        not_applicable = r.applies(facts, on)
        if not_applicable is not None:
            checks.append(Check(r.code, NOT_APPLICABLE, basis, not_applicable, None))
            continue
        status, detail, satisfiable_on = r.check(facts, on)
        checks.append(Check(r.code, status, basis, detail, satisfiable_on))
    eligible = all(c.status in (PASS, NOT_APPLICABLE) for c in checks)
    return Eligibility(facts.id, on, facts.category, eligible, tuple(checks), tuple(warnings_for(facts, on)))
