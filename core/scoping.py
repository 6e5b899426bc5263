"""Territorial scoping: the one place that turns a user's role and organisation into a filter.

Every app's selectors build their querysets from `territory_q`; a view that
builds its own unscoped queryset is a bug. Roles that are not territorial
(court, consular) get `None` here and are scoped by the selector of the app that
knows what they may see (cases referred to the court, children adopted into the
post's country).
"""

from __future__ import annotations

from django.db.models import Q

from .models import Role, User

NOTHING = Q(pk__in=[])


def role_of(user) -> str | None:
    """The user's role; None for anonymous callers (who see nothing)."""
    return getattr(user, "role", None) if user is not None and user.is_authenticated else None


def territory_q(user: User, *, district: str) -> Q | None:
    """Q restricting `<district>` to the user's territory; Q() for national roles.

    `district` is the lookup path from the queried model to its District.
    Returns None for roles without a territory (court, consular).
    """
    role = role_of(user)
    if not role:
        return NOTHING
    if role in (Role.MINISTRY, Role.AUDITOR):
        return Q()
    if role == Role.GUARDIANSHIP:
        return Q(**{district: user.district_id})
    if role == Role.REGIONAL:
        return Q(**{f"{district}__region": user.region_id})
    return None


def is_national(user: User) -> bool:
    return role_of(user) in (Role.MINISTRY, Role.AUDITOR)


def district_in_territory(user: User, district) -> bool:
    """May `user` act on things of `district` (a District)? National roles: everywhere."""
    if user.role in (Role.MINISTRY, Role.AUDITOR):
        return True
    if user.role == Role.GUARDIANSHIP:
        return district.pk == user.district_id
    if user.role == Role.REGIONAL:
        return district.region_id == user.region_id
    return False
