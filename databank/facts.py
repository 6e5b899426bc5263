"""Load the databank's facts: a child with its brothers and sisters on a register, and the
registered families whose wishes fit it, in a fixed number of queries. Which families fit is said
in SQL once (FITS, equal to `rules.fits`), for a child's matches here and for a case's eligibility
in its pipeline (contributions.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.db.models import Exists, Min, OuterRef
from django.utils.translation import gettext as _

from adoption.facts import as_date
from adoption.models import GRANTED_DAY, GRANTS, REFUSAL_APPEALED, Decision
from core.dates import age_on, in_text
from core.errors import FieldError
from core.models import Region
from registry import sealing
from registry.models import Child, RegisterEntry
from registry.selectors import on_a_register, placing_on

from . import rules


def child_facts(child: Child, on: datetime.date) -> rules.ChildFacts:
    """The child and its brothers and sisters on a register on `on`, by their register histories
    (matched together from the day the last of them is on one; the eligibility's GROUPS reads the
    same), its region named (three queries)."""
    siblings = child.siblings.filter(Exists(placing_on(RegisterEntry.objects.filter(child=OuterRef("pk")), on)))
    siblings = siblings.select_related("district")
    return rules.ChildFacts(
        child.pk,
        child.sex,
        child.birth_date,
        child.district.region_id,
        bool(child.health_notes),
        tuple(
            rules.ChildFacts(s.pk, s.sex, s.birth_date, s.district.region_id, bool(s.health_notes)) for s in siblings
        ),
        region_name=Region.objects.get(pk=child.district.region_id).shown_name,
    )


def held_by_a_court(child: Child) -> FieldError | None:
    """Why `child` is proposed to no family while a court holds its adoption (a refusal on the field
    `child`), or None: a court granted it (until it enters into force, or an appeal reverses it:
    `registry.services.decided_on`), or an appeal against a refusal is pending (reversed, it grants
    the adoption to the family that appealed)."""
    held = Decision.objects.filter(case__child_links__child=child).aggregate(  # one query, on a hot path
        granted=Min(GRANTED_DAY, filter=GRANTS), appealed=Min("appeal__filed_on", filter=REFUSAL_APPEALED)
    )
    if held["granted"] is not None:
        return FieldError(
            "child",
            "adoption_granted",
            _("A court granted the child's adoption on %(date)s: the child is not proposed to another family.")
            % {"date": in_text(held["granted"])},
        )
    if held["appealed"] is not None:
        return FieldError(
            "child",
            "appeal_pending",
            _(
                "An appeal against the refusal of the child's adoption, filed on %(date)s, is pending: the child "
                "is not proposed to another family until it is decided."
            )
            % {"date": in_text(held["appealed"])},
        )
    return None


def matches_of(child: Child, on: datetime.date) -> tuple[list[tuple[rules.FamilyFacts, str]], int]:
    """The families whose wishes fit `child` on `on`, in the order they are proposed (the first
    MATCHES_SHOWN, each with why), and how many fit: none for a child not on a register that day
    (before its primary entry, after it left the registers), adopted, or whose adoption a court
    holds (`held_by_a_court`: never proposed)."""
    if sealing.is_sealed(child) or not on_a_register(child, on) or held_by_a_court(child):
        return [], 0
    wanted = child_facts(child, on)
    families, total = families_for(wanted, on, limit=MATCHES_SHOWN)
    return rules.matches(wanted, families, on), total


MATCHES_SHOWN = 50  # a child's matches are shown this many at a time, in order
MATCHES_COUNTED = 1000  # and counted up to this many: beyond, "more than 1,000" (docs/decisions.md)

# On the register of prospective adopters on the day, and since when (the earliest entry valid that
# day): from the family's own row when it has one entry, from the entries when it has more.
ON_REGISTER = """(w.registrations = 1 AND w.registered_on <= %(on)s AND w.valid_until >= %(on)s
  OR w.registrations > 1 AND EXISTS (SELECT 1 FROM adoption_adopterregistration r
     WHERE r.applicant_id = w.applicant_id AND r.register = 'prospective_adopters'
       AND r.registered_on <= %(on)s AND r.valid_until >= %(on)s))"""
REGISTERED_ON = """CASE WHEN w.registrations = 1 THEN w.registered_on ELSE (SELECT min(r.registered_on)
  FROM adoption_adopterregistration r WHERE r.applicant_id = w.applicant_id
   AND r.register = 'prospective_adopters' AND r.registered_on <= %(on)s AND r.valid_until >= %(on)s) END"""
# rules.fits in SQL, the one definition that the matches and a case's eligibility (contributions.py)
# both read; tests/databank hold it equal to rules.fits over generated families and children. Over
# the wishes `w` and a group (a child with its brothers and sisters on a register) whose figures are
# SQL: the youngest's and the oldest's full years on the day, one sex for all (and which), health
# notes for any, how many, and the child's region.
FITS = (
    """w.age_min <= {youngest} AND w.age_max >= {oldest}
  AND (w.sex = '' OR ({one_sex} AND w.sex = {sex}))
  AND (w.health_conditions OR NOT {health})
  AND ({size} = 1 OR (w.siblings AND w.children >= {size}))
  AND (w.wished_regions = '' OR w.wished_regions LIKE '%%,' || {region} || ',%%')
  AND """
    + ON_REGISTER
)
GROUP = ("youngest", "oldest", "one_sex", "sex", "health", "size", "region")
_FITS = FITS.format(**{name: f"%({name})s" for name in GROUP})
_COLUMNS = """w.applicant_id, w.home_region_id, w.sex, w.age_min, w.age_max, w.children, w.siblings,
  w.health_conditions, w.wished_regions"""
_ORDER = "CASE WHEN {w}home_region_id = %(region)s THEN 0 ELSE 1 END, {w}applicant_id"
# The families in the order they are proposed, the first {limit}: those with one entry on the register
# read in the order of their entries (the index wishes_by_registration, stopping at the limit), those
# with more (few) computed; and how many fit, counted up to MATCHES_COUNTED + 1 from the age index
# (wishes_by_age: the IN list reads it value by value, as age_min <= youngest). Written for both
# engines: the embedded SQLite takes no select list of nothing and no parenthesized part of a UNION.
MATCHES = f"""
SELECT m.*, (SELECT count(*) FROM (SELECT 1 FROM databank_familywishes w
                      WHERE {_FITS} AND w.age_min IN ({{ages}}) {{family}} LIMIT %(counted)s) c)
FROM (SELECT * FROM (SELECT {_COLUMNS}, w.registered_on AS since FROM databank_familywishes w
                     WHERE w.registrations = 1 AND {_FITS} {{family}}
                     ORDER BY w.registered_on, {_ORDER.format(w="w.")} {{limit}}) one_entry
      UNION ALL
      SELECT {_COLUMNS}, {REGISTERED_ON} FROM databank_familywishes w
      WHERE w.registrations > 1 AND {_FITS} {{family}}) m
ORDER BY m.since, {_ORDER.format(w="m.")} {{limit}}"""


def families_for(
    child: rules.ChildFacts, on: datetime.date, *, limit: int | None = None, family: int | None = None
) -> tuple[list[rules.FamilyFacts], int]:
    """Families on the register of prospective adopters on `on` whose wishes fit `child` and its
    brothers and sisters (one query, FITS), in the order they are proposed: the first `limit` (or
    only `family`), and how many there are, counted up to MATCHES_COUNTED + 1 (more than
    MATCHES_COUNTED: "more than" that many)."""
    group = (child, *child.siblings)
    ages = [age_on(member.birth_date, on) for member in group]
    if min(ages) < 0:  # `on` is before a child of the group was born: no family's wishes fit it
        return [], 0
    sexes = {member.sex for member in group}
    params: dict[str, Any] = {
        "on": on,
        "youngest": min(ages),
        "oldest": max(ages),
        "one_sex": len(sexes) == 1,
        "sex": min(sexes),
        "health": any(member.health for member in group),
        "size": len(group),
        "region": child.region,
        "family": family,
        "limit": limit,
        "counted": MATCHES_COUNTED + 1,
    }
    params |= {f"age{a}": a for a in range(min(ages) + 1)}  # the count's IN list
    sql = MATCHES.format(
        ages=", ".join(f"%(age{a})s" for a in range(min(ages) + 1)),
        family="" if family is None else "AND w.applicant_id = %(family)s",
        limit="" if limit is None else "LIMIT %(limit)s",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        rules.FamilyFacts(
            id=applicant,
            registered_on=as_date(registered_on),
            home_region=home,
            sex=sex,
            age_min=age_min,
            age_max=age_max,
            children=n,
            siblings=bool(together),
            health_conditions=bool(health),
            regions=frozenset(region for region in wished.split(",") if region),
        )
        for applicant, home, sex, age_min, age_max, n, together, health, wished, registered_on, _total in rows
    ], (rows[0][-1] if rows else 0)


def counted(total: int) -> tuple[int, bool]:
    """The count of fitting families to show for `families_for`'s `total`: at most MATCHES_COUNTED,
    and whether more fit."""
    return min(total, MATCHES_COUNTED), total > MATCHES_COUNTED
