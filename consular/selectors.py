"""Reads after the decision, scoped by the caller. A consular post sees the children adopted
into its country (and those ever registered at it), and only the part of the file it needs."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from adoption.models import Adoption, Applicant, CaseApplicant
from adoption.selectors import applicant_name_q, case_scope_q
from core.models import Role, User
from core.scoping import NOTHING, role_of, scope_of, territory_q
from registry.models import Child
from registry.selectors import children_for, name_q, of_children_for

from .deadlines import in_force_abroad, registrations_pending, unregistered
from .models import ConsularRegistration, MonitoringReport


def adoptions_abroad_for(user: User) -> QuerySet[Adoption]:
    """The adoptions abroad in force of the children in the caller's scope (those of
    `adopted_children_for`) decided in a case in the caller's scope, as adoptions: a queue reads
    them in date order with no per-child detour. For a territory both scopes hold the same
    adoptions (a case's children are in its district, which never changes); the case's side lets
    the database start from the territory's cases abroad (`case_abroad_by_district`) instead of
    every adoption in the country."""
    return in_force_abroad(
        Adoption.objects.filter(case_scope_q(user, prefix="decision__case__"), of_children_for(user))
    )


def adopted_children_for(user: User) -> QuerySet[Child]:
    """Children adopted abroad whose decision is in force, within the caller's scope."""
    abroad = in_force_abroad(Adoption.objects.all())
    return (
        children_for(user)
        .filter(pk__in=abroad.values("child_id"))
        .select_related("adoption__decision__case", "adoption__decision__case__hague", "adoption__decision__appeal")
        .prefetch_related(
            "departures",  # the one that stands (Departure.objects)
            "adoption__decision__case__applicants",
            Prefetch("consular_registrations", queryset=registrations_for(user).select_related("post")),
        )
    )


def adoptions_of_adopted_children(user: User) -> QuerySet[Adoption]:
    """The adoptions of `adopted_children_for(user)`: the same children, read from the adoptions'
    side (no child's record joined to its adoption first: at 1,000,000 children a page of them by
    date took 3.2 s for the ministry that way, a post's monitoring queue 0.7 s). For a territory
    the case's side is added, as in `adoptions_abroad_for`: the same adoptions (a case's children
    are in its district: `open_case`, and the import refuses a row that says otherwise), read from
    the territory's cases abroad instead of its 26,000 children (at 1,000,000 children a district's
    adopted-abroad page 190 -> 90 ms, a region's 195 -> 75 ms)."""
    adoptions = Adoption.objects.filter(of_children_for(user))
    territory = territory_q(user, district="decision__case__district")
    return in_force_abroad(adoptions if territory is None else adoptions.filter(territory))


def named_q(text: str) -> Q:
    """Adoptions whose child's name holds every word of `text` (any spelling; a sealed name never
    matches) or one of whose adoptive parents' does (every word in one's last or first name): how a
    post finds the child of the family at its door (a sealed child is named by number). Each way is
    its own indexed query, as `adoption.selectors.case_search_q`'s."""
    parents = CaseApplicant.objects.filter(applicant__in=Applicant.objects.filter(applicant_name_q(text)))
    ways = [  # unordered: a compound statement's parts may not be (SQLite)
        Child.objects.filter(name_q(text)).order_by().values("pk"),
        Adoption.objects.filter(decision__case__in=parents.values("case_id")).order_by().values("child_id"),
    ]
    return Q(child_id__in=ways[0].union(ways[1]))


def adopted_children_latest_first(
    user: User, *, due_on_register_on=None, unregistered_on=None, named: str = ""
) -> QuerySet[Adoption, int]:
    """The ids of `adopted_children_for(user)`, the latest in force first (an index orders them);
    with `due_on_register_on` (a day), only those due on a consular register that day (the work
    queue's definition, `deadlines.registrations_pending`); with `unregistered_on` (a day), only
    those of the safeguard against the sale of children that day (`deadlines.unregistered`: 180
    days in force and on no consular register, as the reports count them); with `named` (a text),
    only those it names (`named_q`)."""
    adoptions = adoptions_of_adopted_children(user)
    if due_on_register_on is not None:
        adoptions = registrations_pending(adoptions, due_on_register_on)
    if unregistered_on is not None:
        adoptions = unregistered(adoptions, unregistered_on)
    if named.strip():
        adoptions = adoptions.filter(named_q(named))
    return adoptions.order_by("-decision__in_force_on", "-child_id").values_list("child_id", flat=True)


@scope_of(ConsularRegistration)
def registrations_for(user: User, *, withdrawn: bool = False) -> QuerySet[ConsularRegistration]:
    """The registrations `user` sees (those that stand), or those withdrawn (the child's history)."""
    registrations = (
        ConsularRegistration.with_withdrawn.filter(withdrawn_at__isnull=False)
        if withdrawn
        else ConsularRegistration.objects.all()
    )
    role = role_of(user)
    if role == Role.CONSULAR:
        return registrations.filter(post=user.consular_post_id)  # each post sees its own dates
    territory = territory_q(user, district="child__district")
    if territory is None:
        return registrations.filter(NOTHING)
    return registrations.filter(territory)


def on_a_consular_register(child_ids) -> set[int]:
    """Which of the children the caller sees (`child_ids`) are on a consular register, at whichever
    post: whether, never where. A post sees only its own registrations (`registrations_for`), but
    is not to be told that a child registered at another post is on none, nor offered to register
    it again (`services.register_child` refuses it: a transfer moves it)."""
    registered = ConsularRegistration.objects.filter(child__in=list(child_ids), ended_on__isnull=True)
    return set(registered.values_list("child_id", flat=True))


def monitoring_reports_for(user: User) -> QuerySet[MonitoringReport]:
    return MonitoringReport.objects.filter(child__in=adopted_children_for(user).values("pk"))
