"""Writes of adoption: applicants, cases and their evidence, and the court stage (RULES §1, §6).

Row locks on the children (and the case) serialise competing referrals and decisions;
the unique child of `Adoption` is the database's last word against a second adoption.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import Verb, audited_correction, audited_update, audited_withdrawal, record_write, snapshot
from core.countries import KZ, citizenship_error, is_country
from core.dates import add_months, age_on, in_text, today
from core.errors import (
    ConflictError,
    FieldError,
    Forbidden,
    RuleError,
    for_roles,
    not_future,
    not_stale,
    raise_errors,
    reason_errors,
)
from core.models import Agency, Country, Court, Policy, Role, User
from core.services import close_reminders
from registry import services as registry_services
from registry.models import Child, ChildStatus, DeregistrationReason
from registry.rules import name_key

from . import deadlines, extensions, rules, workflow
from .facts import eligibility, load_case_facts
from .models import (
    BEFORE_DECISION,
    REFUSAL_APPEALED,
    AdopterRegistration,
    Adoption,
    Appeal,
    Applicant,
    BarringFact,
    Case,
    CaseApplicant,
    CaseChild,
    CaseDocument,
    CaseDocumentKind,
    CaseKind,
    CaseStatus,
    ClosedReason,
    Consent,
    Contact,
    Decision,
    DomesticSearch,
    HagueProcedure,
    Hearing,
    Participant,
    Referral,
    Register,
)

GUARDIANSHIP, FOSTER_CARE = DeregistrationReason.GUARDIANSHIP, DeregistrationReason.FOSTER_CARE
MANDATORY_PARTICIPANTS = {Participant.APPLICANTS, Participant.GUARDIANSHIP, Participant.PROCURATOR}  # ¶47
OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.REFERRED, CaseStatus.HEARD, CaseStatus.DECIDED)


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _applicant_facts(applicants) -> list[rules.ApplicantFacts]:
    return [rules.ApplicantFacts(a.pk, a.sex, a.birth_date, a.citizenship, a.residence_country) for a in applicants]


# --- applicants and cases -------------------------------------------------------------------


APPLICANT_FIELDS = (
    "last_name",
    "first_name",
    "sex",
    "birth_date",
    "citizenship",
    "residence_country",
    "marital_status",
    "foreign_register_number",
    "foreign_registered_on",
    "barring_facts",
    "raised_child_three_years",
)


def _applicant_errors(values: dict) -> list[FieldError]:
    """What an applicant's record may not say (`values`: every field of APPLICANT_FIELDS)."""
    errors: list[FieldError] = [e for e in [citizenship_error("citizenship", values["citizenship"])] if e]
    if not is_country(values["residence_country"]):
        errors.append(
            FieldError(
                "residence_country",
                "invalid_country",
                _("%(code)s is not an ISO 3166 alpha-2 country code.") % {"code": values["residence_country"]},
            )
        )
    unknown = sorted(set(values["barring_facts"] or ()) - set(BarringFact.values))
    if unknown:
        errors.append(
            FieldError(
                "barring_facts",
                "invalid_choice",
                _("Unknown barring fact %(codes)s: one of %(choices)s.")
                % {"codes": ", ".join(unknown), "choices": ", ".join(BarringFact.values)},
            )
        )
    birth_date, registered_on = values["birth_date"], values["foreign_registered_on"]
    not_future("birth_date", birth_date, errors)
    not_future("foreign_registered_on", registered_on, errors)
    if bool(values["foreign_register_number"]) != bool(registered_on):
        errors.append(
            FieldError(
                "foreign_registered_on",
                "incomplete_registration",
                _("The register of foreign citizens wishing to adopt needs both a number and a date."),
            )
        )
    if birth_date and registered_on and registered_on < birth_date:
        errors.append(FieldError("foreign_registered_on", "before_birth", _("Registered before being born.")))
    return errors


def _applicant_values(values: dict) -> dict:
    """The values as stored: texts without surrounding spaces, the barring facts once each, in order."""
    stored = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    if "barring_facts" in stored:
        stored["barring_facts"] = sorted(set(stored["barring_facts"] or ()))
    return stored


@for_roles(Role.GUARDIANSHIP, scope=("district",))
@transaction.atomic
def create_applicant(
    *,
    actor: User | None,
    district,
    last_name: str,
    first_name: str,
    sex: str,
    citizenship: str,
    residence_country: str,
    birth_date: datetime.date | None = None,
    marital_status: str = "",
    foreign_register_number: str = "",
    foreign_registered_on: datetime.date | None = None,
    barring_facts: list[str] | None = None,
    raised_child_three_years: bool = False,
) -> Applicant:
    values = {
        "last_name": last_name,
        "first_name": first_name,
        "sex": sex,
        "birth_date": birth_date,
        "citizenship": citizenship,
        "residence_country": residence_country,
        "marital_status": marital_status,
        "foreign_register_number": foreign_register_number,
        "foreign_registered_on": foreign_registered_on,
        "barring_facts": barring_facts,
        "raised_child_three_years": raised_child_three_years,
    }
    raise_errors(_applicant_errors(values))
    applicant = Applicant.objects.create(
        district=district, search_name=name_key(last_name, first_name), **_applicant_values(values)
    )
    record_write(actor=actor, verb="create_applicant", obj=applicant)
    return applicant


@for_roles(Role.GUARDIANSHIP, scope=("applicant",))
@transaction.atomic
def update_applicant(*, actor: User | None, applicant: Applicant, version: int | None = None, **changes) -> Applicant:
    """Correct an applicant's record, or record what arose since (a fact that bars adopting, a
    marriage), by the agency that recorded them. `version` (the one the user saw) guards against
    lost updates."""
    applicant = Applicant.objects.select_for_update().get(pk=applicant.pk)
    if actor is not None and actor.district_id != applicant.district_id:
        raise Forbidden(
            "applicant", "not_recorded_here", _("An applicant's record is kept by the agency that recorded them.")
        )
    not_stale(applicant, version)
    unknown = sorted(set(changes) - set(APPLICANT_FIELDS))
    if unknown:
        raise RuleError(unknown[0], "not_editable", _("This field cannot be changed here."))
    raise_errors(_applicant_errors({name: changes.get(name, getattr(applicant, name)) for name in APPLICANT_FIELDS}))
    changed = {name: value for name, value in _applicant_values(changes).items() if value != getattr(applicant, name)}
    if not changed:
        return applicant  # nothing to write, nothing to audit
    deriving = {"citizenship", "residence_country"} & set(changed)  # what a case's category is derived from
    cases = Case.objects.select_for_update().filter(applicant_links__applicant=applicant).order_by("pk")
    if deriving and Decision.objects.filter(case__in=cases).exists():
        raise ConflictError(
            sorted(deriving)[0],
            "case_decided",
            _("A case of this applicant is decided: the court decided on this citizenship and residence."),
        )
    before = snapshot(applicant)
    for name, value in changed.items():
        setattr(applicant, name, value)
    applicant.search_name = name_key(applicant.last_name, applicant.first_name)
    applicant.version += 1
    applicant.save()
    record_write(actor=actor, verb=Verb.UPDATE_APPLICANT, obj=applicant, before=before)
    for case in cases if deriving else ():  # none decided: each derived again (RULES §1)
        facts = _applicant_facts(case.applicants.all())
        relative = case.child_links.filter(is_relative=True).exists()
        audited_update(
            case,
            actor=actor,
            verb=Verb.DERIVE_CASE_AGAIN,
            category=rules.derive_category(facts, relative=relative),
            receiving_country=rules.receiving_country(facts),
        )
    return applicant


def registrar_of(applicant: Applicant, register: str) -> tuple[str, str | None]:
    """Who files an entry on `register` for `applicant` (CMF art. 89; RULES §11.4): residents on the
    citizens' register, their district; everyone else, the ministry (`rules.register_keeper`).
    (role, district or None)"""
    role = rules.register_keeper(register, applicant.residence_country)
    return role, applicant.district_id if role == Role.GUARDIANSHIP else None


def register_fitting(applicant: Applicant) -> str:
    """The register of adopters an applicant belongs on: citizens of Kazakhstan on the citizens',
    everyone else on the foreign citizens' (CMF art. 89; ¶58)."""
    return Register.PROSPECTIVE_ADOPTERS if applicant.citizenship == KZ else Register.FOREIGN_ADOPTERS


WRONG_REGISTRAR = gettext_lazy(
    "Residents who are citizens are registered by their district's guardianship agency; non-residents "
    "and foreigners by the ministry."
)


@for_roles(Role.GUARDIANSHIP, Role.MINISTRY, scope=("applicant",))
@transaction.atomic
def register_applicant(
    *,
    actor: User | None,
    applicant: Applicant,
    register: str,
    number: str,
    registered_on: datetime.date,
    valid_until: datetime.date,
) -> AdopterRegistration:
    """An entry on a register of prospective adopters (CMF art. 89): citizens on
    `prospective_adopters`, foreigners on `foreign_adopters`; the register's keeper files it."""
    role, district = registrar_of(applicant, register)
    if actor is not None and (actor.role != role or (district and actor.district_id != district)):
        raise Forbidden("register", "wrong_registrar", WRONG_REGISTRAR)
    errors: list[FieldError] = []
    if register != register_fitting(applicant):
        errors.append(
            FieldError(
                "register",
                "wrong_register",
                _(
                    "A citizen of Kazakhstan goes on the register of prospective adopters; anyone else on the register of foreign adopters."
                ),
            )
        )
    not_future("registered_on", registered_on, errors)
    if valid_until < registered_on:
        errors.append(FieldError("valid_until", "before_registered", _("An entry cannot end before it starts.")))
    if applicant.birth_date and registered_on < applicant.birth_date:
        errors.append(FieldError("registered_on", "before_birth", _("Registered before being born.")))
    raise_errors(errors)
    entry = AdopterRegistration.objects.create(
        applicant=applicant,
        register=register,
        number=number.strip(),
        registered_on=registered_on,
        valid_until=valid_until,
        created_by=actor,
    )
    record_write(actor=actor, verb="register_applicant", obj=entry, subject=applicant)
    for hook in extensions.registration_hooks:
        hook(applicant)
    return entry


@for_roles(Role.GUARDIANSHIP, scope=("children", "applicants", "relative_of"))
@transaction.atomic
def open_case(
    *,
    actor: User | None,
    children: list[Child],
    applicants: list[Applicant],
    opened_on: datetime.date,
    relative_of: list[Child] | None = None,
    kind: str = CaseKind.STANDARD,
    case_ref: str | None = None,
    historical: bool = False,
) -> Case:
    """Open a case; its category is derived (RULES §1), never typed in; its kind (§1a) is stated."""
    relative_of = relative_of or []
    errors: list[FieldError] = []
    if not children:
        errors.append(FieldError("children", "required", _("A case needs at least one child.")))
    if not 1 <= len(applicants) <= 2:
        errors.append(
            FieldError("applicants", "one_person_or_a_couple", _("Applicants are one person or a married couple."))
        )
    if len({c.pk for c in children}) != len(children) or len({a.pk for a in applicants}) != len(applicants):
        errors.append(FieldError("children", "repeated", _("A child or applicant is listed twice.")))
    if {c.pk for c in relative_of} - {c.pk for c in children}:
        errors.append(
            FieldError("relative_of", "not_in_case", _("A child named as the applicants' relative is not in the case."))
        )
    elif relative_of and len({c.pk for c in relative_of}) != len({c.pk for c in children}):
        errors.append(
            FieldError(
                "relative_of",
                "split_the_case",
                _(
                    "The applicants are relatives of only some of the children: open one case for the children they are related to and another for the rest."
                ),
            )
        )
    districts = {c.district_id for c in children}
    if len(districts) > 1:
        errors.append(FieldError("children", "several_districts", _("All children of a case must be in one district.")))
    not_future("opened_on", opened_on, errors)
    if not historical:
        for child in children:
            placed_with_guardian = child.deregistration_reason in (GUARDIANSHIP, FOSTER_CARE)
            if child.status == ChildStatus.DEREGISTERED and not (kind == CaseKind.GUARDIAN and placed_with_guardian):
                errors.append(
                    FieldError(
                        "children", "deregistered", _("Child #%(id)s is no longer on the register.") % {"id": child.pk}
                    )
                )
            if opened_on < child.identified_on:
                errors.append(
                    FieldError(
                        "opened_on", "before_identified", _("The case cannot open before the child was identified.")
                    )
                )
    raise_errors(errors)
    if Adoption.objects.filter(child__in=children).exists():
        raise ConflictError("children", "already_adopted", _("A child of this case has already been adopted."))
    facts = _applicant_facts(applicants)
    case = Case.objects.create(
        district=children[0].district,
        kind=kind,
        opened_on=opened_on,
        case_ref=case_ref,
        historical=historical,
        category=rules.derive_category(facts, relative=bool(relative_of)),
        receiving_country=rules.receiving_country(facts),
    )
    relatives = {c.pk for c in relative_of}
    CaseChild.objects.bulk_create([CaseChild(case=case, child=c, is_relative=c.pk in relatives) for c in children])
    CaseApplicant.objects.bulk_create([CaseApplicant(case=case, applicant=a) for a in applicants])
    record_write(
        actor=actor,
        verb="open_case",
        obj=case,
        after={
            **snapshot(case),
            "children": [c.pk for c in children],
            "applicants": [a.pk for a in applicants],
            "relative_of": sorted(relatives),
        },
    )
    return case


def _in_case(case: Case, *, applicant: Applicant | None = None, child: Child | None = None) -> list[FieldError]:
    errors = []
    if applicant is not None and not case.applicant_links.filter(applicant=applicant).exists():
        errors.append(FieldError("applicant", "not_in_case", _("This applicant is not in the case.")))
    if child is not None and not case.child_links.filter(child=child).exists():
        errors.append(FieldError("child", "not_in_case", _("This child is not in the case.")))
    return errors


# What each kind of document must name (RULES v2 §1a, §3; API v2).
OF_ONE_APPLICANT = frozenset(
    {
        CaseDocumentKind.MEDICAL_CERTIFICATE,
        CaseDocumentKind.SPOUSE_CONSENT,
        CaseDocumentKind.SPOUSE_CONSENT_EXCEPTION,
        CaseDocumentKind.CRIMINAL_RECORD_CERTIFICATE,
        CaseDocumentKind.NARCOLOGICAL_CERTIFICATE,
        CaseDocumentKind.PSYCHONEUROLOGICAL_CERTIFICATE,
        CaseDocumentKind.INCOME_STATEMENT,
        CaseDocumentKind.STEPPARENT_PROOF,
        CaseDocumentKind.GUARDIANSHIP_PROOF,
    }
)


def _document_errors(case: Case, kind: str, fields: dict) -> list[FieldError]:
    errors: list[FieldError] = []
    applicant, child, named = fields["applicant"], fields["child"], fields["named_applicants"]
    if kind in OF_ONE_APPLICANT and applicant is None:
        errors.append(
            FieldError(
                "applicant",
                "required",
                _("A %(kind)s belongs to one applicant.") % {"kind": CaseDocumentKind(kind).label},
            )
        )
    if kind == CaseDocumentKind.MARRIAGE_CERTIFICATE:
        in_case = set(case.applicant_links.values_list("applicant_id", flat=True))
        if len(set(named)) != 2 or not set(named) <= in_case:
            errors.append(
                FieldError(
                    "applicants",
                    "two_spouses_of_the_case",
                    _("A marriage certificate names the two spouses, both applicants of this case."),
                )
            )
    elif named:
        errors.append(FieldError("applicants", "not_allowed", _("Only a marriage certificate names two applicants.")))
    if kind == CaseDocumentKind.KINSHIP_PROOF and child is None:
        errors.append(FieldError("child", "required", _("A kinship proof names the child it links.")))
    if kind == CaseDocumentKind.INCOME_STATEMENT and fields["amount"] is None:
        errors.append(FieldError("amount", "required", _("An income statement states the monthly income (KZT).")))
    if kind != CaseDocumentKind.INCOME_STATEMENT and (fields["amount"] is not None or fields["household_size"]):
        errors.append(FieldError("amount", "not_allowed", _("Only an income statement states an income.")))
    conditions = fields["conditions"]
    if conditions and kind != CaseDocumentKind.MEDICAL_CERTIFICATE:
        errors.append(FieldError("conditions", "not_allowed", _("Only a medical certificate lists conditions.")))
    elif conditions:
        listed = set(Policy.on(fields["issued_on"]).barring_conditions or ())
        unknown = sorted(set(conditions) - listed)
        if unknown:
            errors.append(
                FieldError(
                    "conditions",
                    "unknown_condition",
                    _("Unknown condition %(codes)s: the policy lists %(choices)s.")
                    % {"codes": ", ".join(unknown), "choices": ", ".join(sorted(listed))},
                )
            )
    return errors


@workflow.step("documents")
@transaction.atomic
def add_document(
    *,
    actor: User | None,
    case: Case,
    kind: str,
    issued_on: datetime.date,
    issuer: str,
    applicant: Applicant | None = None,
    issuer_licence: str = "",
    licence_valid_until: datetime.date | None = None,
    conditions: list[str] | None = None,
    named_applicants: list[int] | None = None,
    child: Child | None = None,
    amount=None,
    household_size: int | None = None,
    agency: Agency | None = None,
) -> CaseDocument:
    case = _locked_case(case)
    workflow.require(case, "documents")
    errors = _in_case(case, applicant=applicant, child=child)
    not_future("issued_on", issued_on, errors)
    if kind in rules.DOSSIER_REPORTS and agency is None and not case.historical:
        errors.append(
            FieldError(
                "agency",
                "required",
                _("A dossier report names the accredited agency that issued it (the register of agencies)."),
            )
        )
    conditions, named_applicants = sorted(set(conditions or [])), list(named_applicants or [])
    errors += _document_errors(
        case,
        kind,
        {
            "applicant": applicant,
            "child": child,
            "named_applicants": named_applicants,
            "amount": amount,
            "household_size": household_size,
            "conditions": conditions,
            "issued_on": issued_on,
        },
    )
    if licence_valid_until and not issuer_licence:
        errors.append(FieldError("issuer_licence", "required", _("A licence validity date needs the licence number.")))
    raise_errors(errors)
    document = CaseDocument.objects.create(
        case=case,
        district_id=case.district_id,
        kind=kind,
        applicant=applicant,
        issued_on=issued_on,
        issuer=issuer,
        issuer_licence=issuer_licence,
        licence_valid_until=licence_valid_until,
        conditions=conditions,
        named_applicants=sorted(set(named_applicants)),
        child=child,
        amount=amount,
        household_size=household_size,
        agency=agency,
    )
    record_write(actor=actor, verb="add_document", obj=document, subject=case)
    return document


@workflow.step("contacts")
@transaction.atomic
def record_contact(*, actor: User | None, case: Case, applicant: Applicant, child: Child, on: datetime.date) -> Contact:
    case = _locked_case(case)
    workflow.require(case, "contacts")
    errors = _in_case(case, applicant=applicant, child=child)
    not_future("on", on, errors)
    if on < case.opened_on:
        errors.append(
            FieldError(
                "on",
                "before_case_opened",
                _("A contact cannot be recorded before the case was opened (%(date)s).")
                % {"date": in_text(case.opened_on)},
            )
        )
    raise_errors(errors)
    contact = Contact.objects.create(case=case, applicant=applicant, child=child, on=on)
    record_write(actor=actor, verb="record_contact", obj=contact, subject=case)
    return contact


@workflow.step("consents")
@transaction.atomic
def record_consent(
    *, actor: User | None, case: Case, child: Child, given_on: datetime.date, withdrawn_on: datetime.date | None = None
) -> Consent:
    case = _locked_case(case)
    workflow.require(case, "consents")
    errors = _in_case(case, child=child)
    not_future("given_on", given_on, errors)
    not_future("withdrawn_on", withdrawn_on, errors)
    if withdrawn_on and withdrawn_on < given_on:
        errors.append(FieldError("withdrawn_on", "before_given", _("Consent cannot be withdrawn before it was given.")))
    if given_on < child.birth_date:
        errors.append(FieldError("given_on", "before_birth", _("The date is before the child's birth.")))
    raise_errors(errors)
    consent = Consent.objects.create(case=case, child=child, given_on=given_on, withdrawn_on=withdrawn_on)
    record_write(actor=actor, verb="record_consent", obj=consent, subject=case)
    return consent


@workflow.step("withdraw-consent", scope=("consent",))
@transaction.atomic
def withdraw_consent(*, actor: User | None, consent: Consent, on: datetime.date) -> Consent:
    consent = Consent.objects.select_for_update().select_related("case").get(pk=consent.pk)
    workflow.require(consent.case, "withdraw-consent")
    errors: list[FieldError] = []
    not_future("on", on, errors)
    if on < consent.given_on:
        errors.append(FieldError("on", "before_given", _("Consent cannot be withdrawn before it was given.")))
    if consent.withdrawn_on:
        raise ConflictError("on", "already_withdrawn", _("This consent was already withdrawn."))
    raise_errors(errors)
    audited_update(consent, actor=actor, verb=Verb.WITHDRAW_CONSENT, subject=consent.case, withdrawn_on=on)
    return consent


# --- corrections: a record entered by mistake is withdrawn, never deleted ----------------------


def _withdraw(actor, case: Case, model, record, reason: str, step: str, verb: Verb):
    case = _locked_case(case)
    workflow.require(case, step)
    locked = model.objects.select_for_update().filter(pk=record.pk, case=case).first()
    if locked is None:
        raise RuleError("record", "not_in_case", _("This record is not in this case."))
    if locked.withdrawn_at is not None:
        raise ConflictError("record", "already_withdrawn", _("This record was already withdrawn."))
    raise_errors(reason_errors(reason, _("Say why the record is withdrawn (at least 5 characters).")))
    audited_withdrawal(locked, actor=actor, verb=verb, subject=case, reason=reason)
    return case, locked


@workflow.step("withdraw-document")
@transaction.atomic
def withdraw_document(*, actor: User | None, case: Case, document: CaseDocument, reason: str) -> CaseDocument:
    """A document recorded by mistake (the wrong kind, applicant or date): it stays in the file,
    marked withdrawn with the reason, and no check reads it; the right one is added anew."""
    return _withdraw(actor, case, CaseDocument, document, reason, "withdraw-document", Verb.WITHDRAW_DOCUMENT)[1]


@workflow.step("withdraw-contact")
@transaction.atomic
def withdraw_contact(*, actor: User | None, case: Case, contact: Contact, reason: str) -> Contact:
    return _withdraw(actor, case, Contact, contact, reason, "withdraw-contact", Verb.WITHDRAW_CONTACT)[1]


@workflow.step("withdraw-hearing")
@transaction.atomic
def withdraw_hearing(*, actor: User | None, case: Case, hearing: Hearing, reason: str) -> Hearing:
    """A hearing recorded twice or by mistake, before the decision; when no hearing is left the
    case is back to referred (a decision needs a hearing)."""
    case, hearing = _withdraw(actor, case, Hearing, hearing, reason, "withdraw-hearing", Verb.WITHDRAW_HEARING)
    if not case.hearings.filter(withdrawn_at__isnull=True).exists():
        _set_status(case, CaseStatus.REFERRED, actor=actor, verb=Verb.WITHDRAW_HEARING)
    return hearing


@workflow.step("domestic-search")
@transaction.atomic
def record_domestic_search(
    *, actor: User | None, case: Case, completed_on: datetime.date, outcome: str, notes: str = ""
) -> DomesticSearch:
    case = _locked_case(case)
    workflow.require(case, "domestic-search")
    errors: list[FieldError] = []
    not_future("completed_on", completed_on, errors)
    raise_errors(errors)
    search = DomesticSearch.objects.create(case=case, completed_on=completed_on, outcome=outcome, notes=notes)
    record_write(actor=actor, verb="record_domestic_search", obj=search, subject=case)
    return search


# --- the Hague Convention (RULES v2 §7a) ---------------------------------------------------------


def _hague_country(case: Case, on: datetime.date) -> Country:
    country = case.hague_country(on)
    if country is None:
        raise workflow.not_a_hague_adoption()
    return country


@workflow.step("hague")
@transaction.atomic
def record_hague_steps(
    *,
    actor: User | None,
    case: Case,
    art15_report_received_on: datetime.date | None = None,
    art16_report_sent_on: datetime.date | None = None,
    art17_agreement_on: datetime.date | None = None,
) -> HagueProcedure:
    """The ministry, as KZ's Central Authority, records the steps of HC93 art. 15-17; a second
    call sets the dates it names and keeps the others (RULES §11.16)."""
    case = _locked_case(case)
    workflow.require(case, "hague")
    named = {
        "art15_report_received_on": art15_report_received_on,
        "art16_report_sent_on": art16_report_sent_on,
        "art17_agreement_on": art17_agreement_on,
    }
    given: dict[str, datetime.date] = {name: value for name, value in named.items() if value is not None}
    errors: list[FieldError] = []
    if not given:
        errors.append(FieldError("art17_agreement_on", "required", _("Give the date of at least one step.")))
    for name, value in given.items():
        not_future(name, value, errors)
    raise_errors(errors)
    _hague_country(case, max(given.values()))
    procedure, _created = HagueProcedure.objects.select_for_update().get_or_create(case=case)
    steps = {name: given.get(name, getattr(procedure, name)) for name, _label in rules.HAGUE_STEPS}
    agreement = steps["art17_agreement_on"]
    reports = [steps["art15_report_received_on"], steps["art16_report_sent_on"]]
    if agreement and (None in reports or any(agreement < day for day in reports if day)):
        raise RuleError(
            "art17_agreement_on",
            "before_the_reports",
            _("The Central Authorities agree (art. 17(c)) only after both reports (art. 15 and 16)."),
        )
    audited_update(procedure, actor=actor, verb=Verb.RECORD_HAGUE_STEPS, subject=case, **given)
    return procedure


@workflow.step("hague-certificate")
@transaction.atomic
def issue_hague_certificate(*, actor: User | None, case: Case, number: str, issued_on: datetime.date) -> HagueProcedure:
    """HC93 art. 23: the certificate that the adoption was made in accordance with the Convention,
    issued by the ministry after entry into force."""
    case = _locked_case(case)
    workflow.require(case, "hague-certificate")
    in_force_on = Decision.objects.get(case=case).in_force_on
    assert in_force_on is not None  # the workflow's `_certified`: in force, in a country party to HC93 then
    procedure, _created = HagueProcedure.objects.select_for_update().get_or_create(case=case)
    errors: list[FieldError] = []
    not_future("issued_on", issued_on, errors)
    if issued_on < in_force_on:
        errors.append(
            FieldError(
                "issued_on",
                "before_in_force",
                _("The certificate is issued once the adoption is in force (%(date)s).")
                % {"date": in_text(in_force_on)},
            )
        )
    raise_errors(errors)
    audited_update(
        procedure,
        actor=actor,
        verb=Verb.ISSUE_HAGUE_CERTIFICATE,
        subject=case,
        certificate_number=number.strip(),
        certificate_issued_on=issued_on,
    )
    return procedure


# --- court stage (§6) -----------------------------------------------------------------------


def _lock_children(case: Case) -> list[Child]:
    """Lock the case's children, always in id order, so competing cases wait on each other."""
    # By primary key, from the case's links: an index lookup whatever the planner believes of the
    # tables' sizes (inside a long import it believes them empty, and a join scanned every child).
    ids = list(CaseChild.objects.filter(case=case).values_list("child_id", flat=True))
    return list(Child.objects.select_for_update().filter(pk__in=ids).order_by("id"))


def _require_eligible(case: Case, on: datetime.date, action: str):
    result = eligibility(case, on)
    return _eligible_or_refuse(result, on, action)


def _eligible_or_refuse(result: rules.Eligibility, on: datetime.date, action: str) -> rules.Eligibility:
    if not result.eligible:
        failing = result.failing()
        raise RuleError.many(
            [FieldError("eligibility", c.code, c.detail) for c in failing],
            extra={"eligibility": result.as_dict() | {"as_of": on.isoformat()}, "action": action},
        )
    return result


def _set_status(case: Case, status: str, *, actor: User | None, verb: Verb, **fields) -> Case:
    audited_update(case, actor=actor, verb=verb, status=status, version=case.version + 1, **fields)
    if status not in BEFORE_DECISION:  # its documents leave the queue's index (CaseDocument.case_decided)
        CaseDocument.objects.filter(case=case, case_decided=False).update(case_decided=True)
    return case


@workflow.step("referral")
@transaction.atomic
def refer_to_court(*, actor: User | None, case: Case, court: Court, on: datetime.date) -> Referral:
    """The guardianship agency sends its conclusion to a court, only if the case is eligible on `on`."""
    _lock_children(case)
    case = _locked_case(case)
    workflow.require(case, "referral")
    errors: list[FieldError] = []
    not_future("on", on, errors)
    if on < case.opened_on:
        errors.append(FieldError("on", "before_case_opened", _("A case cannot be referred before it was opened.")))
    raise_errors(errors)
    facts = load_case_facts(case, on)  # under the children's locks: sees every committed competitor
    _eligible_or_refuse(rules.evaluate(facts, on), on, "referral")
    referral = Referral.objects.create(
        case=case, court=court, on=on, eligible_since=rules.eligible_since(facts, on), created_by=actor
    )
    record_write(actor=actor, verb="refer_to_court", obj=referral, subject=case)
    _set_status(case, CaseStatus.REFERRED, actor=actor, verb=Verb.REFER_TO_COURT)
    return referral


def _referral(case: Case, actor: User | None) -> Referral:
    """The case's referral, which the actor's court must hold (any court for a system actor)."""
    referral = case.referrals.select_related("court").order_by("-on", "-id").first()
    if referral is None:
        raise ConflictError("status", "not_referred", _("The case has not been referred to a court."))
    if actor is not None and actor.court_id != referral.court_id:
        raise Forbidden(None, "other_court", _("The case was referred to another court."))
    return referral


def _court_of(case: Case, actor: User | None) -> Court:
    return _referral(case, actor).court


@workflow.step("hearing")
@transaction.atomic
def record_hearing(
    *, actor: User | None, case: Case, on: datetime.date, participants: list[str], in_camera: bool
) -> Hearing:
    """A hearing in camera with the applicants, the guardianship agency and a procurator (¶47)."""
    _lock_children(case)
    case = _locked_case(case)
    workflow.require(case, "hearing")
    referral = _referral(case, actor)
    errors: list[FieldError] = []
    missing = sorted(MANDATORY_PARTICIPANTS - set(participants))
    if missing:
        errors.append(
            FieldError(
                "participants",
                "mandatory_participant_missing",
                _(
                    "A hearing needs the applicants, a guardianship agency representative and a procurator (¶47); missing: %(missing)s."
                )
                % {"missing": ", ".join(missing)},
            )
        )
    if not in_camera:
        errors.append(FieldError("in_camera", "must_be_in_camera", _("Adoption cases are heard in camera (¶47).")))
    if Participant.CHILD in participants:
        young = [
            link.child_id
            for link in case.child_links.select_related("child")
            if age_on(link.child.birth_date, on) < rules.CONSENT_AGE
        ]
        if young:
            errors.append(
                FieldError(
                    "participants",
                    "child_under_10",
                    _("A child takes part in the hearing only from the age of 10 (¶47); child %(ids)s is younger.")
                    % {"ids": ", ".join(f"#{i}" for i in young)},
                )
            )
    not_future("on", on, errors)
    if on < referral.on:
        errors.append(FieldError("on", "before_referral", _("A hearing cannot precede the referral.")))
    raise_errors(errors)
    _require_eligible(case, on, "hearing")
    hearing = Hearing.objects.create(
        case=case,
        court=referral.court,
        on=on,
        participants=sorted(set(participants)),
        in_camera=in_camera,
        created_by=actor,
    )
    record_write(actor=actor, verb="record_hearing", obj=hearing, subject=case)
    if case.status != CaseStatus.HEARD:
        _set_status(case, CaseStatus.HEARD, actor=actor, verb=Verb.RECORD_HEARING)
    return hearing


IDENTITY_FIELDS = ("last_name", "first_name", "patronymic", "birth_date", "birth_place")


def _identity_errors(case: Case, new_identity: dict, decided_on: datetime.date) -> list[FieldError]:
    """RULES v2 §6: a new birth date moves by at most `birth_date_change_max_months` and never
    past the day the child was identified; a new identity is given to one child."""
    errors: list[FieldError] = []
    links = list(case.child_links.select_related("child"))
    if len(links) != 1:
        return [
            FieldError(
                "new_identity",
                "one_child",
                _("A new identity is given to one child: open a case per child to give each one."),
            )
        ]
    child, new_birth = links[0].child, new_identity.get("birth_date")
    if new_birth:
        months = Policy.on(decided_on).birth_date_change_max_months
        earliest, latest = add_months(child.birth_date, -months), add_months(child.birth_date, months)
        if not earliest <= new_birth <= latest:
            errors.append(
                FieldError(
                    "new_identity.birth_date",
                    "moved_too_far",
                    _("A birth date may move by at most %(months)s months (%(from)s to %(to)s).")
                    % {"months": months, "from": in_text(earliest), "to": in_text(latest)},
                )
            )
        if new_birth > child.identified_on:
            errors.append(
                FieldError(
                    "new_identity.birth_date",
                    "after_identified",
                    _("The birth date cannot be after the day the child was identified (%(date)s).")
                    % {"date": in_text(child.identified_on)},
                )
            )
    return errors


@workflow.step("decision")
@transaction.atomic
def record_decision(
    *,
    actor: User | None,
    case: Case,
    outcome: str,
    decided_on: datetime.date,
    in_force_on: datetime.date | None = None,
    final_form_on: datetime.date | None = None,
    age_gap_reduced: bool = False,
    age_gap_reason: str = "",
    new_identity: dict | None = None,
) -> Decision:
    """The court's decision. A granted one needs the case still eligible on its date (the
    protective reading: nothing may have lapsed since the hearing), and, where the applicants
    are under CMF art. 92's age gap, states that the court reduced it and why."""
    _lock_children(case)
    case = _locked_case(case)
    if hasattr(case, "decision"):
        raise ConflictError("outcome", "already_decided", _("This case already has a decision."))
    workflow.require(case, "decision")
    court = _court_of(case, actor)
    granted = outcome == Decision.Outcome.GRANTED
    errors = _decision_date_errors(case, decided_on, final_form_on)
    new_identity = _grant_statements(case, granted, decided_on, new_identity, age_gap_reduced, age_gap_reason, errors)
    raise_errors(errors)
    if granted:
        _require_grantable(case, decided_on, "decision", age_gap_reduced=age_gap_reduced)
    decision = Decision.objects.create(
        case=case,
        district_id=case.district_id,
        court=court,
        outcome=outcome,
        decided_on=decided_on,
        final_form_on=final_form_on or decided_on,
        age_gap_reduced=age_gap_reduced,
        age_gap_reason=age_gap_reason.strip(),
        new_identity=_stored(new_identity),
        created_by=actor,
    )
    if granted:
        _create_adoptions(case, decision, "outcome")
        _set_status(case, CaseStatus.DECIDED, actor=actor, verb=Verb.RECORD_DECISION)
    else:
        _set_status(
            case,
            CaseStatus.CLOSED,
            actor=actor,
            verb=Verb.RECORD_DECISION,
            closed_reason=ClosedReason.REFUSED,
            closed_on=decided_on,
        )
    record_write(actor=actor, verb="record_decision", obj=decision, subject=case)
    if in_force_on is not None:
        decision = set_in_force(actor=actor, case=case, in_force_on=in_force_on)
    return decision


def _grant_statements(
    case: Case,
    granted: bool,
    on: datetime.date | None,
    new_identity: dict | None,
    age_gap_reduced: bool,
    age_gap_reason: str,
    errors: list[FieldError],
) -> dict:
    """What a grant states besides its outcome, a decision's or an appeal's reversing a refusal
    (RULES v2 §6, CMF art. 92): the child's new identity (returned without its empty parts; refused
    where nothing is granted) and the court's reasons for reducing the age gap. Errors are added to
    `errors`."""
    new_identity = {k: v for k, v in (new_identity or {}).items() if v not in (None, "")}
    if new_identity and not granted:
        errors.append(FieldError("new_identity", "not_granted", _("Only a granted adoption gives a new identity.")))
    elif new_identity and on is not None:
        errors += _identity_errors(case, new_identity, on)
    if age_gap_reduced and not age_gap_reason.strip():
        errors.append(
            FieldError("age_gap_reason", "required", _("State the court's reasons for reducing the age gap."))
        )
    return new_identity


def _stored(new_identity: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in new_identity.items()}


def _require_grantable(case: Case, on: datetime.date, action: str, *, age_gap_reduced: bool) -> None:
    """A grant (the court's, or an appeal's reversing a refusal) needs the case eligible on its
    day (the protective reading: nothing may have lapsed since the hearing), and, where the
    applicants are under CMF art. 92's age gap, the court's statement that it reduced the gap."""
    result = _require_eligible(case, on, action)
    if any(w.code == "AGE_GAP" for w in result.warnings) and not age_gap_reduced:
        raise RuleError(
            "age_gap_reduced",
            "age_gap_not_reduced",
            _(
                "An applicant is less than 16 years older than the child (CMF art. 92): a granted decision "
                "states that the court reduced the gap, and why."
            ),
        )


def _create_adoptions(case: Case, decision: Decision, field: str) -> None:
    """One `Adoption` per child of the case: the database refuses a second adoption of a child."""
    try:
        with transaction.atomic():
            Adoption.objects.bulk_create(
                [Adoption(child_id=link.child_id, decision=decision) for link in case.child_links.all()]
            )
    except IntegrityError:
        raise ConflictError(
            field, "child_already_adopted", _("A child of this case has already been adopted.")
        ) from None


def _decision_date_errors(
    case: Case, decided_on: datetime.date, final_form_on: datetime.date | None
) -> list[FieldError]:
    """A decision's dates: not in the future, not before the last hearing, the final form not before it."""
    errors: list[FieldError] = []
    not_future("decided_on", decided_on, errors)
    not_future("final_form_on", final_form_on, errors)
    last_hearing = case.hearings.filter(withdrawn_at__isnull=True).order_by("-on").values_list("on", flat=True).first()
    if last_hearing and decided_on < last_hearing:
        errors.append(FieldError("decided_on", "before_hearing", _("A decision cannot precede the hearing.")))
    if final_form_on and final_form_on < decided_on:
        errors.append(FieldError("final_form_on", "before_decision", _("The final form cannot precede the decision.")))
    return errors


@workflow.step("correct-decision")
@transaction.atomic
def correct_decision(
    *,
    actor: User | None,
    case: Case,
    decided_on: datetime.date,
    reason: str,
    final_form_on: datetime.date | None = None,
) -> Decision:
    """The dates of a decision entered wrongly, corrected while it is not in force, with the reason
    (in the audit trail): the appeal term, and so the expected entry into force, run from the
    corrected final form. A grant's corrected date must still find the case eligible on it, as the
    decision had to (the protective reading). A refusal closed its case on its day, which moves
    with it; it is dated no later than another case of its children went before a court, which
    was judged with the refusal as recorded (`_later_than_other_cases`)."""
    children = _lock_children(case)
    case = _locked_case(case)
    workflow.require(case, "correct-decision")
    _court_of(case, actor)
    decision = Decision.objects.select_for_update().get(case=case)
    errors = _decision_date_errors(case, decided_on, final_form_on)
    appeal = Appeal.objects.filter(decision=decision).first()  # pending: the decision is not in force
    if appeal is not None and _filing_errors(appeal.filed_on, decided_on, _in_force_after(final_form_on or decided_on)):
        errors.append(
            FieldError(
                "decided_on",
                "appeal_outside_term",
                _("An appeal was filed on %(date)s: it must fall within the term of the decision as corrected.")
                % {"date": in_text(appeal.filed_on)},
            )
        )
    errors += reason_errors(reason, _("Say why the decision is corrected (at least 5 characters)."))
    refused = decision.outcome == Decision.Outcome.REFUSED
    if refused:
        errors += _later_than_other_cases(case, children, decision.decided_on, decided_on)
    raise_errors(errors)
    if decided_on != decision.decided_on and not refused:
        _require_eligible(case, decided_on, "decision")
    audited_correction(
        decision,
        actor=actor,
        verb=Verb.CORRECT_DECISION,
        subject=case,
        why=reason.strip(),
        decided_on=decided_on,
        final_form_on=final_form_on or decided_on,
    )
    if refused and case.closed_on != decided_on:  # the refusal closed the case on its day (`record_decision`)
        audited_update(case, actor=actor, verb=Verb.CORRECT_DECISION, closed_on=decided_on, version=case.version + 1)
    return decision


def _later_than_other_cases(
    case: Case, children: list[Child], recorded: datetime.date, corrected: datetime.date
) -> list[FieldError]:
    """A refusal moved later keeps its case open and before a court longer (RULES §4,
    NO_COMPETING_ADOPTION, DOMESTIC_PREFERENCE): another case of its children referred or decided
    meanwhile, from the day as recorded, was judged without it, so the refusal is not dated after
    such a day."""
    if corrected <= recorded:
        return []
    others = Case.objects.filter(child_links__child__in=children).exclude(pk=case.pk)
    judged = sorted(
        [
            *Referral.objects.filter(case__in=others, on__gte=recorded, on__lt=corrected).values_list("on", "case_id"),
            *Decision.objects.filter(case__in=others, decided_on__gte=recorded, decided_on__lt=corrected).values_list(
                "decided_on", "case_id"
            ),
        ]
    )
    if not judged:
        return []
    on, other = judged[0]
    return [
        FieldError(
            "decided_on",
            "other_case_before_court",
            _(
                "Case %(case)s of the same child went before a court on %(date)s, judged with the refusal as "
                "recorded: the refusal is dated no later than that day."
            )
            % {"case": f"#{other}", "date": in_text(on)},
        )
    ]


def expected_in_force_on(decision: Decision) -> datetime.date:
    """RULES v2 §6: the day after the appeal term (months from the final form) expires."""
    return _in_force_after(decision.final_form)


def expected_in_force(decision: Decision) -> datetime.date | None:
    """What a reader is told to expect: the day after the appeal term, until the decision is in
    force; none while an appeal is pending (it enters into force only if the appeal upholds it)
    and none once an appeal reversed it."""
    if decision.in_force_on or getattr(decision, "appeal", None) is not None:  # upheld: in force
        return None
    return expected_in_force_on(decision)


def _in_force_after(final_form_on: datetime.date) -> datetime.date:
    return rules.expected_in_force_on(final_form_on, Policy.on(final_form_on).appeal_period_months)


@workflow.step("in-force")
@transaction.atomic
def set_in_force(
    *, actor: User | None, case: Case, in_force_on: datetime.date, _appeal: Appeal | None = None
) -> Decision:
    """Entry into force (¶49). For a granted adoption: the children leave the registers and
    every other open case for them closes, in this one transaction. Not before the appeal term
    expires, unless an appeal upheld the decision earlier (`record_appeal`)."""
    children = _lock_children(case)
    case = _locked_case(case)
    decision = Decision.objects.select_for_update().filter(case=case).first()
    if decision is None:
        raise ConflictError("in_force_on", "no_decision", _("There is no decision to enter into force."))
    _court_of(case, actor)
    if decision.in_force_on is not None:
        raise ConflictError(
            "in_force_on",
            "already_in_force",
            _("The decision entered into force on %(date)s.") % {"date": decision.in_force_on},
        )
    if decision.grants:
        workflow.require(case, "in-force")
    elif _appeal is None and (pending := workflow.appeal_pending(case)):  # a refusal under appeal
        raise pending
    raise_errors(_in_force_errors(decision, in_force_on, on_appeal=_appeal is not None))
    audited_update(decision, actor=actor, verb=Verb.SET_IN_FORCE, subject=case, in_force_on=in_force_on)
    if decision.grants:
        adopted = set(Adoption.objects.filter(decision=decision).values_list("child_id", flat=True))
        _adoption_takes_effect(  # (not for a child who died meanwhile: its adoption lapsed)
            actor=actor,
            case=case,
            children=[child for child in children if child.pk in adopted],
            in_force_on=in_force_on,
            new_identity=decision.new_identity,
        )
    return decision


def _in_force_errors(decision: Decision, in_force_on: datetime.date, *, on_appeal: bool) -> list[FieldError]:
    """The day a decision enters into force: not in the future, not before the decision, and not
    before its appeal term expires unless an appeal decided it (RULES v2 §6)."""
    errors: list[FieldError] = []
    not_future("in_force_on", in_force_on, errors)
    if in_force_on < decision.decided_on:
        errors.append(
            FieldError("in_force_on", "before_decision", _("A decision cannot enter into force before it was made."))
        )
    expected = expected_in_force_on(decision)
    if not on_appeal and in_force_on < expected:
        errors.append(
            FieldError(
                "in_force_on",
                "appeal_term_running",
                _(
                    "The appeal term runs until the day before %(date)s: the decision enters into force on %(date)s "
                    "at the earliest, unless an appeal is decided first."
                )
                % {"date": in_text(expected)},
            )
        )
    return errors


@workflow.step("correct-in-force")
@transaction.atomic
def correct_in_force(*, actor: User | None, case: Case, in_force_on: datetime.date, reason: str) -> Decision:
    """The day a granted adoption entered into force, typed wrong, corrected with the reason (the
    audit event's purpose) while nothing has followed it (`workflow`: not an appeal's day, no civil
    registry record, certificate, consular record or death). Everything the entry into force did
    moves with it, in this transaction: the children's deregistration as adopted and the sealing of
    their identity (`registry.services.correct_adoption_entry`), the day the other cases of the
    children closed, and the reminders of what follows it (the civil registry's record, the art. 23
    certificate here; the consular registration and the monitoring reports: `consular.signals`)."""
    children = _lock_children(case)
    case = _locked_case(case)
    workflow.require(case, "correct-in-force")
    _court_of(case, actor)
    decision = Decision.objects.select_for_update().get(case=case)
    errors = _in_force_errors(decision, in_force_on, on_appeal=False)
    errors += reason_errors(reason, _("Say why the entry into force is corrected (at least 5 characters)."))
    raise_errors(errors)
    recorded = decision.in_force_on
    assert recorded is not None  # (in force)
    if not audited_correction(
        decision, actor=actor, verb=Verb.CORRECT_IN_FORCE, subject=case, why=reason.strip(), in_force_on=in_force_on
    ):
        return decision  # the day as recorded: nothing to move
    adopted = set(Adoption.objects.filter(decision=decision).values_list("child_id", flat=True))
    for child in children:
        if child.pk in adopted:
            registry_services.correct_adoption_entry(actor=actor, child=child, in_force_on=in_force_on)
    closed_by_it = CaseChild.objects.filter(child__in=adopted).exclude(case=case).values("case_id")
    for other in (
        Case.objects.select_for_update()
        .filter(pk__in=closed_by_it, closed_reason=ClosedReason.CHILD_ADOPTED_IN_OTHER_CASE, closed_on=recorded)
        .order_by("id")
    ):
        closed_on = max(in_force_on, other.opened_on)  # (a case opened since is closed the day it opened)
        audited_update(other, actor=actor, verb=Verb.CORRECT_IN_FORCE, closed_on=closed_on, version=other.version + 1)
    deadlines.remind_follow_up_again(case.pk, today(), actor=actor)
    return decision


def _filing_errors(filed_on: datetime.date, decided_on: datetime.date, expected: datetime.date) -> list[FieldError]:
    """RULES v2 §6: an appeal is filed from the decision until its term expires (`expected`: the day after)."""
    if decided_on <= filed_on < expected:
        return []
    return [
        FieldError(
            "filed_on",
            "outside_appeal_term",
            _("An appeal is filed from the decision (%(from)s) until the term expires (the day before %(to)s).")
            % {"from": in_text(decided_on), "to": in_text(expected)},
        )
    ]


@workflow.step("appeal")
@transaction.atomic
def record_appeal(
    *,
    actor: User | None,
    case: Case,
    filed_on: datetime.date,
    decided_on: datetime.date | None = None,
    outcome: str | None = None,
    age_gap_reduced: bool = False,
    age_gap_reason: str = "",
    new_identity: dict | None = None,
) -> Appeal:
    """An appeal against a decision not yet in force, recorded when it is filed (pending: no
    `decided_on`, no `outcome`; the decision does not enter into force meanwhile) or when it is
    decided; a pending one is decided by recording it again with its outcome. Upheld, the decision
    enters into force on the appeal's date. Reversed, a grant's case closes and the children may be
    adopted in another case; a refusal's case is granted, in force on the appeal's date, if it is
    eligible on that day (as a court's grant must be; `age_gap_reduced` and `new_identity` as for
    a decision)."""
    _lock_children(case)
    case = _locked_case(case)
    workflow.require(case, "appeal")
    _court_of(case, actor)
    decision = Decision.objects.select_for_update().get(case=case)
    refused = decision.outcome == Decision.Outcome.REFUSED  # reversed, the appeal grants the adoption
    appeal = Appeal.objects.select_for_update().filter(decision=decision).first()  # pending (decided: barred)
    if appeal is not None and filed_on != appeal.filed_on:
        raise ConflictError(
            "filed_on",
            "appeal_pending",
            _("The appeal filed on %(date)s is pending: record its outcome, or correct its date.")
            % {"date": in_text(appeal.filed_on)},
        )
    errors: list[FieldError] = []
    not_future("filed_on", filed_on, errors)
    if appeal is None:
        errors += _filing_errors(filed_on, decision.decided_on, expected_in_force_on(decision))
    if (decided_on is None) != (not outcome):  # its outcome and its day come together
        missing, what = ("outcome", _("its outcome")) if decided_on else ("decided_on", _("the day it was decided"))
        errors.append(FieldError(missing, "required", _("A decided appeal needs %(what)s as well.") % {"what": what}))
    if decided_on is not None:
        not_future("decided_on", decided_on, errors)
        if decided_on < filed_on:
            errors.append(FieldError("decided_on", "before_filed", _("An appeal is decided after it was filed.")))
    elif appeal is not None:
        errors.append(
            FieldError(
                "outcome",
                "required",
                _("Record the outcome of the appeal filed on %(date)s.") % {"date": in_text(appeal.filed_on)},
            )
        )
    grants = refused and outcome == Appeal.Outcome.REVERSED
    if (age_gap_reduced or age_gap_reason.strip()) and not grants:
        errors.append(
            FieldError(
                "age_gap_reduced",
                "not_granted",
                _("Only an appeal that grants the adoption (reversing a refusal) reduces the age gap."),
            )
        )
    new_identity = _grant_statements(case, grants, decided_on, new_identity, age_gap_reduced, age_gap_reason, errors)
    raise_errors(errors)
    if grants and decided_on is not None:
        _require_grantable(case, decided_on, "appeal", age_gap_reduced=age_gap_reduced)
    if appeal is None:
        appeal = Appeal.objects.create(
            decision=decision, filed_on=filed_on, decided_on=decided_on, outcome=outcome or "", created_by=actor
        )
        record_write(actor=actor, verb=Verb.RECORD_APPEAL, obj=appeal, subject=case)
    else:
        audited_update(
            appeal, actor=actor, verb=Verb.RECORD_APPEAL, subject=case, decided_on=decided_on, outcome=outcome
        )
    if appeal.pending:
        return appeal
    if grants:
        _grant_on_appeal(actor, case, decision, appeal, age_gap_reduced, age_gap_reason, new_identity)
    elif outcome == Appeal.Outcome.UPHELD:
        set_in_force(actor=actor, case=case, in_force_on=decided_on, _appeal=appeal)
    else:
        adoptions = list(Adoption.objects.filter(decision=decision))
        for adoption in adoptions:
            record_write(actor=actor, verb=Verb.REVERSE_ADOPTION, obj=adoption, subject=case, action="delete")
        Adoption.objects.filter(pk__in=[a.pk for a in adoptions]).delete()
        _set_status(
            case,
            CaseStatus.CLOSED,
            actor=actor,
            verb=Verb.RECORD_APPEAL,
            closed_reason=ClosedReason.REVERSED_ON_APPEAL,
            closed_on=decided_on,
        )
    return appeal


def _grant_on_appeal(
    actor: User | None,
    case: Case,
    decision: Decision,
    appeal: Appeal,
    age_gap_reduced: bool,
    age_gap_reason: str,
    new_identity: dict,
) -> None:
    """The appeal court reversed the refusal and granted the adoption: the case the refusal closed
    is decided again and enters into force on the appeal's day (the children leave the registers,
    every other open case for them closes, the child is known by the new identity the appeal
    court gave: `set_in_force`)."""
    _create_adoptions(case, decision, "outcome")
    stated = {"age_gap_reduced": True, "age_gap_reason": age_gap_reason.strip()} if age_gap_reduced else {}
    if new_identity:
        stated["new_identity"] = _stored(new_identity)
    if stated:
        audited_update(decision, actor=actor, verb=Verb.RECORD_APPEAL, subject=case, **stated)
    _set_status(case, CaseStatus.DECIDED, actor=actor, verb=Verb.RECORD_APPEAL, closed_reason="", closed_on=None)
    set_in_force(actor=actor, case=case, in_force_on=appeal.decided_on, _appeal=appeal)


@workflow.step("civil-registration")
@transaction.atomic
def record_civil_registration(
    *, actor: User | None, case: Case, number: str, registered_on: datetime.date, office: str
) -> Decision:
    """MFA art. 77: the civil registry's record of the adoption, entered by the court or the district."""
    case = _locked_case(case)
    workflow.require(case, "civil-registration")
    if actor is not None and actor.role == Role.COURT:
        _court_of(case, actor)
    decision = Decision.objects.select_for_update().get(case=case)  # the workflow's: not yet registered
    errors: list[FieldError] = []
    not_future("civil_registration.registered_on", registered_on, errors)
    if decision.in_force_on and registered_on < decision.in_force_on:
        errors.append(
            FieldError(
                "civil_registration.registered_on",
                "before_in_force",
                _("The civil registry records an adoption once it is in force (%(date)s).")
                % {"date": in_text(decision.in_force_on)},
            )
        )
    raise_errors(errors)
    audited_update(
        decision,
        actor=actor,
        verb=Verb.RECORD_CIVIL_REGISTRATION,
        subject=case,
        civil_registration_number=number.strip(),
        civil_registered_on=registered_on,
        civil_registry_office=office.strip(),
    )
    return decision


def _adoption_takes_effect(
    *,
    actor: User | None,
    case: Case,
    children: list[Child],
    in_force_on: datetime.date,
    new_identity: dict | None = None,
) -> None:
    """¶49: on entry into force the children leave the registers and every other open case
    closes; the child is known by the new identity the court gave (RULES v2 §6)."""
    _set_status(case, CaseStatus.IN_FORCE, actor=actor, verb=Verb.SET_IN_FORCE)
    for child in children:
        registry_services.seal_identity(actor=actor, child=child, on=in_force_on, new_identity=new_identity or {})
        registry_services.deregister_adopted(actor=actor, child=child, in_force_on=in_force_on)
    other_ids = set(
        CaseChild.objects.filter(child__in=children, case__status__in=OPEN_STATUSES)
        .exclude(case=case)
        .values_list("case_id", flat=True)
    )
    for other in Case.objects.select_for_update().filter(pk__in=other_ids).order_by("id"):
        _set_status(
            other,
            CaseStatus.CLOSED,
            actor=actor,
            verb=Verb.CLOSE_CASE,
            closed_reason=ClosedReason.CHILD_ADOPTED_IN_OTHER_CASE,
            closed_on=in_force_on,
        )
        close_reminders(kinds=workflow.CLOSED_ANSWERS, subject_type="case", subject_id=other.pk, actor=actor)


def close_cases_of_a_child_who_died(*, actor: User | None, child: Child, on: datetime.date) -> None:
    """The child died (`registry.services.deregister`, in its transaction): no case leads to its
    adoption any more. A court's grant not yet in force lapses for the child: its adoption is taken
    off the decision. A case that holds other children (siblings) goes on for them: the child leaves
    it (`child_left_case`), and the court decides for them, or its grant enters into force for
    them as the court decided it, or the appeal court decides on its refusal for them. A case left
    with no child closes (`child_died`); a refusal under appeal stays closed until the appeal's
    outcome. The cases' reminders that nothing can answer now are done."""
    under_appeal = Q(pk__in=Decision.objects.filter(REFUSAL_APPEALED).values("case_id"))  # closed, not for good
    for case in (
        Case.objects.select_for_update()
        .filter(Q(status__in=OPEN_STATUSES) | under_appeal, child_links__child=child)
        .order_by("id")
    ):
        if case.status == CaseStatus.DECIDED:
            lapsed = Adoption.objects.filter(decision__case=case, child=child)
            for adoption in lapsed:
                record_write(actor=actor, verb=Verb.ADOPTION_LAPSED, obj=adoption, subject=case, action="delete")
            lapsed.delete()
        if CaseChild.objects.filter(case=case).exclude(child=child).exists():
            link = CaseChild.objects.get(case=case, child=child)
            record_write(
                actor=actor, verb=Verb.CHILD_LEFT_CASE, obj=link, before=snapshot(link), subject=case, action="delete"
            )
            link.delete()
            deadlines.remind_central_wait_again([case.pk], today())  # the wait of the children left
            continue
        if case.status == CaseStatus.CLOSED:
            continue  # its refusal under appeal: the appeal court decides on it as filed
        last_step = max(
            [case.opened_on]
            + list(Referral.objects.filter(case=case).values_list("on", flat=True))
            + list(Hearing.objects.filter(case=case, withdrawn_at__isnull=True).values_list("on", flat=True))
            + list(Decision.objects.filter(case=case).values_list("decided_on", flat=True))
        )
        _set_status(
            case,
            CaseStatus.CLOSED,
            actor=actor,
            verb=Verb.CLOSE_CASE,
            closed_reason=ClosedReason.CHILD_DIED,
            closed_on=max(on, last_step),  # a death learnt of late: never before the case's last step
        )
        close_reminders(kinds=workflow.DEATH_ANSWERS, subject_type="case", subject_id=case.pk, actor=actor)


def judge_again_after_a_placement(actor: User | None, child: Child, since: datetime.date) -> None:
    """The date of the child's latest placement on a register was corrected
    (`registry.services.correct_placement`, in its transaction), no court having decided its
    adoption: what was judged by it from `since` is judged again. A referral's `eligible_since`
    (RUSHED_CASE: how long the case had been eligible) is computed again from the registers as
    corrected, and the cases' reminders that the three months on the central register expired
    move to the wait's end as corrected."""
    case_ids = list(CaseChild.objects.filter(child=child).values_list("case_id", flat=True))
    for referral in Referral.objects.select_for_update().filter(case_id__in=case_ids, on__gte=since).order_by("id"):
        case = Case.objects.get(pk=referral.case_id)
        eligible_since = rules.eligible_since(load_case_facts(case, referral.on), referral.on)
        audited_update(referral, actor=actor, verb=Verb.CORRECT_PLACEMENT, subject=case, eligible_since=eligible_since)
    deadlines.remind_central_wait_again(case_ids, today())


@transaction.atomic
def record_historical_adoption(
    *, actor: User | None, case: Case, decided_on: datetime.date, in_force_on: datetime.date
) -> Decision:
    """A granted adoption from paper records (bulk import): the decision and its entry into force
    as facts, without the live workflow's referral and hearing. The unique child of `Adoption`
    still refuses a second adoption of one child."""
    children = _lock_children(case)
    case = _locked_case(case)
    if not case.historical:
        raise ConflictError("case", "not_historical", _("Only an imported historical case is recorded this way."))
    decision = Decision.objects.create(
        case=case,
        district_id=case.district_id,
        outcome=Decision.Outcome.GRANTED,
        decided_on=decided_on,
        in_force_on=in_force_on,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            Adoption.objects.bulk_create([Adoption(child=c, decision=decision) for c in children])
    except IntegrityError:
        raise ConflictError(
            "children", "child_already_adopted", _("A child of this case has already been adopted.")
        ) from None
    record_write(actor=actor, verb="record_historical_adoption", obj=decision, subject=case)
    _adoption_takes_effect(actor=actor, case=case, children=children, in_force_on=in_force_on)
    return decision


@workflow.step("withdraw")
@transaction.atomic
def withdraw_case(*, actor: User | None, case: Case, on: datetime.date) -> Case:
    case = _locked_case(case)
    workflow.require(case, "withdraw")
    errors: list[FieldError] = []
    not_future("on", on, errors)
    if on < case.opened_on:
        errors.append(FieldError("on", "before_case_opened", _("The date is before the case was opened.")))
    raise_errors(errors)
    return _set_status(
        case,
        CaseStatus.CLOSED,
        actor=actor,
        verb=Verb.WITHDRAW_CASE,
        closed_reason=ClosedReason.WITHDRAWN,
        closed_on=on,
    )
