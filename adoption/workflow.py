"""The case state machine: one table of the steps a case can take, read by the services (which
refuse a step the table does not allow in the case's status, and only to its roles), by the API
(its views refuse a role before reading input: `core.errors.may`) and by the pages (which offer
a step only where the table allows it: `standing`). A step taken answers the case's reminders
the table names (`Step.answers`: done in the step's transaction).

A new step, or a new status, is a row here first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import in_text
from core.errors import ConflictError, RuleError, for_roles
from core.models import Role
from core.services import close_reminders

from .deadlines import (
    CENTRAL_WAIT_REMINDER,
    CIVIL_REGISTRATION_REMINDER,
    HAGUE_CERTIFICATE_REMINDER,
    IN_FORCE_REMINDER,
)
from .models import Appeal, CaseStatus, ClosedReason


@dataclass(frozen=True)
class Step:
    roles: tuple[str, ...]  # who may take it
    from_statuses: tuple[str, ...]  # the statuses it may be taken in
    to_status: str | None  # the status it leads to (None: the case keeps its status)
    doing: Promise  # for the refusal: "A case that is <status> cannot be <doing>."
    answers: tuple[str, ...] = ()  # the kinds of the case's reminders it answers: done once it is taken
    # why it cannot be taken now although the status allows it (None: it can): refused with that
    # reason, and not offered
    barred: Callable[[Any], RuleError | None] | None = None


def pending_appeal(case) -> Appeal | None:
    """The case's appeal filed and not yet decided (RULES v2 §6), if it has one."""
    appeal = getattr(getattr(case, "decision", None), "appeal", None)
    return appeal if appeal is not None and appeal.pending else None


def appeal_pending(case) -> RuleError | None:
    """RULES v2 §6: an appeal filed and not yet decided holds the decision out of force: upheld, it
    enters into force on the appeal's day; reversed, never."""
    appeal = pending_appeal(case)
    if appeal is None:
        return None
    return ConflictError(
        "in_force_on",
        "appeal_pending",
        _(
            "An appeal filed on %(date)s is pending: the decision enters into force only when the appeal upholds "
            "it, on the appeal's day. Record the appeal's outcome."
        )
        % {"date": in_text(appeal.filed_on)},
    )


def _not_before_force(name: str, field: str, in_force: Promise):
    """Step `name` (an appeal, a correction of the dates) is of a decision not yet in force: a grant
    (the case decided) or a refusal (the case it closed, not yet in force; an appeal upheld puts it
    in force, one reversed grants the adoption). A case closed otherwise has no decision to take it
    on; a refusal in force is refused with `in_force` on `field`, saying so."""

    def barred(case) -> RuleError | None:
        if case.status == CaseStatus.DECIDED:
            return None
        decision = getattr(case, "decision", None)
        if case.closed_reason != ClosedReason.REFUSED or decision is None:
            return _illegal(case, name)
        if decision.in_force_on is not None:
            return ConflictError(field, "in_force", str(in_force) % {"date": in_text(decision.in_force_on)})
        return None

    return barred


def not_a_hague_adoption() -> RuleError:
    return RuleError(
        "case",
        "not_a_hague_adoption",
        _("The child will not live in a country that is a party to the Hague Convention on this date."),
    )


def _registered(case) -> RuleError | None:
    """MFA art. 77: the civil registry records the adoption once."""
    if not case.decision.civil_registered_on:
        return None
    return ConflictError(
        "civil_registration", "already_registered", _("The civil registry's record is already entered.")
    )


def followed(decision) -> list[tuple]:
    """(date, what) of each record that followed the entry into force of `decision`'s adoption: the
    civil registry's record, the art. 23 certificate, an adopted child's death, and those of the
    apps above (`extensions.follow_ups`: the consular post's)."""
    from . import extensions
    from .models import Adoption

    found = []
    if decision.civil_registered_on:
        found.append((decision.civil_registered_on, gettext_lazy("the civil registry's record")))
    hague = getattr(decision.case, "hague", None)
    if hague is not None and hague.certificate_issued_on:
        found.append((hague.certificate_issued_on, gettext_lazy("the art. 23 certificate")))
    for adoption in Adoption.objects.filter(decision=decision).select_related("child"):
        if adoption.child.died_on is not None:
            found.append((adoption.child.died_on, gettext_lazy("the child's death")))
    return sorted(found + [record for source in extensions.follow_ups for record in source(decision)])


def _in_force_settled(case) -> RuleError | None:
    """The day an adoption entered into force is corrected only if the court's clerk typed it: not
    the day of an appeal (the appeal's own record), and not once anything followed it (each of
    those records was judged by it, and none is moved here)."""
    decision = case.decision
    appeal = getattr(decision, "appeal", None)
    if appeal is not None and appeal.outcome:
        return ConflictError(
            "in_force_on",
            "entered_on_appeal",
            _("The adoption entered into force on the appeal's day, %(date)s: that day is the appeal's record.")
            % {"date": in_text(appeal.decided_on)},
        )
    records = followed(decision)
    if records:
        on, what = records[0]
        return ConflictError(
            "in_force_on",
            "followed",
            _("The entry into force was followed by %(record)s on %(date)s: its day is no longer corrected.")
            % {"record": what, "date": in_text(on)},
        )
    return None


def _certified(case) -> RuleError | None:
    """HC93 art. 23: one certificate, of an adoption in force in a country party to the Convention
    on the day it entered into force."""
    hague = getattr(case, "hague", None)
    if hague is not None and hague.certificate_issued_on:
        return ConflictError("number", "already_issued", _("The certificate of art. 23 is already issued."))
    in_force_on = case.decision.in_force_on
    if in_force_on is None:  # (a case in force has its day: the status says so)
        return ConflictError("issued_on", "not_in_force", _("The adoption is not in force."))
    return not_a_hague_adoption() if case.hague_country(in_force_on) is None else None


EVIDENCE = (
    CaseStatus.OPEN,
    CaseStatus.REFERRED,
    CaseStatus.HEARD,
)  # the file is open to new evidence until the decision
G, C = (Role.GUARDIANSHIP,), (Role.COURT,)

STEPS: dict[str, Step] = {
    "documents": Step(G, EVIDENCE, None, gettext_lazy("given new evidence")),
    "contacts": Step(G, EVIDENCE, None, gettext_lazy("given new evidence")),
    "consents": Step(G, EVIDENCE, None, gettext_lazy("given new evidence")),
    "withdraw-consent": Step(G, EVIDENCE, None, gettext_lazy("given new evidence")),
    "domestic-search": Step(G, EVIDENCE, None, gettext_lazy("given new evidence")),
    "referral": Step(G, (CaseStatus.OPEN,), CaseStatus.REFERRED, gettext_lazy("referred to a court")),
    "hearing": Step(C, (CaseStatus.REFERRED, CaseStatus.HEARD), CaseStatus.HEARD, gettext_lazy("heard")),
    # granted: decided (in force when in_force_on is given); refused: closed
    "decision": Step(
        C,
        (CaseStatus.HEARD,),
        CaseStatus.DECIDED,
        gettext_lazy("decided (it needs a hearing first)"),
        (CENTRAL_WAIT_REMINDER,),  # the case waits no more
    ),
    # a granted decision's entry into force (a refused one closes the case at once and may record it then)
    "in-force": Step(
        C,
        (CaseStatus.DECIDED,),
        CaseStatus.IN_FORCE,
        gettext_lazy("entered into force"),
        (IN_FORCE_REMINDER,),
        barred=appeal_pending,
    ),
    # an appeal against a decision not yet in force: recorded when filed (pending: the decision is
    # not entered into force meanwhile) or when decided; upheld, in force; reversed, a grant's case
    # closes and a refusal's case is granted, in force on the appeal's day
    "appeal": Step(
        C,
        (CaseStatus.DECIDED, CaseStatus.CLOSED),
        None,
        gettext_lazy("appealed (only a decision not yet in force)"),
        (IN_FORCE_REMINDER,),
        barred=_not_before_force(
            "appeal",
            "filed_on",
            gettext_lazy("The refusal entered into force on %(date)s: it is no longer appealed."),
        ),
    ),
    "civil-registration": Step(
        (Role.COURT, Role.GUARDIANSHIP),
        (CaseStatus.IN_FORCE,),
        None,
        gettext_lazy("registered (not in force)"),
        (CIVIL_REGISTRATION_REMINDER,),
        barred=_registered,
    ),
    # RULES v2 §7a: the ministry, as Central Authority (art. 15-17 before the referral, art. 23 after)
    "hague": Step((Role.MINISTRY,), EVIDENCE, None, gettext_lazy("given new Hague steps")),
    "hague-certificate": Step(
        (Role.MINISTRY,),
        (CaseStatus.IN_FORCE,),
        None,
        gettext_lazy("certified (it needs an adoption in force)"),
        (HAGUE_CERTIFICATE_REMINDER,),
        barred=_certified,
    ),
    # withdrawn (or closed because its child was adopted in another case: `CLOSED_ANSWERS`)
    "withdraw": Step(G, EVIDENCE, CaseStatus.CLOSED, gettext_lazy("withdrawn"), (CENTRAL_WAIT_REMINDER,)),
    # corrections: a record entered by mistake is withdrawn (marked, with the reason; the checks no
    # longer read it) while the file is open to evidence; a hearing until the decision (the last
    # one withdrawn, the case is referred again)
    "withdraw-document": Step(G, EVIDENCE, None, gettext_lazy("corrected (only until the decision)")),
    "withdraw-contact": Step(G, EVIDENCE, None, gettext_lazy("corrected (only until the decision)")),
    "withdraw-hearing": Step(C, (CaseStatus.HEARD,), None, gettext_lazy("corrected (only until the decision)")),
    # the dates of a decision entered wrongly, while it is not in force: a grant, or a refusal (the
    # appeal term runs from the corrected final form: a grant's entry into force is expected on
    # another day, reminded anew; an appeal of a refusal is judged by the term as corrected)
    "correct-decision": Step(
        C,
        (CaseStatus.DECIDED, CaseStatus.CLOSED),
        None,
        gettext_lazy("corrected (only a decision not yet in force)"),
        (IN_FORCE_REMINDER,),
        barred=_not_before_force(
            "correct-decision",
            "decided_on",
            gettext_lazy("The refusal entered into force on %(date)s: its dates are no longer corrected."),
        ),
    ),
    # the day an adoption entered into force, typed wrong, while nothing has followed it (the
    # reminders of what follows it move with it)
    "correct-in-force": Step(
        C,
        (CaseStatus.IN_FORCE,),
        None,
        gettext_lazy("corrected (only an adoption in force)"),
        barred=_in_force_settled,
    ),
}


CLOSED_ANSWERS = STEPS["withdraw"].answers  # a case closed while open answers what a withdrawal does
# a case closed because its child died (before its decision, or a grant not yet in force): nothing
# waits on its entry into force either
DEATH_ANSWERS = CLOSED_ANSWERS + STEPS["in-force"].answers


def require(case, name: str) -> None:
    """Refuse step `name` on a case whose status the table does not allow (409 `illegal_transition`),
    or with the reason the step's `barred` gives why it cannot be taken now."""
    step = STEPS[name]
    if case.status not in step.from_statuses:
        raise _illegal(case, name)
    if step.barred and (refusal := step.barred(case)):
        raise refusal


def _illegal(case, name: str) -> RuleError:
    return ConflictError(
        "status",
        "illegal_transition",
        _("A case that is %(status)s cannot be %(action)s.")
        % {"status": CaseStatus(case.status).label, "action": STEPS[name].doing},
    )


def standing(case, role: str) -> dict[str, RuleError | None]:
    """The steps a user of `role` may take on `case` in its status, in the table's order, each with
    why it cannot be taken now (its `barred` reason), or None: offered. Each predicate read once."""
    return {
        name: step.barred(case) if step.barred else None
        for name, step in STEPS.items()
        if role in step.roles and case.status in step.from_statuses
    }


def step(name: str, *, scope: tuple[str, ...] = ("case",)):
    """Decorate the service of step `name`: its roles are the table's, and its case (or `scope`)
    must be one the actor sees (`core.errors.for_roles`); once it is taken, the case's open
    reminders it answers are done, in its transaction (a refused step closes nothing)."""
    roles, answers = STEPS[name].roles, STEPS[name].answers

    def decorate(service):
        @functools.wraps(service)
        def answering(*args, actor, case, **kwargs):
            with transaction.atomic():
                taken = service(*args, actor=actor, case=case, **kwargs)
                close_reminders(kinds=answers, subject_type="case", subject_id=case.pk, actor=actor)
            return taken

        checked = for_roles(*roles, scope=scope)(answering if answers else service)
        checked.step = name
        return checked

    return decorate
