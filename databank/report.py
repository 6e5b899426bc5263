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
    wishes = wishes.select_related("applicant__district").prefetch_related("regions")
    families = [
        rules.FamilyFacts(
            id=w.applicant_id,
            registered_on=on,
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
    profiles: dict[tuple, list[rules.FamilyFacts]] = {}
    for family in families:  # one check per distinct wish, not per family
        wish = (family.sex, family.age_min, family.age_max, family.health_conditions, family.regions)
        profiles.setdefault(wish, []).append(family)
    waiting: Counter = Counter()
    by_region: Counter = Counter()
    by_age: Counter = Counter()
    by_health: Counter = Counter()
    fitted: set[tuple] = set()
    seen: dict[tuple, bool] = {}
    for child_region, sex, health, birth_date, n in groups:
        age = age_on(birth_date, on)
        bucket = (child_region, sex, bool(health), age)
        if bucket not in seen:
            child = rules.ChildFacts(0, sex, birth_date, child_region, bool(health))
            fitting = [p for p, members in profiles.items() if rules.fits(members[0], child, on) is not None]
            fitted.update(fitting)
            seen[bucket] = bool(fitting)
        if not seen[bucket]:
            waiting["total"] += n
            by_region[child_region] += n
            by_age[age] += n
            by_health["with_health_notes" if health else "without"] += n
    unfitted = [f for p, members in profiles.items() if p not in fitted for f in members]
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
            "total": len(unfitted),
            "by_region": dict(sorted(Counter(f.home_region for f in unfitted).items())),
        },
    }
