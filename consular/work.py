"""The follow-up's lines of the work queues (core.work), from the definitions the consular sweep
uses: a child adopted abroad and not on a consular register `consular_registration_days` after
entry into force (to the post and the district to act on, to the region and the ministry to
watch), a departure not yet recorded (to the district, once the child may leave), and each
monitoring report due by the horizon and not received (to the post; late ones first)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from adoption.models import Adoption
from adoption.work import applicant_names
from core import work
from core.models import Policy, Role, User
from core.scoping import territory_q
from registry.work import child_item

from . import deadlines, rules
from .models import ConsularRegistration, MonitoringReport
from .selectors import adopted_children_for, adoptions_abroad_for, adoptions_of_adopted_children

DEPARTURE_DUE, STAMP_DUE = "departure_due", "passport_stamp_due"


def registration_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    """Children adopted abroad in the user's scope, under 18 today, that are on no consular register
    `consular_registration_days` after the entry into force (the soonest first, read in SQL: a
    national scope holds every adoption abroad); to the post and the district to act on, to the
    region and the ministry to watch. The post records the registration (the ministry may too):
    the district, which may not, follows it up."""
    days = datetime.timedelta(days=Policy.on(on).consular_registration_days)
    if user.role == Role.CONSULAR:
        title = _("Place on the consular register")
    elif user.role == Role.GUARDIANSHIP:
        title = _("Not on a consular register: ask the post and the adoptive parents")
    else:
        title = _("Not on a consular register")
    pending = (
        deadlines.registrations_pending(_unsettled(user), on)
        .filter(decision__in_force_on__lte=until - days)
        .order_by("decision__in_force_on", "child_id")
        .values_list("decision__in_force_on", "child_id")[: work.PER_SOURCE]
    )
    return [
        work.Due(in_force_on + days, deadlines.REGISTRATION_REMINDER, child_id, title)
        for in_force_on, child_id in pending
    ]


def departure_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    """The district's line: a child adopted abroad, on a consular register with the passport
    stamped, may leave; its departure, with the exit permission, is to be recorded when it happens
    (no term: never late; from the entry into force, the soonest first)."""
    pending = (
        deadlines.departures_pending(_unsettled(user), on)
        .filter(decision__in_force_on__lte=until)
        .order_by("decision__in_force_on", "child_id")
        .values_list("decision__in_force_on", "child_id", "decision__case_id")[: work.PER_SOURCE]
    )
    title = _("The child may leave: record the departure with the exit permission")
    return [
        work.Due(in_force_on, DEPARTURE_DUE, child_id, title, case_id, deadline=False)
        for in_force_on, child_id, case_id in pending
    ]


def stamp_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    """The post's line: a child on its consular register whose passport stamp (MFA, ¶61) is not
    recorded; until it is, the child's departure cannot be recorded and no other queue names the
    child. From the registration's day (the law sets no term: never late), the soonest first. Read
    from the post's own unstamped registrations, in the order of their day, each kept if its child
    is pending (`deadlines.stamps_pending`): reading the post's whole scope first and each child's
    registration after took 232 ms at 1,000,000 children, this 144."""
    pending = deadlines.stamps_pending(_unsettled(user), on, post=user.consular_post_id)
    registrations = (
        ConsularRegistration.objects.filter(
            post=user.consular_post_id,
            ended_on__isnull=True,
            passport_stamped_on__isnull=True,
            registered_on__lte=until,
            child__in=pending.values("child_id"),
        )
        .order_by("registered_on", "child_id")
        .values_list("registered_on", "child_id")[: work.PER_SOURCE]
    )
    title = _("Record the MFA passport stamp")
    return [
        work.Due(registered_on, STAMP_DUE, child_id, title, deadline=False) for registered_on, child_id in registrations
    ]


def monitoring_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    """The post's line: a child still under 18 with monitoring reports due by the horizon and not
    received, one line per child on the first of them, saying how many (a report missed at 12 is
    not asked of an adult; a child missing seven reports is one line, not seven that push every
    other child's down the page). The count is the line's `detail`.

    The children the post follows (adopted into its country, or registered with it: a child who
    moved keeps its post), as its pages read them; of those the sweep keeps
    (`Adoption.monitoring_first_missing`, under the policy in effect), only the PER_SOURCE whose
    first report not received is the soonest, on or before the horizon: each has its line on that
    day, so no other child's line comes before theirs. The others (new, changed since the sweep,
    or kept under another policy) are computed here in full. At 1,000,000 children the largest
    post followed 8,544 children and computed each schedule on every reading (0.6 s)."""
    policy = Policy.on(on)
    adopted = deadlines.followed(adoptions_of_adopted_children(user), on)  # the reports end at 18, or at death
    kept = Q(monitoring_policy=policy, monitoring_first_missing__isnull=False)
    soonest = (  # ids first: their schedule's columns are read for these few (the post's 5,606 at 1,000,000)
        adopted.filter(kept, monitoring_first_missing__lte=until)
        .order_by("monitoring_first_missing", "child_id")
        .values_list("pk", flat=True)[: work.PER_SOURCE]
    )
    columns = ("child_id", "decision__in_force_on", "child__birth_date")
    followed = [
        *Adoption.objects.filter(pk__in=list(soonest)).values_list(*columns),
        *adopted.exclude(kept).values_list(*columns),
    ]
    received = set(
        MonitoringReport.objects.filter(child__in=[pk for pk, *_ in followed]).values_list("child_id", "due_on")
    )
    due = []
    for pk, in_force_on, birth_date in followed:
        missing = [
            due_on
            for due_on in rules.monitoring_due_dates(
                in_force_on,  # type: ignore[arg-type]  # adoptions in force only (in_force_abroad)
                birth_date,
                policy.monitoring_schedule,
                until=until,
            )
            if (pk, due_on) not in received
        ]
        if missing:
            due.append((missing[0], pk, len(missing)))
    return [
        work.Due(
            first,
            deadlines.MONITORING_REMINDER,
            pk,
            ngettext("%(count)d monitoring report due", "%(count)d monitoring reports due", count) % {"count": count},
            count,
        )
        for first, pk, count in sorted(due)[: work.PER_SOURCE]
    ]


def _unsettled(user: User):
    """The adoptions abroad in the user's scope whose follow-up is open (a settled one has nothing
    pending: deadlines.settle_follow_up): the few open ones, instead of every adoption abroad the
    scope ever had. A territory's are also read on the decision's copy of its case's district, on
    their index (`decision_follow_up_by_district`: joined to the territory's cases instead, a
    district's queue read the country's 25,700 open follow-ups at 1,000,000 children for its 670;
    15 and 9 ms for the two sources, now 10 and 5.5); the scope is still the selector's."""
    adoptions = adoptions_abroad_for(user).filter(decision__follow_up_settled=False)
    territory = territory_q(user, district="decision__district")
    return adoptions if territory is None else adoptions.filter(territory)


def child_lines(user: User, shown: list[work.Due]) -> list[work.Item]:
    """The lines shown, each naming the child adopted abroad (its shown name) and its adopters, and
    opening the child's follow-up (a departure: the departure form on the child)."""
    if not shown:
        return []
    # the children in scope first, as ids: inside the adoptions' query as a subquery, the planner
    # expected thousands of them and read every decision (40 ms at 1,000,000 children for 7 lines)
    children = list(
        adopted_children_for(user).filter(pk__in=[line.record for line in shown]).values_list("pk", flat=True)
    )
    adoptions = {
        adoption.child_id: adoption
        for adoption in Adoption.objects.filter(child__in=children).select_related("child", "decision")
    }
    people = applicant_names({adoption.decision.case_id for adoption in adoptions.values()})
    items = []
    for line in shown:
        adoption = adoptions.get(line.record)
        if adoption is None:
            continue
        url = reverse("web-adopted-child", args=[line.record])
        if line.kind == DEPARTURE_DUE:
            url = f"{reverse('web-departure', args=[line.detail])}?child={line.record}"
        items.append(child_item(line, adoption.child, url, people=people.get(adoption.decision.case_id, "")))
    return items


def register() -> None:
    work.sources += [
        work.Source(
            (Role.CONSULAR, Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY),
            registration_due,
            child_lines,
            "consular_registration",
            gettext_lazy("Consular registration"),
        ),
        work.Source((Role.GUARDIANSHIP,), departure_due, child_lines, "departure", gettext_lazy("Departures")),
        work.Source((Role.CONSULAR,), stamp_due, child_lines, "passport_stamp", gettext_lazy("Passport stamps")),
        work.Source((Role.CONSULAR,), monitoring_due, child_lines, "monitoring", gettext_lazy("Monitoring reports")),
    ]
