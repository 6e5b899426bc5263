"""The red flags of RULES v2 §7b as pure functions, each at its threshold: the day before, of
and after; the agency's share at exactly the alert."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from adoption.rules import AgencyFacts
from intercountry import flags
from intercountry.flags import CaseFacts, ConsentFacts, FeeFacts, PartyFacts, Thresholds, flags_of

BIRTH = date(2024, 1, 1)
AGENCY = AgencyFacts(5, date(2020, 1, 1), date(2030, 1, 1), ((date(2024, 6, 1), date(2024, 6, 30)),))
ON = date(2025, 1, 1)


def case(**changes) -> CaseFacts:
    return CaseFacts(**{"id": 1, "district": "D", "region": "R", "receiving_country": "US", **changes})


DEFAULTS = Thresholds()


def codes(facts, on=ON, thresholds=DEFAULTS, concentration=None) -> list[str]:
    found = flags_of(facts, on, agencies={AGENCY.id: AGENCY}, thresholds=thresholds, concentration=concentration)
    return [f.flag for f in found]


@pytest.mark.parametrize("days, flagged", [(29, True), (30, True), (31, False)])  # "within 30 days" includes day 30
def test_consent_soon_after_birth(days, flagged):
    consent = ConsentFacts(9, 3, "mother", BIRTH + timedelta(days=days), BIRTH)
    assert codes(case(consents=(consent,))) == (["CONSENT_SOON_AFTER_BIRTH"] if flagged else [])
    found = flags_of(case(consents=(consent,)), ON, agencies={}, thresholds=Thresholds())
    if flagged:
        assert found[0].on == consent.given_on and found[0].evidence["consent"] == 9


def test_a_consent_given_after_as_of_is_not_yet_evidence():
    consent = ConsentFacts(9, 3, "mother", BIRTH + timedelta(days=3), BIRTH)
    assert codes(case(consents=(consent,)), on=BIRTH + timedelta(days=2)) == []


def paid(day, purpose="placement", amount="1000", currency="USD", id=1):
    return FeeFacts(id, Decimal(amount), currency, day, purpose)


@pytest.mark.parametrize(
    "agency_id, day, flagged",
    [
        (None, date(2024, 3, 1), True),  # a facilitator paid for placement
        (5, date(2024, 5, 31), False),  # the agency, accredited that day
        (5, date(2024, 6, 1), True),  # suspended from this day
        (5, date(2024, 6, 30), True),  # to this day inclusive
        (5, date(2024, 7, 1), False),
    ],
)
def test_an_intermediary_paid_for_placement_must_be_accredited_on_the_day(agency_id, day, flagged):
    party = PartyFacts(4, "Mr X", "agency" if agency_id else "facilitator", agency_id, (paid(day),))
    assert codes(case(parties=(party,))) == (["INTERMEDIARY_NOT_ACCREDITED"] if flagged else [])


def test_a_translators_fee_is_no_placement():
    party = PartyFacts(4, "Ms T", "translator", None, (paid(date(2024, 3, 1), purpose="translation"),))
    assert codes(case(parties=(party,))) == []


@pytest.mark.parametrize("total, flagged", [("4999.99", False), ("5000", False), ("5000.01", True)])
def test_fees_above_the_ceiling_of_the_policy(total, flagged):
    party = PartyFacts(
        4,
        "Agency",
        "agency",
        5,
        (
            paid(date(2024, 3, 1), "legal", "2000", id=1),
            paid(date(2024, 4, 1), "legal", str(Decimal(total) - 2000), id=2),
        ),
    )
    assert codes(case(parties=(party,)), thresholds=Thresholds(fee_ceiling_usd=5000)) == (
        ["FEES_ABOVE_POLICY"] if flagged else []
    )
    assert codes(case(parties=(party,)), thresholds=Thresholds(fee_ceiling_usd=None)) == []  # none: off


def test_fees_in_another_currency_are_not_converted():
    party = PartyFacts(4, "Agency", "agency", 5, (paid(date(2024, 3, 1), "legal", "9000000", "KZT"),))
    assert codes(case(parties=(party,)), thresholds=Thresholds(fee_ceiling_usd=5000)) == []


@pytest.mark.parametrize("days, flagged", [(6, True), (7, True), (8, False)])
def test_a_referral_rushed_after_the_last_check_passed(days, flagged):
    referred = date(2024, 9, 10)
    facts = case(referred_on=referred, eligible_since=referred - timedelta(days=days))
    assert codes(facts) == (["RUSHED_CASE"] if flagged else [])
    assert codes(case(referred_on=referred, eligible_since=None)) == []  # eligible for long before
    assert codes(replace_country(facts, "")) == []  # a domestic adoption


def test_a_referral_made_before_every_check_passed_is_flagged_as_such():
    """Judged again after a correction, a case not eligible on its referral's day has
    `eligible_since` the day after (adoption.rules.eligible_since): flagged, and said so."""
    referred = date(2024, 9, 10)
    (found,) = flags_of(
        case(referred_on=referred, eligible_since=referred + timedelta(days=1)), ON, agencies={}, thresholds=DEFAULTS
    )
    assert (found.flag, found.detail) == (
        "RUSHED_CASE",
        "Referred to the court on 2024-09-10, before every check had passed.",
    )


def replace_country(facts, country):
    from dataclasses import replace

    return replace(facts, receiving_country=country)


def adoptions(n_agency, n_other, in_force=date(2024, 6, 1)):
    rows = [("D", in_force, {5}) for _ in range(n_agency)] + [("D", in_force, {6}) for _ in range(n_other)]
    return flags.Concentration.of(rows, ON)


def test_one_agency_in_more_than_half_of_a_districts_foreign_adoptions():
    ours = case(parties=(PartyFacts(4, "Agency", "agency", 5),))
    assert codes(ours, concentration=adoptions(2, 2)) == []  # exactly 50%: not more
    assert codes(ours, concentration=adoptions(3, 2)) == ["AGENCY_CONCENTRATION"]
    flag = flags_of(ours, ON, agencies={}, thresholds=Thresholds(), concentration=adoptions(3, 2))[0]
    assert flag.on == ON and flag.evidence == {"agency": 5, "district": "D", "share": 3, "of": 5}


@pytest.mark.parametrize("in_force, counted", [(date(2024, 1, 1), False), (date(2024, 1, 2), True), (ON, True)])
def test_the_twelve_months_end_on_the_day_judged(in_force, counted):
    spread = flags.Concentration.of([("D", in_force, {5})], ON)
    assert spread.totals["D"] == (1 if counted else 0)


def test_every_kind_of_evidence_reads_in_words_on_a_page():
    """The API answers a flag's evidence by its keys (RULES §11.17); a page names each key in the
    reader's language (a case page read "days_after_birth 10" in Russian)."""
    from django.utils import translation

    from intercountry.templatetags.flags import evidence_text

    consent = ConsentFacts(9, 3, "mother", BIRTH + timedelta(days=5), BIRTH)
    facilitator = PartyFacts(4, "Mr X", "facilitator", None, (paid(date(2024, 3, 1), amount="9000"),))
    agency = PartyFacts(7, "Agency", "agency", 5)
    facts = case(
        consents=(consent,),
        parties=(facilitator, agency),
        referred_on=date(2024, 12, 20),
        eligible_since=date(2024, 12, 18),
    )
    found = flags_of(
        facts,
        ON,
        agencies={AGENCY.id: AGENCY},
        thresholds=Thresholds(fee_ceiling_usd=5000),
        concentration=adoptions(3, 2),
    )
    assert {f.flag for f in found} == set(flags.FLAG_NAMES)
    keys = {key for f in found for key in f.evidence}
    assert keys <= set(flags.EVIDENCE_NAMES), keys - set(flags.EVIDENCE_NAMES)
    with translation.override("ru"):
        shown = " ".join(evidence_text(f.evidence) for f in found)
    assert "дней после рождения 5" in shown and "мать" in shown and "18.12.2024" in shown
    assert not any(key in shown for key in keys if "_" in key)
