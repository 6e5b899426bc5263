"""What the databank adds to the apps below it: the search for a family in Kazakhstan, derived
from the families whose wishes fit and the proposals made to them (issue 19), as facts of the
case's eligibility (adoption.extensions.FactSource), loaded in the same pipeline as the case's
own. Only for a case with a foreign applicant (DOMESTIC_PREFERENCE's): the statements answer
nothing for the others."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils.translation import gettext_lazy as _

from adoption import extensions
from adoption.facts import as_date
from adoption.rules import UNASKED_NAMED, DatabankFacts, ProposalFacts
from core.dates import add_months
from core.permissions import MATCH_READERS
from registry import contributions as registry_contributions

from . import facts

FOREIGN = """EXISTS (SELECT 1 FROM adoption_caseapplicant ca JOIN adoption_applicant aa ON aa.id = ca.applicant_id
                 WHERE ca.case_id = %(case)s AND aa.citizenship <> 'KZ')"""
CHILDREN = f"SELECT cc.child_id FROM adoption_casechild cc WHERE cc.case_id = %(case)s AND {FOREIGN} ORDER BY 1"
# a person born on or before %(c<a>)s is `a` full years old on the day (parameters: age_cutoffs)
AGE = "CASE " + " ".join(f"WHEN m.birth <= %(c{a})s THEN {a}" for a in range(18, 0, -1)) + " ELSE 0 END"
# each child of the case with its brothers and sisters on a register on the day (by their register
# histories: registry.selectors.placing_on), as the group facts.FITS reads
GROUPS = f"""
WITH member AS (
  SELECT cc.child_id AS cid, ch.birth_date AS birth, ch.sex AS sex, ch.health_notes <> '' AS health
  FROM adoption_casechild cc JOIN registry_child ch ON ch.id = cc.child_id WHERE cc.case_id = %(case)s
  UNION ALL
  SELECT cc.child_id, s.birth_date, s.sex, s.health_notes <> ''
  FROM adoption_casechild cc JOIN registry_child_siblings link ON link.from_child_id = cc.child_id
  JOIN registry_child s ON s.id = link.to_child_id
  WHERE cc.case_id = %(case)s AND EXISTS (SELECT 1 FROM registry_registerentry e WHERE e.child_id = s.id
    AND e."on" <= %(on)s AND (e.ended_on IS NULL OR e.ended_on > %(on)s) AND e.level <> 'deregistered'
    AND e.withdrawn_at IS NULL)
), grp AS (
  SELECT m.cid, min({AGE}) AS youngest, max({AGE}) AS oldest, count(DISTINCT m.sex) = 1 AS one_sex,
         min(m.sex) AS sex, max(CASE WHEN m.health THEN 1 ELSE 0 END) = 1 AS health, count(*) AS size,
         min(cd.region_id) AS region
  FROM member m JOIN registry_child ch ON ch.id = m.cid JOIN core_district cd ON cd.code = ch.district_id
  WHERE {FOREIGN}
  GROUP BY m.cid
)"""
GROUP_FITS = facts.FITS.format(**{name: f"g.{name}" for name in facts.GROUP})
# a proposal made by the day and not withdrawn by it (the child left the registers before the family
# answered: the family was not asked, and is asked again if the child comes back). At most one of a
# child and a family stands on a day: the next is made once the child is back on the registers.
STANDS = "p.proposed_on <= %(on)s AND NOT (p.answer = 'withdrawn' AND p.answered_on <= %(on)s)"
# the families proposed a child of the case by the day whose wishes fit it
ASKED = f"""{GROUPS}
SELECT g.cid, w.applicant_id FROM grp g JOIN databank_proposal p ON p.child_id = g.cid AND {STANDS}
JOIN databank_familywishes w ON w.applicant_id = p.applicant_id WHERE {GROUP_FITS} ORDER BY 1, 2"""
NOT_ASKED = f"""NOT EXISTS (SELECT 1 FROM databank_proposal p
                  WHERE p.child_id = g.cid AND p.applicant_id = w.applicant_id AND {STANDS})"""
# a few families whose wishes fit a child of the case and that were not proposed it (the first found:
# one is enough to refuse, and the check names a few), the first in the order of the covering index
# on the age range (age_min, age_max, family), where each child's scan stops at the few it needs
# instead of collecting every family of the range first. The range is read age_min by age_min
# (`= ANY` of every age a wish can start at, up to the youngest's): each value's families whose range
# reaches the oldest lie together in the index, so the scan skips those whose range ends younger (a
# 16-year-old: 1,129 index pages -> 16). It is read in a subquery fenced by OFFSET 0: the statement
# is prepared once with a generic plan, which, not knowing the ages, took the whole range by bitmap
# and sorted it. At 100,000 families, 200 cases: 0.8 ms a case (median; 3.7 at most) -> 0.3 (0.45
# at most); docs/performance.md, session 19.
UNASKED = f"""{GROUPS}
SELECT g.cid, u.applicant_id FROM grp g CROSS JOIN LATERAL (
  SELECT w.applicant_id FROM (
    SELECT w.* FROM databank_familywishes w
    WHERE w.age_min = ANY(%(ages)s) AND w.age_min <= g.youngest AND w.age_max >= g.oldest
    ORDER BY w.age_min, w.age_max, w.applicant_id OFFSET 0) w
  WHERE {GROUP_FITS} AND {NOT_ASKED}
  ORDER BY w.age_min, w.age_max, w.applicant_id LIMIT %(limit)s) u
ORDER BY 1, 2 LIMIT %(limit)s"""
if connection.vendor != "postgresql":  # the embedded SQLite default has no LATERAL: each child's first few
    # in the same order (ties by family), by a window over all its families (no early stop: fine at its size)
    UNASKED = f"""{GROUPS}
SELECT cid, applicant_id FROM (
  SELECT g.cid, w.applicant_id,
         row_number() OVER (PARTITION BY g.cid ORDER BY w.age_min, w.age_max, w.applicant_id) AS n
  FROM grp g JOIN databank_familywishes w ON {GROUP_FITS} WHERE {NOT_ASKED}) ranked
WHERE n <= %(limit)s ORDER BY 1, 2 LIMIT %(limit)s"""
PROPOSALS = f"""
SELECT p.child_id, p.applicant_id, p.proposed_on, p.answer, p.answered_on FROM databank_proposal p
JOIN adoption_casechild cc ON cc.child_id = p.child_id WHERE cc.case_id = %(case)s AND {STANDS}
ORDER BY p.proposed_on, p.id"""


WISHED_AGES = list(range(18))  # every age a family's wishes can start at (databank.models: wishes_minor)


def params(case, as_of: datetime.date) -> dict:
    """The statements' parameters: the case, the day, every age a wish can start at, and the birth
    dates that make each age on it (born on or before add_months(as_of, -12 a): `a` full years;
    29 February: core.dates)."""
    cutoffs = {f"c{a}": add_months(as_of, -12 * a) for a in range(1, 19)}
    named = {"case": case.pk, "on": as_of, "limit": UNASKED_NAMED + 1, **cutoffs}
    # UNASKED's ages on PostgreSQL only: the embedded SQLite's statement has none, and SQLite binds no
    # list (Django's query log, on with DEBUG and in the tests' query counts, binds every parameter)
    return named | {"ages": WISHED_AGES} if connection.vendor == "postgresql" else named


def search_facts(case_facts, as_of: datetime.date, policy, rows) -> dict:
    child_rows, asked_rows, unasked_rows, proposal_rows = rows
    if not child_rows:
        return {}  # no foreign applicant: DOMESTIC_PREFERENCE does not apply, nothing to derive
    asked: dict[int, tuple[int, ...]] = {}
    for child, family in asked_rows:
        asked[child] = (*asked.get(child, ()), family)
    return {
        "databank": DatabankFacts(
            asked=asked,
            unasked=tuple((child, family) for child, family in unasked_rows),
            proposals=tuple(
                ProposalFacts(child, family, as_date(proposed_on), answer, as_date(answered_on))
                for child, family, proposed_on, answer, answered_on in proposal_rows
            ),
            answer_days=policy.proposal_answer_days,
        )
    }


SEARCH = extensions.FactSource(
    statements=((CHILDREN, params), (ASKED, params), (UNASKED, params), (PROPOSALS, params)),
    facts=search_facts,
)


def register() -> None:
    from .selectors import families_proposed_to
    from .services import on_registration, withdraw_proposals

    extensions.fact_sources.append(SEARCH)
    extensions.registration_hooks.append(on_registration)
    registry_contributions.leave_hooks.append(withdraw_proposals)
    extensions.applicant_scopes.append(families_proposed_to)
    registry_contributions.child_pages.append(
        (
            _("Families for the child"),
            "web-child-matches",
            MATCH_READERS,
            lambda child: child.register_level is not None,
        )
    )  # a child off the registers is proposed to no family (its page would say so, and nothing more)
