"""Deadlines of the databank, swept by beat; recomputed from the database, so idempotent:

- proposal_no_answer, to the child's district: a proposal unanswered for
  `proposal_answer_days` becomes `no_answer` (answered the day after the last day); propose the
  child to the next family (done when it is proposed to another, or leaves the registers; not
  asked of a child whose adoption a court holds: `facts.held_by_a_court`).
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.audit import Verb, record_write
from core.dates import today
from core.deadlines import reminder_kind
from core.models import Policy, Reminder
from core.services import create_reminders

from .facts import held_by_a_court
from .models import Answer, Proposal

NO_ANSWER_REMINDER = reminder_kind(
    "proposal_no_answer", _("a proposal to a family is unanswered"), of_a_child_on_the_registers=True
)


def sweep_proposals(*, on: datetime.date | None = None) -> dict:
    """Proposals unanswered for `proposal_answer_days` become `no_answer` (answered the day after
    the last day), with a reminder to the child's district. Idempotent."""
    on = on or today()
    days = datetime.timedelta(days=Policy.on(on).proposal_answer_days)
    lapsed = list(Proposal.objects.filter(answer=Answer.PENDING, proposed_on__lt=on - days).select_related("child"))
    for proposal in lapsed:
        Proposal.objects.filter(pk=proposal.pk, answer=Answer.PENDING).update(
            answer=Answer.NO_ANSWER, answered_on=proposal.proposed_on + days + datetime.timedelta(days=1)
        )
        record_write(actor=None, verb=Verb.ANSWER_PROPOSAL, obj=proposal, subject=proposal.child)
    # a child whose adoption a court holds is proposed to no other family (services.propose): no
    # one is asked to (its proposal still lapses)
    held = {p.child_id for p in lapsed if held_by_a_court(p.child)}
    created = create_reminders(
        Reminder(
            kind=NO_ANSWER_REMINDER,
            subject_type="child",
            subject_id=p.child_id,
            due_on=p.proposed_on + days + datetime.timedelta(days=1),
            district_id=p.child.district_id,
            detail=gettext_noop("a family did not answer a proposal: propose the child to the next"),
        )
        for p in lapsed
        if p.child_id not in held
    )
    return {"no_answer": created[NO_ANSWER_REMINDER]}
