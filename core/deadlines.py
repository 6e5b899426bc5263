"""What every app's deadlines module (`<app>/deadlines.py`) shares: each sweep finds its
candidates in SQL, leaves out what an earlier sweep already reminded (one rule: a reminder is
one (kind, subject, due date), `reminded`), and creates the rest in batches
(`core.services.create_reminders`, which the unique constraint makes safe to repeat or run
concurrently)."""

from __future__ import annotations

import re

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext

from .models import Reminder

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
