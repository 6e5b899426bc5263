"""What the databank adds to the apps below it: the search for a family in Kazakhstan, derived
from the families whose wishes fit and the proposals made to them (issue 19), as facts of the
case's eligibility (adoption.extensions.FactSource), loaded in the same pipeline as the case's
own. Only for a case with a foreign applicant (DOMESTIC_PREFERENCE's): the statements answer
nothing for the others."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from adoption import extensions
from adoption.facts import as_date
from adoption.rules import DatabankFacts, ProposalFacts
from core.dates import add_months
from registry import contributions as registry_contributions

from . import rules

FOREIGN = """EXISTS (SELECT 1 FROM adoption_caseapplicant ca JOIN adoption_applicant aa ON aa.id = ca.applicant_id
                 WHERE ca.case_id = %s AND aa.citizenship <> 'KZ')"""
CHILDREN = f"""
SELECT ch.id, ch.sex, ch.birth_date, cd.region_id, ch.health_notes <> '', s.id, s.sex, s.birth_date, sd.region_id,
       s.health_notes <> ''
FROM adoption_casechild cc JOIN registry_child ch ON ch.id = cc.child_id JOIN core_district cd ON cd.code = ch.district_id
LEFT JOIN registry_child_siblings link ON link.from_child_id = ch.id
LEFT JOIN registry_child s ON s.id = link.to_child_id AND s.status = 'registered' AND s.register_level IS NOT NULL
LEFT JOIN core_district sd ON sd.code = s.district_id
WHERE cc.case_id = %s AND {FOREIGN} ORDER BY ch.id, s.id"""
# the age range in SQL, the same on PostgreSQL and SQLite: a child is `a` or older on the day when
# born on or before `cutoffs[a]` (core.dates' anniversary rule), so 19 cutoffs are parameters
AT_LEAST = " ".join(f"WHEN {a} THEN %s" for a in range(18))  # age_min a: born on or before cutoffs[a]
AT_MOST = " ".join(f"WHEN {a} THEN %s" for a in range(18))  # age_max a: born after cutoffs[a + 1]
# families on the register on the day whose wishes may fit a child of the case (sex, age, health, region)
FAMILIES = f"""
SELECT w.applicant_id, min(r.registered_on), d.region_id, w.sex, w.age_min, w.age_max, w.children, w.siblings,
       w.health_conditions, EXISTS (SELECT 1 FROM databank_familywishes_regions x WHERE x.familywishes_id = w.id)
FROM databank_familywishes w JOIN adoption_adopterregistration r ON r.applicant_id = w.applicant_id
JOIN adoption_applicant a ON a.id = w.applicant_id JOIN core_district d ON d.code = a.district_id
WHERE r.register = 'prospective_adopters' AND r.registered_on <= %s AND r.valid_until >= %s AND {FOREIGN}
  AND EXISTS (
    SELECT 1 FROM adoption_casechild cc JOIN registry_child ch ON ch.id = cc.child_id
    JOIN core_district cd ON cd.code = ch.district_id
    WHERE cc.case_id = %s AND (w.sex = '' OR w.sex = ch.sex) AND (w.health_conditions OR ch.health_notes = '')
      AND ch.birth_date <= CASE w.age_min {AT_LEAST} END AND ch.birth_date > CASE w.age_max {AT_MOST} END
      AND (NOT EXISTS (SELECT 1 FROM databank_familywishes_regions x WHERE x.familywishes_id = w.id)
           OR EXISTS (SELECT 1 FROM databank_familywishes_regions x
                      WHERE x.familywishes_id = w.id AND x.region_id = cd.region_id)))
GROUP BY w.id, w.applicant_id, d.region_id, w.sex, w.age_min, w.age_max, w.children, w.siblings,
         w.health_conditions"""
PROPOSALS = """
SELECT p.child_id, p.applicant_id, p.proposed_on, p.answer, p.answered_on FROM databank_proposal p
JOIN adoption_casechild cc ON cc.child_id = p.child_id WHERE cc.case_id = %s ORDER BY p.proposed_on, p.id"""


def age_cutoffs(on: datetime.date) -> list[datetime.date]:
    """The parameters of AT_LEAST (ages 0-17) then AT_MOST (ages 1-18): a person born on or before
    add_months(on, -12 a) is a full years old on `on` (29 February: core.dates.reaches_age_on)."""
    cutoffs = [add_months(on, -12 * a) for a in range(19)]
    return [*cutoffs[:18], *cutoffs[1:19]]


def search_facts(case_facts, as_of: datetime.date, policy, rows) -> dict:
    child_rows, family_rows, proposal_rows = rows
    children: dict[int, rules.ChildFacts] = {}
    siblings: dict[int, list[rules.ChildFacts]] = {}
    for cid, sex, birth, region, health, sid, ssex, sbirth, sregion, shealth in child_rows:
        children.setdefault(cid, rules.ChildFacts(cid, sex, as_date(birth), region, bool(health)))
        if sid is not None:
            siblings.setdefault(cid, []).append(rules.ChildFacts(sid, ssex, as_date(sbirth), sregion, bool(shealth)))
    if not children:
        return {}  # no foreign applicant: DOMESTIC_PREFERENCE does not apply, nothing to derive
    families = [
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
            # SQL kept only the families of the child's region or of every region
            regions=frozenset({next(iter(children.values())).region}) if has_regions else frozenset(),
        )
        for applicant, registered_on, home, sex, age_min, age_max, n, together, health, has_regions in family_rows
    ]
    fitting = {
        cid: tuple(
            family.id
            for family, _reason in rules.matches(
                rules.ChildFacts(c.id, c.sex, c.birth_date, c.region, c.health, tuple(siblings.get(cid, ()))),
                families,
                as_of,
            )
        )
        for cid, c in children.items()
    }
    return {
        "databank": DatabankFacts(
            fitting=fitting,
            proposals=tuple(
                ProposalFacts(child, family, as_date(proposed_on), answer, as_date(answered_on))
                for child, family, proposed_on, answer, answered_on in proposal_rows
            ),
            answer_days=policy.proposal_answer_days,
        )
    }


SEARCH = extensions.FactSource(
    statements=(
        (CHILDREN, lambda case, as_of: [case.pk, case.pk]),
        (FAMILIES, lambda case, as_of: [as_of, as_of, case.pk, case.pk, *age_cutoffs(as_of)]),
        (PROPOSALS, lambda case, as_of: [case.pk]),
    ),
    facts=search_facts,
)


def register() -> None:
    extensions.fact_sources.append(SEARCH)
    registry_contributions.child_pages.append((_("Families for the child"), "web-child-matches"))
