"""The registers' lines of the work queues (core.work): children whose next step on the registers
falls due, from the sweep's own definition of the steps (deadlines.register_steps): the district
places a child on the primary register and sends the file on to the region; the region, and the
ministry, place it on the central register."""

from __future__ import annotations

import datetime
import heapq
import itertools

from django.urls import reverse
from django.utils.translation import gettext as _

from core import work
from core.models import Policy, Role, User

from . import deadlines, sealing, selectors
from .models import ChildStatus, Level

STEPS_OF: dict[str, tuple[str | None, ...]] = {
    Role.GUARDIANSHIP: (None, Level.PRIMARY),
    Role.REGIONAL: (Level.REGIONAL,),
    Role.MINISTRY: (Level.REGIONAL,),
}


def register_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    titles = {
        None: _("Place on the primary register"),
        Level.PRIMARY: _("Send to the regional register"),
        Level.REGIONAL: _("Place on the central register"),
    }
    steps = deadlines.register_steps(Policy.on(on))
    active = selectors.children_for(user).filter(status=ChildStatus.REGISTERED)
    # each step in the order of the date it runs from (an index: its deadline is that date plus a
    # constant), the first of each, merged by deadline
    per_step = [
        deadlines.due_on_register(active, until, steps, (level,))
        .order_by(steps[level][0], "id")
        .values_list("deadline", "id", "register_level")[: work.PER_SOURCE]
        for level in STEPS_OF[user.role]
    ]
    children = heapq.merge(*per_step, key=lambda row: (_day(row[0]), row[1]))
    return [
        work.Due(_day(deadline), deadlines.ESCALATION_REMINDER, pk, titles[level])
        for deadline, pk, level in itertools.islice(children, work.PER_SOURCE)
    ]


def register_lines(user: User, shown: list[work.Due]) -> list[work.Item]:
    children = selectors.children_for(user).in_bulk([line.record for line in shown])
    return [
        work.Item(
            due_on=line.due_on,
            kind=line.kind,
            title=line.title,
            subject=sealing.shown_name(children[line.record]),
            url=reverse("web-child", args=[line.record]),
            record=("registry.child", line.record),
        )
        for line in shown
        if line.record in children
    ]


def _day(deadline: datetime.date) -> datetime.date:
    """date + days is a timestamp in PostgreSQL: the day it falls on."""
    return deadline.date() if isinstance(deadline, datetime.datetime) else deadline


def register() -> None:
    work.sources.append(work.Source(tuple(STEPS_OF), register_due, register_lines))
