"""Reads of the databank, scoped by the caller (core.scoping)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import User
from core.scoping import scope_of
from registry.selectors import of_children_for

from .models import Proposal


@scope_of(Proposal)
def proposals_for(user: User) -> QuerySet[Proposal]:
    return Proposal.objects.filter(of_children_for(user))


def proposals_of(child) -> QuerySet[Proposal]:
    return child.proposals.order_by("proposed_on", "id")
