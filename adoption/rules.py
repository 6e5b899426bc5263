"""The law of adoption as pure functions of (facts, as_of): RULES.md §1 and §4.

Each check lives here once, names its legal basis, and sees only what existed on
`as_of` (records dated later do not exist for it). `facts.py` loads the facts;
nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from core.countries import KZ
from core.dates import add_months, age_on, is_minor, reaches_age_on, right_arises
from registry.rules import Entry, GroundFact, register_state_on, uncovered_parents

from .models import CaseDocumentKind, Category

PASS, FAIL, PENDING, NOT_APPLICABLE = "pass", "fail", "pending", "not_applicable"

CENTRAL_WAIT_MONTHS = 3  # MFA art. 76(2), art. 101(3)
CONTACT_DAYS = 14  # MFA art. 76(3): two weeks of personal contact
CONSENT_AGE = 10  # MFA art. 84; ¶54
AGE_GAP_YEARS = 16  # the court may allow less
DOSSIER_REPORTS = (
    CaseDocumentKind.FINANCIAL_SOLVENCY,
    CaseDocumentKind.FAMILY_SITUATION,
    CaseDocumentKind.HEALTH_REPORT,
    CaseDocumentKind.MORAL_QUALITIES,
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


@dataclass(frozen=True)
class DocumentFacts:
    kind: str
    issued_on: date
    applicant_id: int | None = None
    issuer_licence: str = ""
    licence_valid_until: date | None = None
    conditions: tuple[str, ...] = ()


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
    """Another case for one of this case's children, with the dates of its stages."""

    id: int
    child_id: int
    category: str
    opened_on: date
    referred_on: date | None = None
    decided_on: date | None = None
    outcome: str = ""
    closed_on: date | None = None

    def open_on(self, on: date) -> bool:
        return (
            self.opened_on <= on
            and not (self.closed_on and self.closed_on <= on)
            and not (self.outcome == "refused" and self.decided_on and self.decided_on <= on)
        )

    def granted_on(self, on: date) -> bool:
        return self.outcome == "granted" and self.decided_on is not None and self.decided_on <= on

    def at_court_on(self, on: date) -> bool:
        return self.referred_on is not None and self.referred_on <= on and self.open_on(on) and not self.granted_on(on)


@dataclass(frozen=True)
class PolicyFacts:
    dossier_validity_months: int = 12
    health_certificate_validity_months: int = 12
    barring_conditions: tuple[str, ...] = ()


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


# --- category (§1) --------------------------------------------------------------------------


def derive_category(applicants: list[ApplicantFacts], *, relative: bool) -> str:
    """RULES §1, in order: relative, foreigner, non-resident citizen, resident citizen."""
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

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": str(self.detail)}


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
    basis: str
    categories: frozenset[str] | None  # None: every category
    check: Callable[[CaseFacts, date], tuple[str, str, date | None]]


RULES: list[Rule] = []
ALL = None
FOREIGN_ONLY = frozenset({Category.FOREIGNER})


def rule(code: str, basis: str, categories: frozenset[str] | None = ALL):
    def register(fn):
        RULES.append(Rule(code, basis, categories, fn))
        return fn

    return register


def _names(ids) -> str:
    return ", ".join(f"#{i}" for i in ids)


@rule("CHILD_MINOR", "MFA art. 76(1); ¶47")
def child_minor(facts: CaseFacts, on: date):
    adults = [c.id for c in facts.children if not is_minor(c.birth_date, on)]
    if adults:
        return FAIL, _("Child %(ids)s is 18 or older and can no longer be adopted.") % {"ids": _names(adults)}, None
    return PASS, _("Every child is under 18."), None


@rule("CHILD_ADOPTABLE", "¶50-52")
def child_adoptable(facts: CaseFacts, on: date):
    problems = []
    for child in facts.children:
        if not register_state_on(child.entries, on).on_register:
            problems.append(
                _("child #%(id)s is on no register of children deprived of parental care") % {"id": child.id}
            )
        missing = uncovered_parents(child.grounds, on)
        if missing:
            problems.append(
                _("child #%(id)s has no documented ground of adoptability for: %(parents)s")
                % {"id": child.id, "parents": ", ".join(str(_(p)) for p in missing)}
            )
    if problems:
        return FAIL, _("Not adoptable: %(problems)s.") % {"problems": "; ".join(problems)}, None
    return PASS, _("Every child is on a register and every parent is covered by a documented ground."), None


@rule("NO_COMPETING_ADOPTION", "¶47, ¶49")
def no_competing_adoption(facts: CaseFacts, on: date):
    granted = sorted({o.id for o in facts.other_cases if o.granted_on(on)})
    if granted:
        return FAIL, _("Adoption already granted in case %(ids)s.") % {"ids": _names(granted)}, None
    at_court = sorted({o.id for o in facts.other_cases if o.at_court_on(on)})
    if at_court:
        return FAIL, _("Case %(ids)s for the same child is before a court.") % {"ids": _names(at_court)}, None
    return PASS, _("No other case for the child is before a court or granted."), None


@rule("DOMESTIC_PREFERENCE", "MFA art. 76(2); CRC art. 21(b); ¶59", FOREIGN_ONLY)
def domestic_preference(facts: CaseFacts, on: date):
    if not any(d <= on for d in facts.domestic_searches):
        return (
            FAIL,
            _("The guardianship agency has not recorded the outcome of the search for a family in Kazakhstan."),
            None,
        )
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
    return PASS, _("No family in Kazakhstan is waiting for this child, and the search outcome is recorded."), None


@rule(
    "CENTRAL_REGISTER_WAIT",
    "MFA art. 76(2), art. 101(3)",
    frozenset({Category.FOREIGNER, Category.NONRESIDENT_CITIZEN}),
)
def central_register_wait(facts: CaseFacts, on: date):
    waits = []
    for child in facts.children:
        central_on = register_state_on(child.entries, on).central_on
        if central_on is None:
            return FAIL, _("Child #%(id)s is not on the central register.") % {"id": child.id}, None
        waits.append(right_arises(central_on, CENTRAL_WAIT_MONTHS))
    allowed_from = max(waits)
    if on < allowed_from:
        return (
            PENDING,
            _("Three months on the central register have not expired: adoption is possible from %(date)s.")
            % {"date": allowed_from.isoformat()},
            allowed_from,
        )
    return (
        PASS,
        _("Three months on the central register expired; possible since %(date)s.")
        % {"date": allowed_from.isoformat()},
        None,
    )


@rule("PERSONAL_CONTACT", "MFA art. 76(3)", FOREIGN_ONLY)
def personal_contact(facts: CaseFacts, on: date):
    waiting_until, missing, short = [], [], []
    for applicant in facts.applicants:
        for child in facts.children:
            days = sorted(
                c.on for c in facts.contacts if c.applicant_id == applicant.id and c.child_id == child.id and c.on <= on
            )
            if not days:
                missing.append(_("applicant #%(a)s with child #%(c)s") % {"a": applicant.id, "c": child.id})
                continue
            needed = days[0] + timedelta(days=CONTACT_DAYS)
            if days[-1] < needed:
                (waiting_until if on < needed else short).append((needed, applicant.id, child.id))
    if missing:
        return FAIL, _("No personal contact recorded: %(pairs)s.") % {"pairs": "; ".join(missing)}, None
    if short:
        needed, a, c = max(short)
        return (
            FAIL,
            _(
                "Record a contact of applicant #%(a)s with child #%(c)s on or after %(date)s (two weeks after the first)."
            )
            % {"a": a, "c": c, "date": needed.isoformat()},
            None,
        )
    if waiting_until:
        needed = max(w[0] for w in waiting_until)
        return (
            PENDING,
            _("Two weeks of contact are completed by a contact on or after %(date)s.") % {"date": needed.isoformat()},
            needed,
        )
    return PASS, _("Every applicant has had personal contact with every child over at least two weeks."), None


def _valid_until(issued_on: date, months: int) -> date:
    """A document is 'not older than N months' through the same-numbered day N months later."""
    return add_months(issued_on, months)


@rule("FOREIGN_DOSSIER", "MFA art. 76(3)", FOREIGN_ONLY)
def foreign_dossier(facts: CaseFacts, on: date):
    months = facts.policy.dossier_validity_months
    problems = []
    if not any(d.kind == CaseDocumentKind.APPLICATION and d.issued_on <= on for d in facts.documents):
        problems.append(_("the written application is missing"))
    for kind in DOSSIER_REPORTS:
        reports = [d for d in facts.documents if d.kind == kind and d.issued_on <= on]
        if not reports:
            problems.append(_("the %(kind)s report is missing") % {"kind": kind})
            continue
        licensed = [
            d for d in reports if d.issuer_licence and d.licence_valid_until and d.licence_valid_until >= d.issued_on
        ]
        if not licensed:
            problems.append(
                _("the %(kind)s report was not issued by an agency with a valid state licence") % {"kind": kind}
            )
            continue
        latest = max(licensed, key=lambda d: d.issued_on)
        if on > _valid_until(latest.issued_on, months):
            problems.append(
                _("the %(kind)s report of %(date)s is older than %(months)s months")
                % {"kind": kind, "date": latest.issued_on.isoformat(), "months": months}
            )
    if problems:
        return FAIL, _("Dossier incomplete: %(problems)s.") % {"problems": "; ".join(problems)}, None
    return PASS, _("The application and the four licensed reports are on file and current."), None


@rule("FOREIGN_ADOPTER_REGISTERED", "¶58", FOREIGN_ONLY)
def foreign_adopter_registered(facts: CaseFacts, on: date):
    unregistered = [
        a.id
        for a in facts.applicants
        if a.citizenship != KZ
        and not (a.foreign_register_number and a.foreign_registered_on and a.foreign_registered_on <= on)
    ]
    if unregistered:
        return (
            FAIL,
            _("Applicant %(ids)s is not on the register of foreign citizens wishing to adopt.")
            % {"ids": _names(unregistered)},
            None,
        )
    return PASS, _("Every foreign applicant is on the register of foreign citizens wishing to adopt."), None


@rule("APPLICATION_FILED", "MFA art. 76(3); ¶47")
def application_filed(facts: CaseFacts, on: date):
    if any(d.kind == CaseDocumentKind.APPLICATION and d.issued_on <= on for d in facts.documents):
        return PASS, _("A written application to the guardianship agency is on file."), None
    return FAIL, _("No written application to the guardianship agency is recorded."), None


@rule("ADOPTER_HEALTH", "¶58")
def adopter_health(facts: CaseFacts, on: date):
    months, barring = facts.policy.health_certificate_validity_months, set(facts.policy.barring_conditions)
    problems = []
    for applicant in facts.applicants:
        certificates = [
            d
            for d in facts.documents
            if d.kind == CaseDocumentKind.MEDICAL_CERTIFICATE and d.applicant_id == applicant.id and d.issued_on <= on
        ]
        if not certificates:
            problems.append(_("applicant #%(id)s has no medical certificate") % {"id": applicant.id})
            continue
        latest = max(certificates, key=lambda d: d.issued_on)
        if on > _valid_until(latest.issued_on, months):
            problems.append(
                _("the medical certificate of applicant #%(id)s (%(date)s) is older than %(months)s months")
                % {"id": applicant.id, "date": latest.issued_on.isoformat(), "months": months}
            )
        listed = sorted(barring & set(latest.conditions))
        if listed:
            problems.append(
                _("the medical certificate of applicant #%(id)s lists a condition that bars adoption: %(conditions)s")
                % {"id": applicant.id, "conditions": ", ".join(listed)}
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
            _("Child %(ids)s, aged 10 or more, has not consented (or withdrew consent).") % {"ids": _names(missing)},
            None,
        )
    return PASS, _("Every child aged 10 or more has consented."), None


def warnings_for(facts: CaseFacts, on: date) -> list[Finding]:
    found = []
    for child in facts.children:
        if child.siblings_on_register:
            found.append(
                Finding(
                    "SIBLINGS_SEPARATED",
                    _("Child #%(id)s has a sibling on a register who is not in this case: %(ids)s.")
                    % {"id": child.id, "ids": _names(child.siblings_on_register)},
                )
            )
        for applicant in facts.applicants:
            if applicant.birth_date and reaches_age_on(applicant.birth_date, AGE_GAP_YEARS) > child.birth_date:
                found.append(
                    Finding(
                        "AGE_GAP",
                        _("Applicant #%(a)s is less than 16 years older than child #%(c)s; the court may allow it.")
                        % {"a": applicant.id, "c": child.id},
                    )
                )
    return found


def evaluate(facts: CaseFacts, on: date) -> Eligibility:
    """Every check of §4 on `on`, with the warnings; `eligible` when none fails or is pending."""
    checks = []
    for r in RULES:
        if r.categories is not None and facts.category not in r.categories:
            checks.append(Check(r.code, NOT_APPLICABLE, r.basis, _("Does not apply to this category of case."), None))
            continue
        status, detail, satisfiable_on = r.check(facts, on)
        checks.append(Check(r.code, status, r.basis, detail, satisfiable_on))
    eligible = all(c.status in (PASS, NOT_APPLICABLE) for c in checks)
    return Eligibility(facts.id, on, facts.category, eligible, tuple(checks), tuple(warnings_for(facts, on)))
