"""Reads of the registry, scoped by the caller (core.scoping). Every view starts here."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.models import User
from core.scoping import NOTHING, role_of, scope_of, territory_q

from . import contributions
from .models import Child, DuplicateFlag, Ground, ParentalConsent, RegisterEntry
from .rules import name_key


def child_scope_q(user: User, prefix: str = "") -> Q:
    """Which children `user` may see, as a Q on `<prefix>` (a path to Child)."""
    territory = territory_q(user, district=f"{prefix}district")
    if territory is not None:
        return territory
    role = role_of(user)
    contributed = contributions.child_scopes.get(role) if role else None  # a court, a consular post: their apps say
    return contributed(user, prefix) if contributed else NOTHING


@scope_of(Child)
def children_for(user: User) -> QuerySet[Child]:
    qs = Child.objects.select_related("district")
    if role_of(user) in contributions.child_scopes:
        # the ids read in a subquery of the children: the planner's plans were chosen with it (without
        # it, a consular post's registrations line took 574 ms at 1,000,000 children instead of 150)
        return qs.filter(pk__in=Child.objects.filter(child_scope_q(user)).values("pk"))
    return qs.filter(child_scope_q(user))


def of_children_for(user: User, path: str = "child") -> Q:
    """Records whose `<path>` (a path to Child) is one of `children_for(user)`. For a national
    scope, every record: its children are the whole register, and the semi-join that said so cost
    110 ms at 1,000,000 children for the ministry's 99,476 adoptions abroad. For a court or a
    consular post, the record's child id among the scope's ids (`contributions.child_scopes`),
    with no read of the children (a post's 8,544: 25 ms of each of its pages' reads)."""
    scope = child_scope_q(user)
    if scope == Q():
        return Q()
    if role_of(user) in contributions.child_scopes:
        return child_scope_q(user, prefix=f"{path}__")
    return Q(**{f"{path}__in": children_for(user).values("pk")})


def name_words(text: str) -> list[str]:
    """The words of `text` that may be part of a name: a word with a digit is a number (a birth
    registration number, a case's number or reference), never a name (its letters alone, "BR" of
    "BR-981676", would match half the register)."""
    return [word for word in text.split() if not any(ch.isdigit() for ch in word)]


def name_q(text: str, prefix: str = "") -> Q:
    """Children (at `<prefix>`) whose current name holds every word of `text` (`name_words`), in
    any spelling, Cyrillic or Latin; a sealed name never matches (its search key is empty); no
    name, no child."""
    key = name_key(*name_words(text))
    if not key:
        return NOTHING
    found = Q()
    for word in key.split():
        found &= Q(**{f"{prefix}search_name__contains": word})
    return found


def birth_registration_q(text: str) -> Q:
    """The child with this birth registration number; never a sealed child's (RULES §9)."""
    number = text.strip()
    return Q(birth_registration_number__iexact=number, sealed_on__isnull=True) if number else NOTHING


def child_search_q(text: str) -> Q:
    """Children by a name (every word of it) or a birth registration number: how the search box
    and the page that opens a case find a child; a sealed identity matches neither."""
    return name_q(text) | birth_registration_q(text)


def register_history(child: Child, *, withdrawn: bool = False) -> QuerySet[RegisterEntry]:
    """The child's entries, oldest first: those that stand (the API's history), or with those
    withdrawn too (`withdrawn`: the child's page, where they are marked)."""
    entries = RegisterEntry.with_withdrawn if withdrawn else RegisterEntry.objects
    return entries.filter(child=child).order_by("on", "id")


def holding_on(entries: QuerySet[RegisterEntry], on) -> QuerySet[RegisterEntry]:
    """The `entries` in force on `on`: each child's latest on or before it (on <= `on` < ended_on)."""
    return entries.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), on__lte=on)


def placing_on(entries: QuerySet[RegisterEntry], on) -> QuerySet[RegisterEntry]:
    """The `entries` that hold their child on a register (primary, regional or central) on `on`:
    in force that day, and not a deregistration."""
    return holding_on(entries, on).exclude(level=RegisterEntry.DEREGISTERED)


def on_a_register(child: Child, on) -> bool:
    """Whether `child` was on a register (primary, regional or central) on `on`, by its history."""
    return placing_on(child.register_entries.all(), on).exists()


def grounds_of(child: Child) -> QuerySet[Ground]:
    return child.grounds.prefetch_related("documents")


@scope_of(ParentalConsent)
def parental_consents_for(user: User) -> QuerySet[ParentalConsent]:
    return ParentalConsent.objects.filter(of_children_for(user))


def consents_of(child: Child) -> QuerySet[ParentalConsent]:
    return child.parental_consents.order_by("given_on", "id")


@scope_of(DuplicateFlag)
def duplicate_flags_for(user: User) -> QuerySet[DuplicateFlag]:
    """Possible duplicates whose two children the user may both see: a district its own pairs, a
    region the pairs within it, the ministry all. A pair across territories is never shown to
    one side only (that would reveal a child outside its scope)."""
    return DuplicateFlag.objects.filter(of_children_for(user), of_children_for(user, "other")).select_related(
        "child", "other"
    )
