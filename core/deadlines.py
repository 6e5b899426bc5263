"""What every app's deadlines module (`<app>/deadlines.py`) shares: each sweep finds its
candidates in SQL, leaves out what an earlier sweep already reminded (one rule: a reminder is
one (kind, subject, due date), `reminded`), and creates the rest in batches
(`core.services.create_reminders`, which the unique constraint makes safe to repeat or run
concurrently)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from .dates import today
from .models import Policy, Reminder

KINDS: dict[str, str] = {}  # each kind of reminder -> what it asks, in the reader's language (lazy)
# the kinds that ask something of a child on the registers: done when it leaves them (registry.services)
OF_A_CHILD_ON_THE_REGISTERS: list[str] = []


def reminder_kind(code: str, label, *, of_a_child_on_the_registers: bool = False) -> str:
    """Declare a kind of reminder with its label (pages, e-mails); returns the code."""
    KINDS[code] = label
    if of_a_child_on_the_registers:
        OF_A_CHILD_ON_THE_REGISTERS.append(code)
    return code


def kind_label(code: str) -> str:
    """What a kind of reminder asks, in the reader's language (the code, for an unknown kind)."""
    return str(KINDS.get(code, code))


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def detail_text(detail: str) -> str:
    """A reminder's detail in the reader's language. Its sweep stores it in English, marked for
    translation (`gettext_noop`), with at most one date in it, written ISO (`%(date)s` in the
    catalogues), which stays ISO in every language; a detail not in the catalogues reads as stored."""
    dates = ISO_DATE.findall(detail)
    if len(dates) != 1 or "%" in detail:
        return gettext(detail)
    return gettext(ISO_DATE.sub("%(date)s", detail)) % {"date": dates[0]}


def reminded(kind: str, *, subject_type: str, due_on, subject=None) -> Exists:
    """In SQL: a reminder of `kind` exists for the candidate row's subject (default its `pk`)
    and due date (`subject` and `due_on` are expressions on the candidate's query). Exclude it."""
    subject = OuterRef("pk") if subject is None else subject
    return Exists(Reminder.objects.filter(kind=kind, subject_type=subject_type, subject_id=subject, due_on=due_on))


def reminded_pairs(kind: str, *, subject_type: str, subject_ids) -> set[tuple[int, object]]:
    """For due dates computed in Python: the (subject id, due date) already reminded among
    these candidates (one query, the ids as one parameter: `core.lookups`)."""
    reminders = Reminder.objects.filter(kind=kind, subject_type=subject_type, subject_id__in_array=set(subject_ids))
    return set(reminders.values_list("subject_id", "due_on"))


# The kinds whose due date the policy in effect sets (RULES v2 §10): kind -> `owed(policy, on)`,
# the subjects still owed the step, each annotated with `reminder_subject` and the `reminder_due`
# the policy gives it. A reminder of such a kind is right while its (subject, due date) is owed.
FOLLOWS_POLICY: dict[str, Callable[[Policy, datetime.date], QuerySet]] = {}


def follows_policy(kind: str):
    """Declare how the due dates of `kind` follow from the policy (decorates `owed`)."""

    def register(owed):
        FOLLOWS_POLICY[kind] = owed
        return owed

    return register


def realign(kind: str, owed: QuerySet, *, on: datetime.date, actor=None, subject_id: int | None = None) -> int:
    """The reminders of `kind` (of one subject, if given) made right again after what sets their
    due dates changed (a policy, a corrected date): an open one whose date is no longer owed is
    closed (by `actor`); a closed one whose date is owed again and due by `on` is opened again if
    no one closed it (a policy changed back), or, for one subject, whoever did (a date typed wrong,
    then typed back, by the one correcting it). In two statements; returns how many were closed."""
    still_owed = Exists(owed.filter(reminder_subject=OuterRef("subject_id"), reminder_due=OuterRef("due_on")))
    reminders = Reminder.objects.filter(kind=kind)
    if subject_id is not None:
        reminders = reminders.filter(subject_id=subject_id)
    closed = reminders.filter(done_at__isnull=True).exclude(still_owed).update(done_at=timezone.now(), done_by=actor)
    reopened = reminders.filter(still_owed, done_at__isnull=False, due_on__lte=on)
    if subject_id is None:
        reopened = reopened.filter(done_by__isnull=True)
    reopen(reopened)
    return closed


def realign_pairs(kind: str, *, subject_type: str, owed: dict[int, set], on: datetime.date) -> None:
    """`realign`, for due dates computed in Python (as `reminded_pairs`): `owed` gives each subject
    read the due dates it is owed under the policy in effect (an empty set: none). Two statements
    at most, after one read of the subjects' reminders."""
    stale: list[int] = []
    again: list[int] = []
    reminders = Reminder.objects.filter(kind=kind, subject_type=subject_type, subject_id__in_array=set(owed))
    for pk, subject_id, due_on, done_at, done_by in reminders.values_list(
        "pk", "subject_id", "due_on", "done_at", "done_by"
    ):
        if done_at is None and due_on not in owed[subject_id]:
            stale.append(pk)
        elif done_at is not None and done_by is None and due_on <= on and due_on in owed[subject_id]:
            again.append(pk)
    if stale:
        Reminder.objects.filter(pk__in_array=stale).update(done_at=timezone.now(), done_by=None)
    if again:
        reopen(Reminder.objects.filter(pk__in_array=again))


def reopen(reminders: QuerySet) -> None:
    """Open `reminders` again, to be e-mailed again: the earlier message was of a step since
    closed, which its staff let go."""
    reminders.update(done_at=None, done_by=None, emailed_at=None, email_failed_at=None, emailed_to=[])


def align_with_policy(*, on: datetime.date | None = None) -> int:
    """Beat: once a version of the policy is in effect (it took effect, or it was changed), the
    open reminders of the kinds it sets the dates of are realigned with it, once (the version
    keeps `reminders_aligned`; a change sets it back). The sweeps then remind the new dates.
    Returns how many reminders were closed."""
    on = on or today()
    if Policy.on(on).reminders_aligned:  # every run but the first under a version: one query
        return 0
    with transaction.atomic():  # one aligner at a time, and no change of the policy meanwhile
        Policy.lock()
        policy = Policy.on(on)
        if policy.reminders_aligned:  # another aligner got there first
            return 0
        closed = sum(realign(kind, owed(policy, on), on=on) for kind, owed in FOLLOWS_POLICY.items())
        Policy.objects.filter(pk=policy.pk).update(reminders_aligned=True)  # no save: no signal
    return closed
