"""Where the gap is (issue 19): the children on a register whom no registered family's wishes
fit, and the families whom no child fits, on a day. Set-based: children are counted in groups
of (region, sex, health notes, birth date) and families by their wishes, so that the fit is
decided for groups with `rules.fits`, never child by child (1,000,000 children, 100,000
families). Each child is counted alone here: brothers and sisters are matched together in the
child's own matches."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Count, Exists, OuterRef, Q

from adoption.models import AdopterRegistration, Register
from core.dates import age_on
from core.models import User
from core.scoping import territory_q
from registry.models import Child, ChildStatus

from . import rules
from .models import FamilyWishes


def gap_report(user: User, on: datetime.date, region: str | None = None) -> dict:
    territory = territory_q(user, district="district")
    children = Child.objects.none() if territory is None else Child.objects.filter(territory)
    children = children.filter(status=ChildStatus.REGISTERED, register_level__isnull=False, sealed_on__isnull=True)
    if region:
        children = children.filter(district__region=region)
    groups = (
        children.annotate(health=~Q(health_notes=""))
        .values_list("district__region_id", "sex", "health", "birth_date")
        .annotate(n=Count("id"))
    )
    valid = AdopterRegistration.objects.filter(
        applicant=OuterRef("applicant"),
        register=Register.PROSPECTIVE_ADOPTERS,
        registered_on__lte=on,
        valid_until__gte=on,
    )
    family_territory = territory_q(user, district="applicant__district")
    wishes = (
        FamilyWishes.objects.none()
        if family_territory is None
        else FamilyWishes.objects.filter(family_territory, Exists(valid))
    )
    if region:
        wishes = wishes.filter(applicant__district__region=region)
    # A wish as a family without its identity (the report counts single children: how many
    # children at once and brothers and sisters do not matter), with the regions of its families'
    # districts. Read as plain rows, kept on the wishes by services.refresh_families: 100,000
    # families as objects with their regions took 15 of the report's 22 s at 1,000,000 children.
    profiles: dict[rules.FamilyFacts, list[str]] = {}
    for home_region, sex, age_min, age_max, health, wished in wishes.values_list(
        "home_region_id", "sex", "age_min", "age_max", "health_conditions", "wished_regions"
    ):
        regions = frozenset(code for code in wished.split(",") if code)
        wish = rules.FamilyFacts(0, on, "", sex, age_min, age_max, 1, False, health, regions)
        profiles.setdefault(wish, []).append(home_region)
    waiting: Counter = Counter()
    by_region: Counter = Counter()
    by_age: Counter = Counter()
    by_health: Counter = Counter()
    fitted: list[rules.FamilyFacts] = []  # the wishes that fit a child, the last found first
    unfitted = set(profiles)
    seen: dict[tuple, bool] = {}
    for child_region, sex, health, birth_date, n in groups:
        age = age_on(birth_date, on)
        bucket = (child_region, sex, bool(health), age)
        if bucket not in seen:
            child = rules.ChildFacts(0, sex, birth_date, child_region, bool(health))
            # each wish is tried until it fits a child, then only while a bucket finds none: the
            # buckets times the wishes (5.7 million fits) took the rest of the 22 s
            found = [wish for wish in unfitted if rules.fit(wish, child, on)]
            unfitted.difference_update(found)
            fitted[:0] = found
            seen[bucket] = bool(found) or any(rules.fit(wish, child, on) for wish in fitted)
        if not seen[bucket]:
            waiting["total"] += n
            by_region[child_region] += n
            by_age[age] += n
            by_health["with_health_notes" if health else "without"] += n
    unfitted_homes = [home for wish in unfitted for home in profiles[wish]]
    return {
        "as_of": on,
        "region": region,
        "children_without_family": {
            "total": waiting["total"],
            "by_region": dict(sorted(by_region.items())),
            "by_age": {str(a): by_age[a] for a in sorted(by_age)},
            "by_health": dict(sorted(by_health.items())),
        },
        "families_without_child": {
            "total": len(unfitted_homes),
            "by_region": dict(sorted(Counter(unfitted_homes).items())),
        },
    }
