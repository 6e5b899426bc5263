"""The follow-up's lines of the work queues (core.work), from the definitions the consular sweep
uses: a child adopted abroad and not on a consular register `consular_registration_days` after
entry into force (to the post and the district to act on, to the region and the ministry to
watch), a departure not yet recorded (to the district, once the child may leave), and each
monitoring report due by the horizon and not received (to the post; late ones first)."""

from __future__ import annotations

import dataclasses
import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from adoption.models import Adoption
from core import work
from core.models import Policy, Role, User
from registry import sealing
from registry.models import Child

from . import deadlines, rules
from .models import MonitoringReport
from .selectors import adopted_children_for, adoptions_abroad_for


def registration_lines(user: User, on: datetime.date, until: datetime.date) -> list[work.Item]:
    """Children adopted abroad in the user's scope that are on no consular register
    `consular_registration_days` after the entry into force (the soonest first, read in SQL: a
    national scope holds every adoption abroad); to the post and the district to act on, to the
    region and the ministry to watch."""
    days = datetime.timedelta(days=Policy.on(on).consular_registration_days)
    title = (
        _("Place on the consular register")
        if user.role in (Role.CONSULAR, Role.GUARDIANSHIP)
        else _("Not on a consular register")
    )
    pending = (
        deadlines.registrations_pending(adoptions_abroad_for(user))
        .filter(decision__in_force_on__lte=until - days)
        .select_related("child", "decision__case")
        .prefetch_related("decision__case__applicants")
        .order_by("decision__in_force_on", "child_id")[: work.PER_SOURCE]
    )
    return [
        _line(adoption.decision.in_force_on + days, deadlines.REGISTRATION_REMINDER, title, adoption.child, adoption)
        for adoption in pending
    ]


def departure_lines(user: User, on: datetime.date, until: datetime.date) -> list[work.Item]:
    """The district's line: a child adopted abroad, on a consular register with the passport
    stamped, may leave; its departure, with the exit permission, is to be recorded when it happens
    (no term: never late; from the entry into force, the soonest first)."""
    pending = (
        deadlines.departures_pending(adoptions_abroad_for(user))
        .filter(decision__in_force_on__lte=until)
        .select_related("child", "decision__case")
        .prefetch_related("decision__case__applicants")
        .order_by("decision__in_force_on", "child_id")[: work.PER_SOURCE]
    )
    return [
        dataclasses.replace(
            _line(
                adoption.decision.in_force_on,
                "departure_due",
                _("The child may leave: record the departure with the exit permission"),
                adoption.child,
                adoption,
            ),
            url=f"{reverse('web-departure', args=[adoption.decision.case_id])}?child={adoption.child_id}",
            deadline=False,
        )
        for adoption in pending
    ]


def monitoring_lines(user: User, on: datetime.date, until: datetime.date) -> list[work.Item]:
    """The post's line: each monitoring report due by the horizon and not received."""
    policy = Policy.on(on)
    children = list(adopted_children_for(user))
    received = set(
        MonitoringReport.objects.filter(child__in=[c.pk for c in children]).values_list("child_id", "due_on")
    )
    due: list[tuple[datetime.date, Child]] = []
    for child in children:
        in_force_on = child.adoption.decision.in_force_on
        assert in_force_on is not None  # adopted_children_for: decisions in force only
        due += [
            (due_on, child)
            for due_on in rules.monitoring_due_dates(
                in_force_on, child.birth_date, policy.monitoring_schedule, until=until
            )
            if (child.pk, due_on) not in received
        ]
    due.sort(key=lambda row: (row[0], row[1].pk))
    return [
        _line(due_on, deadlines.MONITORING_REMINDER, _("Monitoring report due"), child, child.adoption)
        for due_on, child in due[: work.PER_SOURCE]
    ]


def _line(due_on: datetime.date, kind: str, title: str, child: Child, adoption: Adoption) -> work.Item:
    return work.Item(
        due_on=due_on,
        kind=kind,
        title=title,
        subject=sealing.shown_name(child),
        people=", ".join(a.name for a in adoption.decision.case.applicants.all()),
        url=reverse("web-adopted-child", args=[child.pk]),
        record=("registry.child", child.pk),
    )


def register() -> None:
    work.sources.append(
        work.Source((Role.CONSULAR, Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY), registration_lines)
    )
    work.sources.append(work.Source((Role.GUARDIANSHIP,), departure_lines))
    work.sources.append(work.Source((Role.CONSULAR,), monitoring_lines))
