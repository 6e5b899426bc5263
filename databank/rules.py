"""Matching children with registered families (issue 19) as pure functions: the one place that
says whether a family's wishes fit a child on a day, and in which order families are proposed.
`facts.py` loads the facts; nothing here touches the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from core.dates import age_on


@dataclass(frozen=True)
class ChildFacts:
    id: int
    sex: str
    birth_date: date
    region: str
    health: bool  # the record has health notes
    siblings: tuple[ChildFacts, ...] = ()  # brothers and sisters on a register: matched together
    region_name: str = ""  # the region by its name, in the reader's language (the reason says it; else its code)


@dataclass(frozen=True)
class FamilyFacts:
    """A family on the register of prospective adopters, valid on the day, with its wishes."""

    id: int  # the applicant
    registered_on: date
    home_region: str  # the region of the district that registered it
    sex: str = ""  # '' either
    age_min: int = 0
    age_max: int = 17
    children: int = 1
    siblings: bool = False
    health_conditions: bool = False
    regions: frozenset[str] = field(default_factory=frozenset)  # empty: every region


def _fits_one(family: FamilyFacts, child: ChildFacts, on: date) -> bool:
    return (
        family.sex in ("", child.sex)
        and family.age_min <= age_on(child.birth_date, on) <= family.age_max
        and (family.health_conditions or not child.health)
    )


def fit(family: FamilyFacts, child: ChildFacts, on: date) -> bool:
    """Whether `family`'s wishes fit `child` (and its brothers and sisters, together) on `on`."""
    group = (child, *child.siblings)
    if len(group) > 1 and not (family.siblings and family.children >= len(group)):
        return False
    if family.regions and child.region not in family.regions:
        return False
    return all(_fits_one(family, member, on) for member in group)


def fits(family: FamilyFacts, child: ChildFacts, on: date) -> str | None:
    """Why `family`'s wishes fit `child` (and its brothers and sisters, together) on `on`; None if not."""
    if not fit(family, child, on):
        return None
    group = (child, *child.siblings)
    parts = [
        _("%(sex)s aged %(age)s (wished: %(min)s to %(max)s)")
        % {
            "sex": _("a boy") if child.sex == "M" else _("a girl"),
            "age": age_on(child.birth_date, on),
            "min": family.age_min,
            "max": family.age_max,
        },
        _("region %(region)s") % {"region": child.region_name or child.region}
        + ("" if family.regions else " " + _("(any region wished)")),
    ]
    if child.health:
        parts.append(_("accepts a child with health conditions"))
    if len(group) > 1:
        parts.append(_("%(n)s brothers and sisters together") % {"n": len(group)})
    return "; ".join(parts)


def matches(child: ChildFacts, families: list[FamilyFacts], on: date) -> list[tuple[FamilyFacts, str]]:
    """The families whose wishes fit, in the order they are proposed: by date of registration,
    then the families of the child's own region first."""
    found = [(family, reason) for family in families if (reason := fits(family, child, on)) is not None]
    return sorted(found, key=lambda pair: (pair[0].registered_on, pair[0].home_region != child.region, pair[0].id))
