"""Writes of the databank: families' wishes, proposals and their answers (issue 19). Each audited;
an accepted proposal opens the case."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from adoption import services as adoption_services
from adoption.models import AdopterRegistration, Applicant, Case, Register
from adoption.rules import unanswered_from
from core.audit import Verb, audited_update, record_write
from core.dates import in_text
from core.errors import ConflictError, FieldError, Forbidden, for_roles, not_future, raise_errors, require_in_scope
from core.models import Policy, Region, Role, User
from core.services import close_reminders
from registry import sealing
from registry.models import Child, ChildStatus
from registry.selectors import on_a_register

from . import facts, rules, selectors
from .deadlines import NO_ANSWER_REMINDER
from .models import Answer, FamilyWishes, Proposal


@for_roles(Role.GUARDIANSHIP, scope=("applicant",))
@transaction.atomic
def set_wishes(
    *,
    actor: User | None,
    applicant: Applicant,
    sex: str = "",
    age_min: int = 0,
    age_max: int = 17,
    children: int = 1,
    siblings: bool = False,
    health_conditions: bool = False,
    regions: list[Region] | None = None,
) -> FamilyWishes:
    """Whom the family can take in; the whole set each time, kept by the agency that recorded the
    family: a district it was proposed a child by sees it and never changes its wishes (narrowed,
    they would no longer hold a foreign adoption back)."""
    if actor is not None and not selectors.is_familys_agency(actor, applicant):
        raise Forbidden(
            "applicant",
            "not_the_familys_agency",
            _("A family's wishes are kept by the guardianship agency that recorded the family."),
        )
    errors: list[FieldError] = []
    if age_max < age_min:
        errors.append(FieldError("age_max", "before_min", _("The age range ends before it starts.")))
    if age_max > 17:
        errors.append(FieldError("age_max", "not_a_child", _("A child is under 18.")))
    if children < 1:
        errors.append(FieldError("children", "at_least_one", _("At least one child.")))
    raise_errors(errors)
    wishes = FamilyWishes.objects.select_for_update().filter(applicant=applicant).first()
    values = {
        "sex": sex,
        "age_min": age_min,
        "age_max": age_max,
        "children": children,
        "siblings": siblings,
        "health_conditions": health_conditions,
    }
    if wishes is None:
        wishes = FamilyWishes.objects.create(applicant=applicant, **values)
        record_write(actor=actor, verb=Verb.SET_WISHES, obj=wishes, subject=applicant)
    else:
        audited_update(wishes, actor=actor, verb=Verb.SET_WISHES, subject=applicant, **values)
    wishes.regions.set(regions or [])
    refresh_families([applicant.pk])
    return wishes


def refresh_families(applicant_ids: list[int]) -> None:
    """Bring the families' matching columns (models.FamilyWishes) up to date after their wishes or
    their register entries change (migration 0002 filled them once with a copy of this)."""
    entries: dict[int, list[tuple]] = {}
    for applicant_id, start, end in AdopterRegistration.objects.filter(
        applicant_id__in=applicant_ids, register=Register.PROSPECTIVE_ADOPTERS
    ).values_list("applicant_id", "registered_on", "valid_until"):
        entries.setdefault(applicant_id, []).append((start, end))
    for wishes in FamilyWishes.objects.filter(applicant_id__in=applicant_ids).select_related("applicant__district"):
        regions = sorted(wishes.regions.values_list("code", flat=True))
        mine = sorted(entries.get(wishes.applicant_id, []))
        FamilyWishes.objects.filter(pk=wishes.pk).update(
            wished_regions=f",{','.join(regions)}," if regions else "",
            home_region_id=wishes.applicant.district.region_id,
            registrations=len(mine),
            registered_on=mine[0][0] if mine else None,
            valid_until=mine[0][1] if mine else None,
        )


def on_registration(applicant: Applicant) -> None:
    refresh_families([applicant.pk])


def _proposable(child: Child, applicant: Applicant, on: datetime.date) -> list[FieldError]:
    errors: list[FieldError] = []
    if sealing.is_sealed(child) or child.status != ChildStatus.REGISTERED or child.register_level is None:
        errors.append(
            FieldError("child", "not_on_a_register", _("Only a child on a register is proposed to a family."))
        )
        return errors
    if not on_a_register(child, on):
        errors.append(FieldError("proposed_on", "not_on_a_register", _("The child was on no register on that day.")))
        return errors
    if held := facts.held_by_a_court(child):
        errors.append(held)
        return errors
    wanted = facts.child_facts(child, on)
    if not rules.matches(wanted, facts.families_for(wanted, on, family=applicant.pk)[0], on):
        errors.append(
            FieldError(
                "applicant",
                "no_match",
                _("This family is not on the register on that day, or its wishes do not fit the child."),
            )
        )
    return errors


@for_roles(Role.GUARDIANSHIP, scope=("child",))
@transaction.atomic
def propose(*, actor: User | None, child: Child, applicant: Applicant, proposed_on: datetime.date) -> Proposal:
    """The guardianship agency proposes the child to a registered family whose wishes fit."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    errors: list[FieldError] = []
    not_future("proposed_on", proposed_on, errors)
    if proposed_on < child.birth_date:
        errors.append(FieldError("proposed_on", "before_birth", _("The date is before the child's birth.")))
    raise_errors(errors)
    raise_errors(_proposable(child, applicant, proposed_on))
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                child=child, applicant=applicant, proposed_on=proposed_on, created_by=actor
            )
    except IntegrityError:
        raise ConflictError(
            "applicant", "already_proposed", _("The child was already proposed to this family.")
        ) from None
    record_write(actor=actor, verb=Verb.PROPOSE_CHILD, obj=proposal, subject=child)
    # the reminder that a family did not answer asked for this: the child proposed to the next
    close_reminders(kinds=[NO_ANSWER_REMINDER], subject_type="child", subject_id=child.pk, actor=actor)
    return proposal


def withdraw_proposals(*, actor: User | None, child: Child, on: datetime.date) -> None:
    """The child left the registers on `on` (`registry.contributions.leave_hooks`, in that
    transaction): each proposal its family had not answered by then, or that lapsed for no answer
    after that day (the leaving recorded late), is withdrawn on that day, or on the day it was made
    if later. A family cannot take in a child off the registers, so this is not its refusal: the
    search for a family in Kazakhstan does not count it (adoption.rules, DOMESTIC_PREFERENCE), and
    back on the registers the child is proposed to the family again. A proposal whose time to
    answer ran out by `on` lapses as before (`deadlines.sweep_proposals`), and a family's own answer
    stays."""
    days = Policy.on(on).proposal_answer_days
    for proposal in Proposal.objects.select_for_update().filter(
        child=child, answer__in=(Answer.PENDING, Answer.NO_ANSWER)
    ):
        lapsed = proposal.answered_on if proposal.answer == Answer.NO_ANSWER else None
        if (lapsed or unanswered_from(proposal.proposed_on, days)) <= on:
            continue  # no answer in time, before the child left
        audited_update(
            proposal,
            actor=actor,
            verb=Verb.WITHDRAW_PROPOSAL,
            subject=child,
            answer=Answer.WITHDRAWN,
            answered_on=max(on, proposal.proposed_on),
        )


@for_roles(Role.GUARDIANSHIP, scope=("proposal",))
@transaction.atomic
def answer(
    *,
    actor: User | None,
    proposal: Proposal,
    answer: str,
    on: datetime.date,
    reason: str = "",
    spouse: Applicant | None = None,
) -> tuple[Proposal, Case | None]:
    """The family's answer: declined (with a reason) or accepted, which opens the case with the
    registered applicant and, for a couple, the spouse (an applicant the district sees, or one
    recorded by the family's own agency: a family of another district, 403 otherwise)."""
    proposal = Proposal.objects.select_for_update().select_related("child", "applicant").get(pk=proposal.pk)
    if actor is not None and spouse is not None and spouse.district_id != proposal.applicant.district_id:
        require_in_scope(actor, "spouse", spouse)
    if proposal.answer == Answer.WITHDRAWN:
        assert proposal.answered_on is not None  # (the day the child left)
        raise ConflictError(
            "answer",
            "proposal_withdrawn",
            _("This proposal was withdrawn on %(date)s: the child left the registers.")
            % {"date": in_text(proposal.answered_on)},
        )
    if proposal.answer != Answer.PENDING:
        raise ConflictError("answer", "already_answered", _("This proposal is already answered."))
    errors: list[FieldError] = []
    not_future("on", on, errors)
    if on < proposal.proposed_on:
        errors.append(FieldError("on", "before_proposed", _("An answer comes after the proposal.")))
    if answer not in (Answer.ACCEPTED, Answer.DECLINED):
        errors.append(FieldError("answer", "invalid_choice", _("The answer is accepted or declined.")))
    if answer == Answer.DECLINED and not reason.strip():
        errors.append(FieldError("reason", "required", _("Record the reason the family gave.")))
    if spouse is not None and answer != Answer.ACCEPTED:
        errors.append(FieldError("spouse", "only_when_accepted", _("A spouse joins the case the family accepts.")))
    if spouse is not None and spouse.pk == proposal.applicant_id:
        errors.append(FieldError("spouse", "same_applicant", _("The spouse is another applicant.")))
    raise_errors(errors)
    audited_update(
        proposal,
        actor=actor,
        verb=Verb.ANSWER_PROPOSAL,
        subject=proposal.child,
        answer=answer,
        answered_on=on,
        reason=reason.strip(),
        spouse=spouse,
    )
    case = None
    if answer == Answer.ACCEPTED:
        case = adoption_services.open_case(
            actor=actor,
            children=[proposal.child],
            applicants=[proposal.applicant, *([spouse] if spouse else [])],
            opened_on=on,
        )
    return proposal, case
