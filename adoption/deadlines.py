"""Deadlines of the cases (RULES §4, §6), swept by beat; recomputed from the database, so
idempotent (a reminder is one kind, subject and due date):

- central_wait_ends, to the district: the day a foreign or non-resident case's three months on
  the central register expire (the day the adoption becomes possible);
- decision_in_force_due, to the court: once decided_on + the appeal period has passed with no
  in_force_on recorded.
"""

from __future__ import annotations

import datetime

from django.db.models import DateField, ExpressionWrapper, OuterRef

from core.dates import add_months, right_arises, today
from core.deadlines import reminded, reminded_pairs
from core.models import Policy, Reminder
from core.services import create_reminders
from registry.models import Level

from . import rules
from .models import CaseChild, CaseStatus, Decision

CENTRAL_WAIT_REMINDER = "central_wait_ends"
IN_FORCE_REMINDER = "decision_in_force_due"


def sweep_court_deadlines(*, on: datetime.date | None = None) -> dict:
    on = on or today()
    waiting = CaseChild.objects.filter(
        case__status__in=(CaseStatus.OPEN, CaseStatus.REFERRED, CaseStatus.HEARD),
        case__category__in=(rules.Category.FOREIGNER, rules.Category.NONRESIDENT_CITIZEN),
        child__register_level=Level.CENTRAL,
        child__level_since__lte=add_months(on, -rules.CENTRAL_WAIT_MONTHS),  # a superset; exact date below
    ).values_list("case_id", "case__district_id", "child__level_since")
    latest: dict[int, tuple[str, datetime.date]] = {}  # the case's last child to reach the end of its wait
    for case_id, district_id, central_on in waiting.iterator(chunk_size=2000):
        allowed = right_arises(central_on, rules.CENTRAL_WAIT_MONTHS)
        if allowed <= on and allowed >= latest.get(case_id, ("", allowed))[1]:
            latest[case_id] = (district_id, allowed)
    already = reminded_pairs(CENTRAL_WAIT_REMINDER, subject_type="case", subject_ids=latest)
    due = [
        Reminder(
            kind=CENTRAL_WAIT_REMINDER,
            subject_type="case",
            subject_id=case_id,
            due_on=allowed,
            district_id=district_id,
            detail="three months on the central register expired",
        )
        for case_id, (district_id, allowed) in latest.items()
        if (case_id, allowed) not in already
    ]
    appeal = datetime.timedelta(days=Policy.current().appeal_period_days)
    ends = ExpressionWrapper(OuterRef("decided_on") + appeal, output_field=DateField())
    decided = (
        Decision.objects.filter(in_force_on__isnull=True, decided_on__lt=on - appeal)
        .exclude(reminded(IN_FORCE_REMINDER, subject_type="case", subject=OuterRef("case_id"), due_on=ends))
        .values_list("case_id", "court_id", "decided_on")
    )
    due += [
        Reminder(
            kind=IN_FORCE_REMINDER,
            subject_type="case",
            subject_id=case_id,
            due_on=decided_on + appeal,
            court_id=court_id,
            detail="record the date the decision entered into force",
        )
        for case_id, court_id, decided_on in decided.iterator(chunk_size=2000)
    ]
    created = create_reminders(due)
    return {"central_wait_ends": created[CENTRAL_WAIT_REMINDER], "decision_in_force_due": created[IN_FORCE_REMINDER]}
