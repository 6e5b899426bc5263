"""Deadlines of the databank, swept by beat; recomputed from the database, so idempotent:

- proposal_no_answer, to the child's district: a proposal unanswered for
  `proposal_answer_days` becomes `no_answer` (answered the day after the last day); propose the
  child to the next family (done when it is proposed to another, or leaves the registers; not
  asked of a child off them, or whose adoption a court holds: `facts.held_by_a_court`). A
  proposal the child's leaving the registers withdrew (`services.withdraw_proposals`) does not
  lapse.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from adoption.rules import unanswered_from
from core.audit import Verb, record_write, snapshot
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
    days = Policy.on(on).proposal_answer_days
    due = Proposal.objects.filter(answer=Answer.PENDING, proposed_on__lt=on - datetime.timedelta(days=days))
    lapsed = []
    for proposal in due.select_related("child"):
        before = snapshot(proposal)
        proposal.answer, proposal.answered_on = Answer.NO_ANSWER, unanswered_from(proposal.proposed_on, days)
        # (unless answered or withdrawn meanwhile, by a transaction that committed since the read)
        if Proposal.objects.filter(pk=proposal.pk, answer=Answer.PENDING).update(
            answer=proposal.answer, answered_on=proposal.answered_on
        ):
            record_write(actor=None, verb=Verb.ANSWER_PROPOSAL, obj=proposal, before=before, subject=proposal.child)
            lapsed.append(proposal)
    # a child off the registers, or whose adoption a court holds, is proposed to no other family
    # (services.propose): no one is asked to (its proposal still lapses)
    not_proposed = {p.child_id for p in lapsed if p.child.register_level is None or held_by_a_court(p.child)}
    created = create_reminders(
        Reminder(
            kind=NO_ANSWER_REMINDER,
            subject_type="child",
            subject_id=p.child_id,
            due_on=unanswered_from(p.proposed_on, days),
            district_id=p.child.district_id,
            detail=gettext_noop("a family did not answer a proposal: propose the child to the next"),
        )
        for p in lapsed
        if p.child_id not in not_proposed
    )
    return {"no_answer": created[NO_ANSWER_REMINDER]}
