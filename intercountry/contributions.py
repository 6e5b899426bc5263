"""What intercountry adds to the apps below it:

- the red flags on a case's eligibility answer, as warnings `{code: "RED_FLAG", flag, detail,
  evidence, on}` (RULES §11.17). Their facts are loaded by plain SQL statements sent in the same
  pipeline as the case's own facts (adoption.extensions.FactSource), so the answer costs no
  extra round trip; `facts.py` loads the same facts for many cases at once (the report);
- the page of a case's parties and fees, linked from the case workspace.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from adoption import extensions
from adoption.facts import agency_facts, as_date
from adoption.rules import Finding

from . import flags

CASE = """
SELECT k.district_id, d.region_id, k.receiving_country, dec.in_force_on, r."on", r.eligible_since
FROM adoption_case k JOIN core_district d ON d.code = k.district_id
LEFT JOIN adoption_decision dec ON dec.case_id = k.id
LEFT JOIN (SELECT "on", eligible_since FROM adoption_referral WHERE case_id = %s ORDER BY "on", id LIMIT 1) r ON TRUE
WHERE k.id = %s"""
CONSENTS = """
SELECT pc.id, pc.child_id, pc.parent, pc.given_on, ch.birth_date, ch.birth_identity
FROM registry_parentalconsent pc JOIN adoption_casechild cc ON cc.child_id = pc.child_id
JOIN registry_child ch ON ch.id = pc.child_id
WHERE cc.case_id = %s AND pc.parent IN ('mother', 'father') ORDER BY pc.given_on, pc.id"""
PARTIES = """
SELECT p.id, p.name, p.role, p.agency_id, f.id, f.amount, f.currency, f.paid_on, f.purpose
FROM intercountry_party p LEFT JOIN intercountry_fee f ON f.party_id = p.id
WHERE p.case_id = %s ORDER BY p.id, f.paid_on, f.id"""
AGENCIES = """
SELECT a.id, a.accredited_from, a.accredited_until, s.start, s."end" FROM core_agency a
LEFT JOIN core_agencysuspension s ON s.agency_id = a.id
WHERE a.id IN (SELECT agency_id FROM intercountry_party WHERE case_id = %s) ORDER BY a.id, s.start, s.id"""
# the foreign adoptions of the case's district in force in the 12 months ending on as_of, with their
# agencies: only when an agency acts in the case (the share is the acting agency's)
DISTRICT_ADOPTIONS = """
SELECT k.id, dec.in_force_on, p.agency_id FROM adoption_case k
JOIN adoption_decision dec ON dec.case_id = k.id
LEFT JOIN intercountry_party p ON p.case_id = k.id AND p.role = 'agency' AND p.agency_id IS NOT NULL
WHERE k.district_id = (SELECT district_id FROM adoption_case WHERE id = %s) AND k.receiving_country <> ''
  AND dec.in_force_on >= %s AND dec.in_force_on <= %s
  AND EXISTS (SELECT 1 FROM intercountry_party a WHERE a.case_id = %s AND a.role = 'agency' AND a.agency_id IS NOT NULL)"""


def _birth(birth_date, birth_identity) -> datetime.date:
    """The birth date before any new identity the court gave."""
    identity = json.loads(birth_identity) if isinstance(birth_identity, str) else birth_identity
    original = (identity or {}).get("birth_date")
    return datetime.date.fromisoformat(original) if original else as_date(birth_date)


def thresholds(policy) -> flags.Thresholds:
    return flags.Thresholds(
        consent_cooling_days=policy.consent_cooling_days,
        fee_ceiling_usd=policy.fee_ceiling_usd,
        rushed_case_days=policy.rushed_case_days,
        agency_share_alert=policy.agency_share_alert,
    )


def red_flags(case_facts, as_of: datetime.date, policy, rows) -> list[Finding]:
    case_rows, consent_rows, party_rows, agency_rows, adoption_rows = rows
    if not case_rows:
        return []
    district, region, country, in_force_on, referred_on, eligible_since = case_rows[0]
    fees: dict[int, list[flags.FeeFacts]] = {}
    parties: dict[int, tuple] = {}
    for party_id, name, role, agency_id, fee_id, amount, currency, paid_on, purpose in party_rows:
        parties.setdefault(party_id, (name, role, agency_id))
        if fee_id is not None:
            fees.setdefault(party_id, []).append(
                flags.FeeFacts(fee_id, Decimal(str(amount)), currency, as_date(paid_on), purpose)
            )
    acting: dict[int, set[int]] = {}
    dates: dict[int, datetime.date] = {}
    for case_id, day, agency_id in adoption_rows:
        dates[case_id] = as_date(day)
        acting.setdefault(case_id, set()).update({agency_id} if agency_id else set())
    facts = flags.CaseFacts(
        id=case_facts.id,
        district=district,
        region=region,
        receiving_country=country,
        consents=tuple(
            flags.ConsentFacts(consent_id, child_id, parent, as_date(given_on), _birth(birth_date, identity))
            for consent_id, child_id, parent, given_on, birth_date, identity in consent_rows
        ),
        parties=tuple(
            flags.PartyFacts(party_id, name, role, agency_id, tuple(fees.get(party_id, ())))
            for party_id, (name, role, agency_id) in parties.items()
        ),
        referred_on=as_date(referred_on),
        eligible_since=as_date(eligible_since),
        in_force_on=as_date(in_force_on),
    )
    found = flags.flags_of(
        facts,
        as_of,
        agencies=agency_facts(agency_rows),
        thresholds=thresholds(policy),
        concentration=flags.Concentration.of(((district, dates[case_id], acting[case_id]) for case_id in dates), as_of),
    )
    return [
        Finding("RED_FLAG", flag.detail, {"flag": flag.flag, "evidence": flag.evidence, "on": flag.on})
        for flag in found
    ]


def _window(case, as_of):
    return [case.pk, flags.Concentration(as_of).since, as_of, case.pk]


RED_FLAGS = extensions.FactSource(
    statements=(
        (CASE, lambda case, as_of: [case.pk, case.pk]),
        (CONSENTS, lambda case, as_of: [case.pk]),
        (PARTIES, lambda case, as_of: [case.pk]),
        (AGENCIES, lambda case, as_of: [case.pk]),
        (DISTRICT_ADOPTIONS, _window),
    ),
    warnings=red_flags,
)


def register() -> None:
    extensions.fact_sources.append(RED_FLAGS)
    extensions.case_pages.append((_("Parties and fees"), "web-case-parties"))
