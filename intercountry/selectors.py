"""Reads of intercountry, scoped by the caller (core.scoping): the parties of the cases one sees."""

from __future__ import annotations

from django.db.models import QuerySet

from adoption.selectors import cases_for
from core.models import User
from core.scoping import scope_of

from .models import Party


@scope_of(Party)
def parties_for(user: User) -> QuerySet[Party]:
    return Party.objects.filter(case__in=cases_for(user).values("pk"))


def parties_of(case) -> QuerySet[Party]:
    return case.parties.select_related("agency").prefetch_related("fees").order_by("id")
