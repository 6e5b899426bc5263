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


def territory_q(user: User, *, district: str) -> Q | None:
    """Q restricting `<district>` to the user's territory; Q() for national roles.

    `district` is the lookup path from the queried model to its District.
    Returns None for roles without a territory (court, consular).
    """
    if not user.is_authenticated or not user.role:
        return NOTHING
    if user.role in (Role.MINISTRY, Role.AUDITOR):
        return Q()
    if user.role == Role.GUARDIANSHIP:
        return Q(**{district: user.district_id})
    if user.role == Role.REGIONAL:
        return Q(**{f"{district}__region": user.region_id})
    return None


def is_national(user: User) -> bool:
    return user.role in (Role.MINISTRY, Role.AUDITOR)


def district_in_territory(user: User, district) -> bool:
    """May `user` act on things of `district` (a District)? National roles: everywhere."""
    if user.role in (Role.MINISTRY, Role.AUDITOR):
        return True
    if user.role == Role.GUARDIANSHIP:
        return district.pk == user.district_id
    if user.role == Role.REGIONAL:
        return district.region_id == user.region_id
    return False
