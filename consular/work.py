"""The follow-up's lines of the work queues (core.work), from the definitions the consular sweep
uses: a child adopted abroad and not on a consular register `consular_registration_days` after
entry into force (to the post and to the district), and each monitoring report due by the
horizon and not received (to the post; late ones first); to the region and the ministry, the
children of their scope not registered in time."""

from __future__ import annotations

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
from .selectors import adopted_children_for


def follow_up_lines(user: User, on: datetime.date, until: datetime.date) -> list[work.Item]:
    policy = Policy.on(on)
    registration_days = datetime.timedelta(days=policy.consular_registration_days)
    children = list(adopted_children_for(user))
    unregistered = set(
        deadlines.registrations_pending(Adoption.objects.filter(child__in=[c.pk for c in children])).values_list(
            "child_id", flat=True
        )
    )
    received = set(
        MonitoringReport.objects.filter(child__in=[c.pk for c in children]).values_list("child_id", "due_on")
    )
    due: list[tuple[datetime.date, str, str, Child]] = []
    for child in children:
        in_force_on = child.adoption.decision.in_force_on
        assert in_force_on is not None  # adopted_children_for: decisions in force only
        if child.pk in unregistered and in_force_on + registration_days <= until:
            due.append(
                (
                    in_force_on + registration_days,
                    deadlines.REGISTRATION_REMINDER,
                    _("Place on the consular register"),
                    child,
                )
            )
        if user.role == Role.CONSULAR:
            due += [
                (due_on, deadlines.MONITORING_REMINDER, _("Monitoring report due"), child)
                for due_on in rules.monitoring_due_dates(
                    in_force_on, child.birth_date, policy.monitoring_schedule, until=until
                )
                if (child.pk, due_on) not in received
            ]
    due.sort(key=lambda row: (row[0], row[3].pk))
    return [
        work.Item(
            due_on=due_on,
            kind=kind,
            title=title,
            subject=sealing.shown_name(child),
            people=", ".join(a.name for a in child.adoption.decision.case.applicants.all()),
            url=reverse("web-adopted-child", args=[child.pk]),
            record=("registry.child", child.pk),
        )
        for due_on, kind, title, child in due[: work.SHOWN]
    ]


def unregistered_lines(user: User, on: datetime.date, until: datetime.date) -> list[work.Item]:
    """The region's and the ministry's line: children adopted abroad in their scope that are on no
    consular register `consular_registration_days` after the entry into force (the soonest first,
    read in SQL: a national scope holds every adoption abroad)."""
    days = datetime.timedelta(days=Policy.on(on).consular_registration_days)
    pending = (
        deadlines.registrations_pending(Adoption.objects.filter(child__in=adopted_children_for(user).values("pk")))
        .filter(decision__in_force_on__lte=until - days)
        .select_related("child", "decision__case")
        .prefetch_related("decision__case__applicants")
        .order_by("decision__in_force_on", "child_id")[: work.SHOWN]
    )
    return [
        work.Item(
            due_on=adoption.decision.in_force_on + days,
            kind=deadlines.REGISTRATION_REMINDER,
            title=_("Not on a consular register"),
            subject=sealing.shown_name(adoption.child),
            people=", ".join(a.name for a in adoption.decision.case.applicants.all()),
            url=reverse("web-adopted-child", args=[adoption.child_id]),
            record=("registry.child", adoption.child_id),
        )
        for adoption in pending
    ]


def register() -> None:
    work.sources.append(work.Source((Role.CONSULAR, Role.GUARDIANSHIP), follow_up_lines))
    work.sources.append(work.Source((Role.REGIONAL, Role.MINISTRY), unregistered_lines))
