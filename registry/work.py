"""The registers' lines of the work queues (core.work): children whose next step on the registers
falls due, from the sweep's own definition of the steps (deadlines.register_steps). Each level's
keeper places a child on its register and, when no family is found in time, sends the file on
(the sweep reminds the sender): the district places on the primary register and sends to the
region; the region places on the regional register and sends to the ministry; the ministry places
on the central register (ROLES.md: each level's entries are its keeper's)."""

from __future__ import annotations

import datetime
import heapq
import itertools
from typing import NamedTuple

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import work
from core.models import Policy, Role, User

from . import deadlines, sealing, selectors
from .models import Child, ChildStatus, Level

# each role's steps: the level a child stands on when the step falls due -> what the role does
STEPS_OF: dict[str, dict[str | None, Promise]] = {
    Role.GUARDIANSHIP: {None: _("Place on the primary register"), Level.PRIMARY: _("Send to the regional register")},
    Role.REGIONAL: {
        Level.PRIMARY: _("Place on the regional register"),
        Level.REGIONAL: _("Send to the central register"),
    },
    Role.MINISTRY: {Level.REGIONAL: _("Place on the central register")},
}


# the register each role keeps and places children on (ROLES.md: each level's entries are its keeper's)
PLACES_ON: dict[str, Level] = {
    Role.GUARDIANSHIP: Level.PRIMARY,
    Role.REGIONAL: Level.REGIONAL,
    Role.MINISTRY: Level.CENTRAL,
}
# what a step that sends the file on from the keeper's own register means for the keeper, who has
# nothing to record: the keeper of the next register records the entry, and the line leaves then
SENDING: dict[Level | None, Promise] = {
    Level.PRIMARY: _(
        "Send the child's file to the region's education department; the line leaves your work queue "
        "once the department places the child on the regional register."
    ),
    Level.REGIONAL: _(
        "Send the child's file to the ministry; the line leaves your work queue once the ministry "
        "places the child on the central register."
    ),
}


class Step(NamedTuple):
    title: str
    due_on: datetime.date
    sending: str  # what the sender does (a step that sends the file on), else ""


def next_step(user: User, child: Child, on: datetime.date) -> Step | None:
    """The child's step on the registers that is the user's to take, as the user's queue has it
    (the same steps and dates as `register_due`), for the child's page."""
    titles = STEPS_OF.get(user.role, {})
    level = Level(child.register_level) if child.register_level else None
    if child.status != ChildStatus.REGISTERED or level not in titles:
        return None
    field, days, *_recipient_detail = deadlines.register_steps(Policy.on(on))[level]
    start = getattr(child, field)
    if start is None:
        return None
    on_own_register = PLACES_ON.get(user.role) == level
    return Step(
        str(titles[level]),
        start + datetime.timedelta(days=days),
        str(SENDING.get(level, "")) if on_own_register else "",
    )


def register_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    titles = STEPS_OF[user.role]
    steps = deadlines.register_steps(Policy.on(on))
    active = selectors.children_for(user).filter(status=ChildStatus.REGISTERED)
    # each step in the order of the date it runs from (an index: its deadline is that date plus a
    # constant), the first of each, merged by deadline
    per_step = [
        deadlines.due_on_register(active, until, steps, (level,))
        .order_by(steps[level][0], "id")
        .values_list("deadline", "id", "register_level")[: work.PER_SOURCE]
        for level in titles
    ]
    children = heapq.merge(*per_step, key=lambda row: (_day(row[0]), row[1]))
    return [
        work.Due(_day(deadline), deadlines.ESCALATION_REMINDER, pk, str(titles[level]))
        for deadline, pk, level in itertools.islice(children, work.PER_SOURCE)
    ]


def register_lines(user: User, shown: list[work.Due]) -> list[work.Item]:
    children = selectors.children_for(user).in_bulk([line.record for line in shown])
    return [
        child_item(line, children[line.record], reverse("web-child", args=[line.record]))
        for line in shown
        if line.record in children
    ]


def child_item(line: work.Due, child: Child, url: str, people: str = "") -> work.Item:
    """The line `line` of a queue, naming the child it is about (its shown name: a sealed one's is
    "Adopted child #id") and read as the child's record; `url` opens where the step is taken."""
    return work.Item(
        due_on=line.due_on,
        kind=line.kind,
        title=line.title,
        subject=sealing.shown_name(child),
        people=people,
        url=url,
        record=("registry.child", child.pk),
        deadline=line.deadline,
    )


def _day(deadline: datetime.date) -> datetime.date:
    """date + days is a timestamp in PostgreSQL: the day it falls on."""
    return deadline.date() if isinstance(deadline, datetime.datetime) else deadline


def register() -> None:
    work.sources.append(
        work.Source(tuple(STEPS_OF), register_due, register_lines, "registers", _("Registers of children"))
    )
