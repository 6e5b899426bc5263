"""Reads of the databank, scoped by the caller (core.scoping)."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.db.models import QuerySet

from adoption.models import Applicant
from core.models import District, User
from core.scoping import scope_of
from registry.selectors import of_children_for

from .models import Answer, Proposal


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


def is_familys_agency(user: User, applicant: Applicant) -> bool:
    """The guardianship agency that recorded a family keeps it (its wishes, what it was proposed);
    a district that proposed it a child only deals with it about that child."""
    return user.district_id == applicant.district_id


def families_proposed_to(user: User) -> QuerySet:
    """The ids of the families proposed a child the user sees, and of the spouses who accepted with
    them: the child's district deals with them (the answer, the case it opens), wherever they were
    recorded (adoption.extensions.applicant_scopes)."""
    proposals = proposals_for(user).order_by()  # no ordering in a UNION's parts
    return proposals.values("applicant_id").union(proposals.filter(spouse__isnull=False).values("spouse_id"))


class FamilyProposal(NamedTuple):
    proposed_on: datetime.date
    district: District  # the proposing one, the child's
    answer: Answer
    answered_on: datetime.date | None


def proposals_to_family(applicant: Applicant) -> list[FamilyProposal]:
    """The children proposed to a family, for its own agency (which keeps its wishes and counsels
    it), the latest first: when, by which district, and the answer. Never which child: the child is
    the proposing district's, and nothing of it is read but its district. Nor the reason of a
    refusal, which the proposing district typed and may name the child."""
    rows = list(
        applicant.proposals.order_by("-proposed_on", "-id").values_list(
            "proposed_on", "child__district_id", "answer", "answered_on"
        )
    )
    districts = District.objects.in_bulk({district for _on, district, *_rest in rows})
    return [
        FamilyProposal(on, districts[district], Answer(answer), answered_on)
        for on, district, answer, answered_on in rows
    ]
