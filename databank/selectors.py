"""Reads of the databank, scoped by the caller (core.scoping)."""

from __future__ import annotations

from django.db.models import QuerySet

from adoption.models import Applicant
from core.models import User
from core.scoping import scope_of
from registry.selectors import of_children_for

from .models import Proposal


@scope_of(Proposal)
def proposals_for(user: User) -> QuerySet[Proposal]:
    return Proposal.objects.filter(of_children_for(user))


def proposals_of(child) -> QuerySet[Proposal]:
    return child.proposals.order_by("proposed_on", "id")


def families() -> QuerySet[Applicant]:
    """The families of the databank: every applicant who stated wishes, whatever the agency that
    recorded them. The databank is national (a child fits the families of the whole country, its own
    region's first), so a district proposes its child to any of them; the proposal still goes only
    to one whose wishes fit on its date (services.propose)."""
    return Applicant.objects.filter(wishes__isnull=False)


def families_proposed_to(user: User) -> QuerySet:
    """The ids of the families proposed a child the user sees, and of the spouses who accepted with
    them: the child's district deals with them (the answer, the case it opens), wherever they were
    recorded (adoption.extensions.applicant_scopes)."""
    proposals = proposals_for(user).order_by()  # no ordering in a UNION's parts
    return proposals.values("applicant_id").union(proposals.filter(spouse__isnull=False).values("spouse_id"))
