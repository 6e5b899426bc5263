"""Each role's work queue (issue 20): what falls due, soonest first, each line naming the child
(and the applicants) and linking to the page where the step is taken. The apps contribute the
lines of their deadlines (`sources`, registered in their AppConfig.ready) from the same
definitions their sweeps use; this module only gathers and orders them. A source answers in two
steps, each in a fixed number of queries on the records in the user's scope (the selectors): what
falls due and when (`due`: its soonest PER_SOURCE, dates and ids only), then, for the lines the
queue shows, whom they name (`lines`). The queue records one read event per kind of record it
names (adoption is secret: every read is audited); what it does not show is neither named nor read."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils.translation import gettext_noop

from .audit import note_read
from .models import Role, User

HORIZON_DAYS = 30  # what falls due within this many days, and everything already late
SHOWN = 200  # the soonest lines of the whole queue: a page a person reads, not a register
PER_SOURCE = SHOWN + 1  # each source's soonest lines: all the queue can show, and whether it left any off
WORKERS = (Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY, Role.COURT, Role.CONSULAR)


@dataclass(frozen=True)
class Item:
    due_on: datetime.date
    kind: str  # a code, e.g. "register_escalation_due"
    title: str  # what is to be done, in the user's language
    subject: str  # the child's shown name (sealed: "Adopted child #id"), or the case's
    url: str  # the page where it is done
    people: str = ""  # the applicants, when a case
    record: tuple[str, int] | None = None  # (audit label, id) of the record the line names: its Due.record
    deadline: bool = True  # False: the date says from when the step can be taken; it is never late
    # other pages where a part of it is done, (what each opens, its url): e.g. each applicant whose
    # entry on a register of adopters is to be recorded, for a line that names a case
    steps: tuple[tuple[str, str], ...] = ()

    def late(self, on: datetime.date) -> bool:
        return self.deadline and self.due_on < on


class Due(NamedTuple):
    """A line before it names anyone: when, what, about which record (a child's or a case's id)."""

    due_on: datetime.date
    kind: str
    record: int
    title: str
    detail: Any = None  # what the source's `lines` needs of the row to name it (e.g. a document's applicant)
    deadline: bool = True  # False: the date says from when the step can be taken (Item.deadline)


@dataclass(frozen=True)
class Source:
    roles: tuple[str, ...]
    due: Callable[[User, datetime.date, datetime.date], list[Due]]  # fn(user, on, until): its soonest PER_SOURCE
    lines: Callable[[User, list[Due]], list[Item]]  # fn(user, shown): the same lines, named
    name: str  # the queue shows one source alone by it (`queue(only=...)`); one per role at most
    label: Any  # what its lines are about, in the user's language (lazy)


sources: list[Source] = []


class Queue(NamedTuple):
    items: list[Item]  # the soonest SHOWN
    more: bool  # lines were left off (a shorter horizon narrows the queue)


def kinds_of_work(user: User) -> list[tuple[str, str]]:
    """(name, label) of each source of the user's queue, in the order they were registered."""
    return [(source.name, str(source.label)) for source in sources if user.role in source.roles]


def queue(user: User, on: datetime.date, *, horizon: int = HORIZON_DAYS, only: str | None = None) -> Queue:
    """The user's lines due by `on` + `horizon` days (and all late ones), the soonest SHOWN; of
    the source named `only` alone if given (a name of `kinds_of_work`). Each source gives its
    soonest PER_SOURCE, so the first SHOWN of them all are among them."""
    until = on + datetime.timedelta(days=horizon)
    mine = [source for source in sources if user.role in source.roles and only in (None, source.name)]
    due = [(line, n) for n, source in enumerate(mine) for line in source.due(user, on, until)]
    due.sort(key=lambda row: (row[0].due_on, row[0].kind, row[0].record))  # a day's lines: by record, stably
    shown, more = due[:SHOWN], len(due) > SHOWN
    # each `lines` once, for all the lines of the sources it names (a post's two sources name the
    # children alike: one reading of its scope, not two)
    namers = {source.lines: [d for d, n in shown if mine[n].lines is source.lines] for source in mine}
    items = [item for lines, due_lines in namers.items() for item in lines(user, due_lines)]
    items.sort(key=lambda item: (item.due_on, item.kind, item.record[1] if item.record else 0))
    named: dict[str, set[int]] = {}
    for item in items:  # what is shown is read; what is left off is not
        if item.record:
            named.setdefault(item.record[0], set()).add(item.record[1])
    for label, ids in named.items():
        note_read(
            label=label, ids=sorted(ids), purpose=gettext_noop("work queue")
        )  # stored in English, shown translated
    return Queue(items, more)
