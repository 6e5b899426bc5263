"""Load the databank's facts: a child with its brothers and sisters on a register, and the
registered families whose wishes may fit it, in a fixed number of queries (SQL narrows by sex,
health and region; `rules.fits` decides). One case's eligibility loads the same facts in its
pipeline (contributions.py)."""

from __future__ import annotations

import datetime

from django.db.models import Case, Count, Exists, Min, OuterRef, Q, Value, When, Window

from adoption.models import AdopterRegistration, Register
from core.dates import age_on
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


MATCHES_SHOWN = 50  # a child's matches are shown this many at a time, in order


def families_for(
    child: rules.ChildFacts, on: datetime.date, *, limit: int | None = None
) -> tuple[list[rules.FamilyFacts], int]:
    """Families on the register of prospective adopters on `on` whose wishes fit `child` and its
    brothers and sisters (SQL narrows by sex, age, health, number and region; `rules.fits` has the
    last word), in the order they are proposed: the first `limit`, and how many there are."""
    group = (child, *child.siblings)
    ages = [age_on(member.birth_date, on) for member in group]
    sexes = {member.sex for member in group}
    valid = AdopterRegistration.objects.filter(
        applicant=OuterRef("applicant"),
        register=Register.PROSPECTIVE_ADOPTERS,
        registered_on__lte=on,
        valid_until__gte=on,
    )
    wishes = FamilyWishes.objects.filter(
        Exists(valid), age_min__lte=min(ages), age_max__gte=max(ages), children__gte=len(group)
    ).filter(sex__in=["", *sexes] if len(sexes) == 1 else [""])
    if any(member.health for member in group):
        wishes = wishes.filter(health_conditions=True)
    if len(group) > 1:
        wishes = wishes.filter(siblings=True)
    places = FamilyWishes.regions.through.objects.filter(familywishes=OuterRef("pk"))
    wishes = wishes.filter(~Exists(places) | Exists(places.filter(region=child.region))).annotate(
        first_registered=Min(
            "applicant__registrations__registered_on",
            filter=Q(
                applicant__registrations__register=Register.PROSPECTIVE_ADOPTERS,
                applicant__registrations__registered_on__lte=on,
                applicant__registrations__valid_until__gte=on,
            ),
        ),
        elsewhere=Case(When(applicant__district__region=child.region, then=Value(0)), default=Value(1)),
        # SQL kept the families of the child's region or of every region: which, without reading the lists
        regional=Exists(places),
        total=Window(Count("pk")),  # how many, in the same query as the first `limit`
    )
    ordered = wishes.order_by("first_registered", "elsewhere", "applicant_id").select_related("applicant__district")
    if limit is not None:
        ordered = ordered[:limit]
    rows = list(ordered)
    return [
        rules.FamilyFacts(
            id=w.applicant_id,
            registered_on=w.first_registered,
            home_region=w.applicant.district.region_id,
            sex=w.sex,
            age_min=w.age_min,
            age_max=w.age_max,
            children=w.children,
            siblings=w.siblings,
            health_conditions=w.health_conditions,
            regions=frozenset({child.region}) if w.regional else frozenset(),
        )
        for w in rows
    ], (rows[0].total if rows else 0)
