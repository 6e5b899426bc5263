"""Where the gap is (issue 19): the children on a register whom no registered family's wishes
fit, and the families whom no child fits, on a day. Set-based: children are counted in groups
of (region, sex, health notes, birth date) and families by their wishes, so that the fit is
decided for groups with `rules.fits`, never child by child (1,000,000 children, 100,000
families). Each child is counted alone here: brothers and sisters are matched together in the
child's own matches."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Case, Count, DateField, Exists, F, IntegerField, OuterRef, Q, Value, When

from adoption.models import AdopterRegistration, Register
from core.dates import ADULTHOOD, age_on, latest_birth_of_age
from core.models import User
from core.scoping import territory_q
from registry.models import Child, ChildStatus

from . import rules
from .models import FamilyWishes


def age_below(upto: int, on: datetime.date) -> Case:
    """A child's full years on `on` in SQL, for the ages below `upto` (None for the others): age
    `a` is born after `latest_birth_of_age(on, a + 1)` and not after `latest_birth_of_age(on, a)`."""
    return Case(
        *(When(birth_date__gt=latest_birth_of_age(on, age + 1), then=Value(age)) for age in range(upto)),
        default=None,
        output_field=IntegerField(),
    )


def adult_birth_date(on: datetime.date) -> Case:
    """The birth date of a child of age on `on` (None for the others): its age read in Python."""
    return Case(
        When(birth_date__lte=latest_birth_of_age(on, ADULTHOOD), then=F("birth_date")),
        default=None,
        output_field=DateField(),
    )


def gap_report(user: User, on: datetime.date, region: str | None = None) -> dict:
    territory = territory_q(user, district="district")
    children = Child.objects.none() if territory is None else Child.objects.filter(territory)
    children = children.filter(status=ChildStatus.REGISTERED, register_level__isnull=False, sealed_on__isnull=True)
    if region:
        children = children.filter(district__region=region)
    # children counted by age on `on` in SQL (a few hundred groups, not one per birth date); an
    # adult still on a register keeps its birth date, its age read in Python
    groups = (
        children.annotate(health=~Q(health_notes=""), age=age_below(ADULTHOOD, on), adult_born=adult_birth_date(on))
        .values_list("district__region_id", "sex", "health", "age", "adult_born")
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
    # children at once and brothers and sisters do not matter), with how many families of each
    # home region wish it: counted in SQL from the plain columns services.refresh_families keeps on
    # the wishes (100,000 families as objects with their regions took 15 of the report's 22 s at
    # 1,000,000 children; one row a family, 0.5 s more than one row a wish and home region)
    profiles: dict[rules.FamilyFacts, Counter] = {}
    for home_region, sex, age_min, age_max, health, wished, n in (
        wishes.values_list("home_region_id", "sex", "age_min", "age_max", "health_conditions", "wished_regions")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        regions = frozenset(code for code in wished.split(",") if code)
        wish = rules.FamilyFacts(0, on, "", sex, age_min, age_max, 1, False, health, regions)
        profiles.setdefault(wish, Counter())[home_region] += n
    waiting: Counter = Counter()
    by_region: Counter = Counter()
    by_age: Counter = Counter()
    by_health: Counter = Counter()
    # rules.fit refuses a child of a region a wish does not name (when it names any), so a group
    # tries the wishes of its region and those of every region (""), each until it fits a child,
    # then only while a group finds none: every group against every wish (5.7 million fits) took
    # most of the report's 22 s at 1,000,000 children, then every wish left (1.3 million) 2 s
    unfitted: dict[str, set[rules.FamilyFacts]] = {}
    for wish in profiles:
        for wished in wish.regions or ("",):
            unfitted.setdefault(wished, set()).add(wish)
    fitted: dict[str, list[rules.FamilyFacts]] = {}  # the wishes that fit a child, the last found first
    seen: dict[tuple, bool] = {}
    for child_region, sex, health, age, adult_born, n in groups:
        age = age_on(adult_born, on) if age is None else age
        bucket = (child_region, sex, bool(health), age)
        if bucket not in seen:
            # a child of the group's age: born on the latest day of it
            child = rules.ChildFacts(0, sex, latest_birth_of_age(on, age), child_region, bool(health))
            found = [
                wish for wished in (child_region, "") for wish in unfitted.get(wished, ()) if rules.fit(wish, child, on)
            ]
            for wish in found:
                for wished in wish.regions or ("",):
                    unfitted[wished].discard(wish)
                    fitted.setdefault(wished, []).insert(0, wish)
            seen[bucket] = bool(found) or any(
                rules.fit(wish, child, on) for wished in (child_region, "") for wish in fitted.get(wished, ())
            )
        if not seen[bucket]:
            waiting["total"] += n
            by_region[child_region] += n
            by_age[age] += n
            by_health["with_health_notes" if health else "without"] += n
    unfitted_homes: Counter = Counter()
    for wish in set().union(*unfitted.values()):
        unfitted_homes.update(profiles[wish])
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
            "total": unfitted_homes.total(),
            "by_region": dict(sorted(unfitted_homes.items())),
        },
    }
