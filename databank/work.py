"""The databank's lines of the district's work queue (core.work): each proposal whose family's
answer is awaited, due on the last day the family has to answer (the next day it lapses as no
answer: `adoption.rules.unanswered_from`, the sweep's definition). The district asks the family
and records its answer on the child's matches page; the line leaves once the answer is recorded,
the proposal lapses or is withdrawn (the child left the registers)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from adoption.models import Applicant
from adoption.rules import unanswered_from
from core import work
from core.models import Policy, Role, User
from registry.selectors import children_for
from registry.work import child_item

from . import selectors
from .models import Answer

ANSWER_DUE = "proposal_answer_due"
TITLE = _("Record the family's answer to the proposal")


def answer_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    """The pending proposals of the user's children whose last day to answer is by `until` (every
    one, as the answer is due within `proposal_answer_days`), the soonest first (their index)."""
    days = Policy.on(on).proposal_answer_days
    pending = (
        selectors.proposals_for(user)
        .filter(answer=Answer.PENDING, proposed_on__lte=until - datetime.timedelta(days=days))
        .order_by("proposed_on", "id")
        .values_list("proposed_on", "child_id", "applicant_id")[: work.PER_SOURCE]
    )
    last_day = datetime.timedelta(days=1)
    return [
        work.Due(unanswered_from(proposed_on, days) - last_day, ANSWER_DUE, child, str(TITLE), detail=applicant)
        for proposed_on, child, applicant in pending
    ]


def answer_lines(user: User, shown: list[work.Due]) -> list[work.Item]:
    """The lines shown, each naming the child (its shown name) and the family, and opening the
    child's matches, where the answer is recorded."""
    if not shown:
        return []
    children = children_for(user).in_bulk([line.record for line in shown])
    families = Applicant.objects.in_bulk([line.detail for line in shown])
    return [
        child_item(
            line,
            children[line.record],
            reverse("web-child-matches", args=[line.record]),
            people=families[line.detail].name,
        )
        for line in shown
        if line.record in children
    ]


def register() -> None:
    work.sources.append(
        work.Source((Role.GUARDIANSHIP,), answer_due, answer_lines, "proposals", _("Families' answers"))
    )
