"""Territorial scoping: the one place that turns a user's role and organisation into a filter.

Every app's selectors build their querysets from `territory_q`; a view that
builds its own unscoped queryset is a bug. Roles that are not territorial
(court, consular) get `None` here and are scoped by the selector of the app that
knows what they may see (cases referred to the court, children adopted into the
post's country).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.db.models import Q, QuerySet

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


# --- what a user may see of each kind of record: the selectors, registered by their apps -----

_SCOPES: dict[type, Callable[[User], QuerySet]] = {}


def scope_of(model: type):
    """Register a selector `fn(user) -> QuerySet` as what `user` may see of `model`; services
    check their records against it (`core.errors.for_roles(scope=...)`), so reads and writes
    share one rule."""

    def register(selector):
        _SCOPES[model] = selector
        return selector

    return register


def in_scope(user: User, records) -> bool:
    """Are `records` (one, or a non-empty list of one model's) all ones `user` may see? One
    query, through the model's registered selector."""
    records = records if isinstance(records, list) else [records]
    model = type(records[0])
    if model not in _SCOPES:
        import_module(f"{model._meta.app_label}.selectors")  # where each app registers its selectors
    if model not in _SCOPES:
        raise LookupError(f"no scope is registered for {model._meta.label}")
    wanted = {record.pk for record in records}
    return _SCOPES[model](user).filter(pk__in=wanted).values("pk").distinct().count() == len(wanted)
