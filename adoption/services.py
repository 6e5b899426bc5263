"""Writes of adoption: applicants, cases and their evidence, and the court stage (RULES §1, §6).

Row locks on the children (and the case) serialise competing referrals and decisions;
the unique child of `Adoption` is the database's last word against a second adoption.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import Verb, audited_update, record_write, snapshot
from core.countries import is_country
from core.errors import (
    ConflictError,
    FieldError,
    Forbidden,
    RuleError,
    for_roles,
    not_future,
    raise_errors,
)
from core.models import Court, Role, User
from registry import services as registry_services
from registry.models import Child, ChildStatus

from . import rules, workflow
from .facts import eligibility
from .models import (
    Adoption,
    Applicant,
    Case,
    CaseApplicant,
    CaseChild,
    CaseDocument,
    CaseDocumentKind,
    CaseStatus,
    ClosedReason,
    Consent,
    Contact,
    Decision,
    DomesticSearch,
    Hearing,
    Participant,
    Referral,
)

MANDATORY_PARTICIPANTS = {Participant.APPLICANTS, Participant.GUARDIANSHIP, Participant.PROCURATOR}  # ¶47
OPEN_STATUSES = (CaseStatus.OPEN, CaseStatus.REFERRED, CaseStatus.HEARD, CaseStatus.DECIDED)


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _applicant_facts(applicants) -> list[rules.ApplicantFacts]:
    return [rules.ApplicantFacts(a.pk, a.sex, a.birth_date, a.citizenship, a.residence_country) for a in applicants]


# --- applicants and cases -------------------------------------------------------------------


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
) -> Applicant:
    errors: list[FieldError] = []
    for name, code in (("citizenship", citizenship), ("residence_country", residence_country)):
        if not is_country(code):
            errors.append(
                FieldError(
                    name, "invalid_country", _("%(code)s is not an ISO 3166 alpha-2 country code.") % {"code": code}
                )
            )
    not_future("birth_date", birth_date, errors)
    not_future("foreign_registered_on", foreign_registered_on, errors)
    if bool(foreign_register_number) != bool(foreign_registered_on):
        errors.append(
            FieldError(
                "foreign_registered_on",
                "incomplete_registration",
                _("The register of foreign citizens wishing to adopt needs both a number and a date."),
            )
        )
    if birth_date and foreign_registered_on and foreign_registered_on < birth_date:
        errors.append(FieldError("foreign_registered_on", "before_birth", _("Registered before being born.")))
    raise_errors(errors)
    applicant = Applicant.objects.create(
        district=district,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        sex=sex,
        birth_date=birth_date,
        citizenship=citizenship,
        residence_country=residence_country,
        marital_status=marital_status,
        foreign_register_number=foreign_register_number.strip(),
        foreign_registered_on=foreign_registered_on,
    )
    record_write(actor=actor, verb="create_applicant", obj=applicant)
    return applicant


@for_roles(Role.GUARDIANSHIP, scope=("children", "applicants", "relative_of"))
@transaction.atomic
def open_case(
    *,
    actor: User | None,
    children: list[Child],
    applicants: list[Applicant],
    opened_on: datetime.date,
    relative_of: list[Child] | None = None,
    case_ref: str | None = None,
    historical: bool = False,
) -> Case:
    """Open a case; its category is derived (RULES §1), never typed in."""
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
        errors.append(FieldError("relative_of", "not_in_case", _("relative_of names a child who is not in the case.")))
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
            if child.status == ChildStatus.DEREGISTERED:
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
) -> CaseDocument:
    case = _locked_case(case)
    workflow.require(case, "documents")
    errors = _in_case(case, applicant=applicant)
    not_future("issued_on", issued_on, errors)
    if kind == CaseDocumentKind.MEDICAL_CERTIFICATE and applicant is None:
        errors.append(FieldError("applicant", "required", _("A medical certificate belongs to one applicant.")))
    if licence_valid_until and not issuer_licence:
        errors.append(FieldError("issuer_licence", "required", _("A licence validity date needs the licence number.")))
    raise_errors(errors)
    document = CaseDocument.objects.create(
        case=case,
        kind=kind,
        applicant=applicant,
        issued_on=issued_on,
        issuer=issuer,
        issuer_licence=issuer_licence,
        licence_valid_until=licence_valid_until,
        conditions=sorted(set(conditions or [])),
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
                % {"date": case.opened_on.isoformat()},
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


# --- court stage (§6) -----------------------------------------------------------------------


def _lock_children(case: Case) -> list[Child]:
    """Lock the case's children, always in id order, so competing cases wait on each other."""
    # By primary key, from the case's links: an index lookup whatever the planner believes of the
    # tables' sizes (inside a long import it believes them empty, and a join scanned every child).
    ids = list(CaseChild.objects.filter(case=case).values_list("child_id", flat=True))
    return list(Child.objects.select_for_update().filter(pk__in=ids).order_by("id"))


def _require_eligible(case: Case, on: datetime.date, action: str):
    result = eligibility(case, on)
    if not result.eligible:
        failing = result.failing()
        raise RuleError.many(
            [FieldError("eligibility", c.code, c.detail) for c in failing],
            extra={"eligibility": result.as_dict() | {"as_of": on.isoformat()}, "action": action},
        )
    return result


def _set_status(case: Case, status: str, *, actor: User | None, verb: Verb, **fields) -> Case:
    audited_update(case, actor=actor, verb=verb, status=status, version=case.version + 1, **fields)
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
    _require_eligible(case, on, "referral")  # under the children's locks: sees every committed competitor
    referral = Referral.objects.create(case=case, court=court, on=on, created_by=actor)
    record_write(actor=actor, verb="refer_to_court", obj=referral, subject=case)
    _set_status(case, CaseStatus.REFERRED, actor=actor, verb="refer_to_court")
    return referral


def _referral(case: Case) -> Referral:
    return case.referrals.select_related("court").order_by("-on", "-id").first()


def _court_of(case: Case, actor: User | None) -> Court:
    referral = _referral(case)
    if referral is None:
        raise ConflictError("status", "not_referred", _("The case has not been referred to a court."))
    if actor is not None and actor.court_id != referral.court_id:
        raise Forbidden(None, "other_court", _("The case was referred to another court."))
    return referral.court


@workflow.step("hearing")
@transaction.atomic
def record_hearing(
    *, actor: User | None, case: Case, on: datetime.date, participants: list[str], in_camera: bool
) -> Hearing:
    """A hearing in camera with the applicants, the guardianship agency and a procurator (¶47)."""
    _lock_children(case)
    case = _locked_case(case)
    workflow.require(case, "hearing")
    court = _court_of(case, actor)
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
    not_future("on", on, errors)
    if on < _referral(case).on:
        errors.append(FieldError("on", "before_referral", _("A hearing cannot precede the referral.")))
    raise_errors(errors)
    _require_eligible(case, on, "hearing")
    hearing = Hearing.objects.create(
        case=case, court=court, on=on, participants=sorted(set(participants)), in_camera=in_camera, created_by=actor
    )
    record_write(actor=actor, verb="record_hearing", obj=hearing, subject=case)
    if case.status != CaseStatus.HEARD:
        _set_status(case, CaseStatus.HEARD, actor=actor, verb="record_hearing")
    return hearing


@workflow.step("decision")
@transaction.atomic
def record_decision(
    *, actor: User | None, case: Case, outcome: str, decided_on: datetime.date, in_force_on: datetime.date | None = None
) -> Decision:
    """The court's decision. A granted one needs the case still eligible on its date (the
    protective reading: nothing may have lapsed since the hearing)."""
    _lock_children(case)
    case = _locked_case(case)
    if hasattr(case, "decision"):
        raise ConflictError("outcome", "already_decided", _("This case already has a decision."))
    workflow.require(case, "decision")
    court = _court_of(case, actor)
    errors: list[FieldError] = []
    not_future("decided_on", decided_on, errors)
    last_hearing = case.hearings.order_by("-on").values_list("on", flat=True).first()
    if last_hearing and decided_on < last_hearing:
        errors.append(FieldError("decided_on", "before_hearing", _("A decision cannot precede the hearing.")))
    raise_errors(errors)
    if outcome == Decision.Outcome.GRANTED:
        _require_eligible(case, decided_on, "decision")
    decision = Decision.objects.create(case=case, court=court, outcome=outcome, decided_on=decided_on, created_by=actor)
    if outcome == Decision.Outcome.GRANTED:
        try:
            with transaction.atomic():
                Adoption.objects.bulk_create(
                    [Adoption(child_id=link.child_id, decision=decision) for link in case.child_links.all()]
                )
        except IntegrityError:
            raise ConflictError(
                "outcome", "child_already_adopted", _("A child of this case has already been adopted.")
            ) from None
        _set_status(case, CaseStatus.DECIDED, actor=actor, verb="record_decision")
    else:
        _set_status(
            case,
            CaseStatus.CLOSED,
            actor=actor,
            verb="record_decision",
            closed_reason=ClosedReason.REFUSED,
            closed_on=decided_on,
        )
    record_write(actor=actor, verb="record_decision", obj=decision, subject=case)
    if in_force_on is not None:
        decision = set_in_force(actor=actor, case=case, in_force_on=in_force_on)
    return decision


@workflow.step("in-force")
@transaction.atomic
def set_in_force(*, actor: User | None, case: Case, in_force_on: datetime.date) -> Decision:
    """Entry into force (¶49). For a granted adoption: the children leave the registers and
    every other open case for them closes, in this one transaction."""
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
    if decision.outcome == Decision.Outcome.GRANTED:
        workflow.require(case, "in-force")
    errors: list[FieldError] = []
    not_future("in_force_on", in_force_on, errors)
    if in_force_on < decision.decided_on:
        errors.append(
            FieldError("in_force_on", "before_decision", _("A decision cannot enter into force before it was made."))
        )
    raise_errors(errors)
    audited_update(decision, actor=actor, verb=Verb.SET_IN_FORCE, subject=case, in_force_on=in_force_on)
    if decision.outcome == Decision.Outcome.GRANTED:
        _adoption_takes_effect(actor=actor, case=case, children=children, in_force_on=in_force_on)
    return decision


def _adoption_takes_effect(
    *, actor: User | None, case: Case, children: list[Child], in_force_on: datetime.date
) -> None:
    """¶49: on entry into force the children leave the registers and every other open case closes."""
    _set_status(case, CaseStatus.IN_FORCE, actor=actor, verb="set_in_force")
    for child in children:
        registry_services.seal_identity(actor=actor, child=child, on=in_force_on)
        if child.status == ChildStatus.REGISTERED:
            registry_services.deregister_adopted(
                actor=actor, child=child, on=max(in_force_on, child.level_since or in_force_on)
            )
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
            verb="close_case",
            closed_reason=ClosedReason.CHILD_ADOPTED_IN_OTHER_CASE,
            closed_on=in_force_on,
        )


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
        case=case, outcome=Decision.Outcome.GRANTED, decided_on=decided_on, in_force_on=in_force_on, created_by=actor
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
        case, CaseStatus.CLOSED, actor=actor, verb="withdraw_case", closed_reason=ClosedReason.WITHDRAWN, closed_on=on
    )
