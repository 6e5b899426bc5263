"""Load the databank's facts: a child with its brothers and sisters on a register, and the
registered families whose wishes may fit it, in a fixed number of queries (SQL narrows by sex,
health and region; `rules.fits` decides). One case's eligibility loads the same facts in its
pipeline (contributions.py)."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q

from adoption.models import AdopterRegistration, Register
from registry.models import Child, ChildStatus

from . import rules
from .models import FamilyWishes


def child_facts(child: Child) -> rules.ChildFacts:
    """The child and its brothers and sisters on a register (two queries)."""
    siblings = child.siblings.filter(status=ChildStatus.REGISTERED, register_level__isnull=False).select_related(
        "district"
    )
    return rules.ChildFacts(
        child.pk,
        child.sex,
        child.birth_date,
        child.district.region_id,
        bool(child.health_notes),
        tuple(
            rules.ChildFacts(s.pk, s.sex, s.birth_date, s.district.region_id, bool(s.health_notes)) for s in siblings
        ),
    )


def families_for(child: rules.ChildFacts, on: datetime.date) -> list[rules.FamilyFacts]:
    """Families on the register of prospective adopters on `on` whose wishes may fit `child`
    (sex, health and region narrowed in SQL; two queries)."""
    valid = AdopterRegistration.objects.filter(
        applicant=OuterRef("applicant"),
        register=Register.PROSPECTIVE_ADOPTERS,
        registered_on__lte=on,
        valid_until__gte=on,
    )
    wishes = FamilyWishes.objects.filter(Exists(valid), sex__in=["", child.sex])
    if child.health:
        wishes = wishes.filter(health_conditions=True)
    wishes = (
        wishes.filter(Q(regions__isnull=True) | Q(regions=child.region))
        .select_related("applicant__district")
        .prefetch_related("regions")
        .distinct()
    )
    first = dict(
        AdopterRegistration.objects.filter(
            register=Register.PROSPECTIVE_ADOPTERS, registered_on__lte=on, valid_until__gte=on
        )
        .filter(applicant__wishes__in=wishes)
        .order_by("applicant_id", "-registered_on")  # the earliest entry valid on the day stays
        .values_list("applicant_id", "registered_on")
        .distinct()
    )
    return [
        rules.FamilyFacts(
            id=w.applicant_id,
            registered_on=first.get(w.applicant_id, on),
            home_region=w.applicant.district.region_id,
            sex=w.sex,
            age_min=w.age_min,
            age_max=w.age_max,
            children=w.children,
            siblings=w.siblings,
            health_conditions=w.health_conditions,
            regions=frozenset(r.code for r in w.regions.all()),
        )
        for w in wishes
    ]
