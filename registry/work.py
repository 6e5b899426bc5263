"""The registers' lines of the work queues (core.work): children whose next step on the registers
falls due, from the sweep's own definition of the steps (deadlines.register_steps): the district
places a child on the primary register and sends the file on to the region; the region, and the
ministry, place it on the central register."""

from __future__ import annotations

import datetime

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


def register_lines(user: User, on: datetime.date, until: datetime.date) -> list[work.Item]:
    titles = {
        None: _("Place on the primary register"),
        Level.PRIMARY: _("Send to the regional register"),
        Level.REGIONAL: _("Place on the central register"),
    }
    children = deadlines.due_on_register(
        selectors.children_for(user).filter(status=ChildStatus.REGISTERED),
        until,
        deadlines.register_steps(Policy.on(on)),
        STEPS_OF[user.role],
    ).order_by("deadline", "id")[: work.SHOWN]
    return [
        work.Item(
            # date + days is a timestamp in PostgreSQL: the day it falls on
            due_on=child.deadline.date() if isinstance(child.deadline, datetime.datetime) else child.deadline,
            kind=deadlines.ESCALATION_REMINDER,
            title=titles[child.register_level],
            subject=sealing.shown_name(child),
            url=reverse("web-child", args=[child.pk]),
            record=("registry.child", child.pk),
        )
        for child in children
    ]


def register() -> None:
    work.sources.append(work.Source(tuple(STEPS_OF), register_lines))
