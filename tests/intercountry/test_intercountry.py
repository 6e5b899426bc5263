"""RULES v2 §7, §7a, §7b through the API: the register of accredited agencies, countries' HC93
status, the Hague steps and certificate, parties and fees, red flags on the eligibility answer,
and the ministry's safeguards report, whose figures are counted here independently."""

import datetime
import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adoption import deadlines, services
from adoption.models import CaseDocument
from core.models import Agency, AuditEvent, Policy, Reminder
from intercountry import services as intercountry_services
from registry import services as registry_services
from tests.adoption.conftest import accredited_agency, adopt_abroad, ago, complete_file, make_applicant, make_child

pytestmark = pytest.mark.django_db


def agency_body(**changes):
    return {
        "name": "Open Arms",
        "country": "us",
        "accreditation_number": "A-1",
        "accredited_from": "2020-01-01",
        "accredited_until": "2030-12-31",
        **changes,
    }


def test_the_ministry_keeps_the_register_of_accredited_agencies(api, users):
    ministry = api(users["ministry"])
    assert api(users["guardianship"]).post("/api/v1/agencies/", agency_body(), format="json").status_code == 403
    backwards = ministry.post("/api/v1/agencies/", agency_body(accredited_until="2019-01-01"), format="json")
    assert backwards.status_code == 400 and backwards.json()["errors"][0]["field"] == "accredited_until"
    created = ministry.post("/api/v1/agencies/", agency_body(), format="json")
    assert created.status_code == 201 and created.json()["country"] == "US"
    pk = created.json()["id"]
    assert ministry.post("/api/v1/agencies/", agency_body(), format="json").status_code == 400  # the same number
    suspended = ministry.patch(
        f"/api/v1/agencies/{pk}/", {"suspensions": [{"from": "2024-06-01", "to": "2024-06-30"}]}, format="json"
    )
    assert suspended.status_code == 200 and suspended.json()["suspensions"] == [
        {"from": "2024-06-01", "to": "2024-06-30"}
    ]
    listed = api(users["consular"]).get("/api/v1/agencies/").json()  # every role reads the register
    assert [a["accreditation_number"] for a in listed] == ["A-1"]
    event = AuditEvent.objects.filter(verb="update_agency").get()
    assert event.before is not None and event.after is not None
    assert (event.before["suspensions"], event.after["suspensions"]) == ([], [["2024-06-01", "2024-06-30"]])


def test_a_suspension_without_its_end_is_refused_by_name_in_a_correction(api, users):
    """Found by the fuzzer: a PATCH is partial, and DRF then let a suspension leave out `to`
    (or `from`): the service met a period with no end and answered 500."""
    ministry = api(users["ministry"])
    pk = ministry.post("/api/v1/agencies/", agency_body(), format="json").json()["id"]
    for period, missing in (({"from": "2024-06-01"}, "to"), ({"to": "2024-06-30"}, "from"), ({}, "from")):
        refused = ministry.patch(f"/api/v1/agencies/{pk}/", {"suspensions": [period]}, format="json")
        assert refused.status_code == 400
        assert (refused.json()["errors"][0]["field"], refused.json()["errors"][0]["code"]) == (
            f"suspensions[0].{missing}",
            "required",
        )
    assert not AuditEvent.objects.filter(verb="update_agency").exists()


def test_countries_hague_status_is_reference_data_the_ministry_corrects(api, users):
    countries = {c["code"]: c for c in api(users["court"]).get("/api/v1/countries/").json()}
    assert countries["KZ"]["hague_party_since"] == "2010-11-01"
    assert countries["US"]["hague_party_since"] == "2010-11-01" and countries["RU"]["hague_party_since"] is None
    ministry = api(users["ministry"])
    early = ministry.patch("/api/v1/countries/IT/", {"hague_party_since": "2009-01-01"}, format="json")
    assert early.status_code == 400 and early.json()["errors"][0]["code"] == "before_kazakhstan"
    added = ministry.patch(
        "/api/v1/countries/it/", {"hague_party_since": "2010-11-01", "central_authority": "CAI"}, format="json"
    )
    assert added.status_code == 200 and added.json()["name"] == "Italy"
    assert api(users["guardianship"]).patch("/api/v1/countries/IT/", {}, format="json").status_code == 403


def foreign_file(district, *, country="US", agency=None):
    child = make_child(district)
    couple = [
        make_applicant(district, citizenship=country, residence=country),
        make_applicant(district, citizenship=country, residence=country, sex="M", last_name="Husband"),
    ]
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    complete_file(case, [child], couple)
    return case, child


def test_dossier_reports_come_from_an_agency_accredited_on_their_issue_date(api, users, district):
    case, _child = foreign_file(district)
    agency = accredited_agency()
    client = api(users["guardianship"])

    def dossier_status():
        checks = client.get(f"/api/v1/cases/{case.pk}/eligibility/").json()["checks"]
        return next(c for c in checks if c["code"] == "FOREIGN_DOSSIER")["status"]

    assert dossier_status() == "pass"
    Agency.objects.filter(pk=agency.pk).update(accredited_from=ago(79))  # the day after the reports' date (ago(80))
    assert dossier_status() == "fail"
    Agency.objects.filter(pk=agency.pk).update(accredited_from=ago(80))  # the day of
    assert dossier_status() == "pass"
    agency.suspensions.create(start=ago(85), end=ago(80))  # suspended through that very day
    assert dossier_status() == "fail"
    no_agency = client.post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"kind": "moral_qualities", "issued_on": ago(1).isoformat(), "issuer": "Someone"},
        format="json",
    )
    assert no_agency.status_code == 400 and no_agency.json()["errors"][0]["field"] == "agency"


def test_the_hague_steps_in_their_order_by_the_ministry_before_the_referral(api, users, district):
    child = make_child(district)
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Husband")]
    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    complete_file(case, [child], couple)
    from adoption.models import HagueProcedure

    HagueProcedure.objects.filter(case=case).delete()  # as if not yet recorded
    ministry, guardianship = api(users["ministry"]), api(users["guardianship"])
    checks = {c["code"]: c for c in guardianship.get(f"/api/v1/cases/{case.pk}/eligibility/").json()["checks"]}
    assert checks["HAGUE_AGREEMENT"]["status"] == "fail" and "art. 15" in checks["HAGUE_AGREEMENT"]["detail"]
    url = f"/api/v1/cases/{case.pk}/hague/"
    assert guardianship.post(url, {"art15_report_received_on": ago(30).isoformat()}, format="json").status_code == 403
    early = ministry.post(url, {"art17_agreement_on": ago(20).isoformat()}, format="json")
    assert early.status_code == 400 and early.json()["errors"][0]["code"] == "before_the_reports"
    assert ministry.post(url, {"art15_report_received_on": ago(30).isoformat()}, format="json").status_code == 201
    assert ministry.post(url, {"art16_report_sent_on": ago(25).isoformat()}, format="json").status_code == 201
    before_report = ministry.post(url, {"art17_agreement_on": ago(26).isoformat()}, format="json")
    assert before_report.status_code == 400  # before the art. 16 report
    done = ministry.post(url, {"art17_agreement_on": ago(20).isoformat()}, format="json")
    assert done.status_code == 201 and done.json()["art15_report_received_on"] == ago(30).isoformat()  # kept
    answer = lambda day: guardianship.get(f"/api/v1/cases/{case.pk}/eligibility/", {"as_of": day.isoformat()}).json()  # noqa: E731
    assert {c["code"]: c["status"] for c in answer(ago(21))["checks"]}["HAGUE_AGREEMENT"] == "fail"  # the day before
    assert {c["code"]: c["status"] for c in answer(ago(20))["checks"]}["HAGUE_AGREEMENT"] == "pass"


def test_no_hague_steps_for_a_country_that_is_not_a_party(api, users, district):
    case, _child = foreign_file(district, country="RU")
    checks = {
        c["code"]: c for c in api(users["guardianship"]).get(f"/api/v1/cases/{case.pk}/eligibility/").json()["checks"]
    }
    assert checks["HAGUE_AGREEMENT"]["status"] == "not_applicable"
    refused = api(users["ministry"]).post(
        f"/api/v1/cases/{case.pk}/hague/", {"art15_report_received_on": ago(3).isoformat()}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "not_a_hague_adoption"


def test_the_article_23_certificate_after_entry_into_force_its_reminder_and_the_consular_post(
    api, users, district, court
):
    case, child = adopt_abroad(district, court, in_force_ago=20)
    in_force = case.decision.in_force_on
    deadlines.sweep_court_deadlines(on=in_force + datetime.timedelta(days=14))
    assert not Reminder.objects.filter(kind="hague_certificate_due").exists()  # the 14th day: in time
    deadlines.sweep_court_deadlines(on=in_force + datetime.timedelta(days=15))
    reminder = Reminder.objects.get(kind="hague_certificate_due")
    assert reminder.due_on == in_force + datetime.timedelta(days=14)
    assert "hague_certificate_due" in [
        r["kind"] for r in api(users["ministry"]).get("/api/v1/reminders/").json()["results"]
    ]
    url = f"/api/v1/cases/{case.pk}/hague-certificate/"
    ministry = api(users["ministry"])
    early = ministry.post(
        url, {"number": "HC-1", "issued_on": (in_force - datetime.timedelta(days=1)).isoformat()}, format="json"
    )
    assert early.status_code == 400 and early.json()["errors"][0]["field"] == "issued_on"
    assert ministry.post(url, {"number": "HC-1", "issued_on": in_force.isoformat()}, format="json").status_code == 201
    again = ministry.post(url, {"number": "HC-2", "issued_on": in_force.isoformat()}, format="json")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_issued"
    seen = api(users["consular"]).get(f"/api/v1/adopted-children/{child.pk}/").json()
    assert seen["adoption"]["hague_certificate"] == {"number": "HC-1", "issued_on": in_force.isoformat()}


def test_parties_and_fees_and_their_red_flags_on_the_eligibility_answer(api, users, district):
    case, child = foreign_file(district)
    guardianship = api(users["guardianship"])
    party = guardianship.post(
        f"/api/v1/cases/{case.pk}/parties/", {"name": "Mr Fixer", "country": "kz", "role": "facilitator"}, format="json"
    )
    assert party.status_code == 201
    fee = {"party": party.json()["id"], "amount": "3000.00", "currency": "usd", "paid_on": ago(50).isoformat()}
    bad = guardianship.post(
        f"/api/v1/cases/{case.pk}/fees/", fee | {"currency": "XYZ", "purpose": "placement"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "currency"
    assert (
        guardianship.post(f"/api/v1/cases/{case.pk}/fees/", fee | {"purpose": "placement"}, format="json").status_code
        == 201
    )
    assert (
        api(users["court"])
        .post(f"/api/v1/cases/{case.pk}/fees/", fee | {"purpose": "placement"}, format="json")
        .status_code
        == 403
    )
    registry_services.record_parental_consent(
        actor=None,
        child=child,
        parent="mother",
        given_on=child.birth_date + datetime.timedelta(days=30),
        form="institution_head",
        document={"number": "C-9", "date": child.birth_date + datetime.timedelta(days=30), "issued_by": "Head"},
    )
    body = guardianship.get(f"/api/v1/cases/{case.pk}/eligibility/").json()
    flags = {w["flag"]: w for w in body["warnings"] if w["code"] == "RED_FLAG"}
    assert set(flags) == {"INTERMEDIARY_NOT_ACCREDITED", "CONSENT_SOON_AFTER_BIRTH"}
    assert flags["INTERMEDIARY_NOT_ACCREDITED"]["on"] == ago(50).isoformat()
    assert flags["CONSENT_SOON_AFTER_BIRTH"]["evidence"]["days_after_birth"] == 30
    assert body["eligible"] is True  # advisory: never a refusal
    listed = guardianship.get(f"/api/v1/cases/{case.pk}/parties/").json()
    assert listed[0]["fees"][0]["currency"] == "USD"
    assert api(users["other_guardianship"]).get(f"/api/v1/cases/{case.pk}/parties/").status_code == 404


def test_a_rushed_referral_is_flagged(api, users, district, court):
    case, _child = foreign_file(district)
    CaseDocument.objects.filter(case=case, kind="application").update(issued_on=ago(3))  # the last to arrive
    services.refer_to_court(actor=None, case=case, court=court, on=ago(1))
    body = api(users["guardianship"]).get(f"/api/v1/cases/{case.pk}/eligibility/").json()
    rushed = [w for w in body["warnings"] if w.get("flag") == "RUSHED_CASE"]
    assert rushed and rushed[0]["evidence"]["eligible_since"] == ago(3).isoformat()


# --- the safeguards report ---------------------------------------------------------------------


def mothers_consent(child, given_on):
    """The mother's notarised consent to the adoption, given on `given_on`."""
    registry_services.record_parental_consent(
        actor=None,
        child=child,
        parent="mother",
        given_on=given_on,
        form="notarised",
        document={"number": f"C{child.pk}", "date": given_on, "issued_by": "Notary"},
    )


def generated_cases(district, other_district, rng):
    """Foreign cases with random parties, fees and consents, in two districts."""
    agencies = [accredited_agency(country) for country in ("US", "GB")]
    for i in range(12):
        home = district if i % 3 else other_district
        child = make_child(home, last_name=f"Gen{i}", birth_days_ago=rng.randint(300, 2000))
        applicant = make_applicant(home, last_name=f"App{i}")
        case = services.open_case(actor=None, children=[child], applicants=[applicant], opened_on=ago(200))
        agency = rng.choice(agencies + [None])
        if agency is not None:
            intercountry_services.add_party(
                actor=None, case=case, name=agency.name, country=agency.country, role="agency", agency=agency
            )
        for k in range(rng.randint(0, 2)):
            party = intercountry_services.add_party(
                actor=None, case=case, name=f"P{i}-{k}", country="KZ", role="facilitator"
            )
            intercountry_services.add_fee(
                actor=None,
                party=party,
                amount=rng.randint(100, 9000),
                currency="USD",
                paid_on=ago(rng.randint(1, 400)),
                purpose=rng.choice(["placement", "travel"]),
            )
        if rng.random() < 0.5:
            mothers_consent(child, child.birth_date + datetime.timedelta(days=rng.randint(0, 60)))


def test_the_safeguards_report_matches_an_independent_count_in_a_fixed_number_of_queries(
    api, users, district, other_district
):
    from intercountry.models import Fee
    from registry.models import ParentalConsent

    rng = random.Random(17)
    generated_cases(district, other_district, rng)
    Policy.objects.update_or_create(effective_from=None, defaults={"fee_ceiling_usd": 5000})
    start, end = ago(365), ago(0)
    # independently: the flags' definitions, straight from the rows
    expected: Counter[str] = Counter()
    cases = set()
    for consent in ParentalConsent.objects.select_related("child"):
        days = (consent.given_on - consent.child.birth_date).days
        if days <= 30 and start <= consent.given_on <= end:
            expected["CONSENT_SOON_AFTER_BIRTH"] += 1
            cases |= set(consent.child.cases.values_list("pk", flat=True))
    for fee in Fee.objects.select_related("party"):
        if fee.purpose == "placement" and fee.party.agency_id is None and start <= fee.paid_on <= end:
            expected["INTERMEDIARY_NOT_ACCREDITED"] += 1
            cases.add(fee.party.case_id)
        if fee.amount > 5000 and start <= fee.paid_on <= end:  # one fee a party in this set: its total
            expected["FEES_ABOVE_POLICY"] += 1
            cases.add(fee.party.case_id)
    assert all(
        expected[flag] > 0 for flag in ("CONSENT_SOON_AFTER_BIRTH", "INTERMEDIARY_NOT_ACCREDITED", "FEES_ABOVE_POLICY")
    )
    client = api(users["ministry"])
    client.get("/api/v1/reports/safeguards/", {"from": start.isoformat(), "to": end.isoformat()})
    with CaptureQueriesContext(connection) as few:
        body = client.get("/api/v1/reports/safeguards/", {"from": start.isoformat(), "to": end.isoformat()}).json()
    assert body["by_flag"] == {
        "CONSENT_SOON_AFTER_BIRTH": expected["CONSENT_SOON_AFTER_BIRTH"],
        "INTERMEDIARY_NOT_ACCREDITED": expected["INTERMEDIARY_NOT_ACCREDITED"],
        "FEES_ABOVE_POLICY": expected["FEES_ABOVE_POLICY"],
        "RUSHED_CASE": 0,
        "AGENCY_CONCENTRATION": 0,  # none in force
    }
    assert body["total_flags"] == sum(expected.values()) > 0, (body, expected)
    assert body["total_cases"] == len(cases)
    assert sum(body["by_region"].values()) == body["total_flags"]
    # twice the cases: the same number of queries
    generated_cases(district, other_district, random.Random(18))
    with CaptureQueriesContext(connection) as more:
        grown = client.get("/api/v1/reports/safeguards/", {"from": start.isoformat(), "to": end.isoformat()}).json()
    assert len(more) == len(few), (len(few), len(more))
    # the regional department counts its own region; the drill-down names the cases and is audited
    regional = (
        api(users["regional"])
        .get("/api/v1/reports/safeguards/", {"from": start.isoformat(), "to": end.isoformat()})
        .json()
    )
    assert set(regional["by_region"]) <= {district.region_id}
    assert (
        api(users["guardianship"])
        .get("/api/v1/reports/safeguards/", {"from": start.isoformat(), "to": end.isoformat()})
        .status_code
        == 403
    )
    cases_url = "/api/v1/reports/safeguards/cases/"
    drill = client.get(
        cases_url, {"from": start.isoformat(), "to": end.isoformat(), "flag": "INTERMEDIARY_NOT_ACCREDITED"}
    ).json()
    assert drill["total"] == grown["by_flag"]["INTERMEDIARY_NOT_ACCREDITED"] > expected["INTERMEDIARY_NOT_ACCREDITED"]
    assert AuditEvent.objects.filter(action="read", object_type="adoption.case", actor=users["ministry"]).exists()
    csv = client.get("/api/v1/reports/safeguards/", {"from": start.isoformat(), "to": end.isoformat(), "format": "csv"})
    assert csv.status_code == 200 and "CONSENT_SOON_AFTER_BIRTH" in csv.content.decode()
    bad = client.get(cases_url, {"from": start.isoformat(), "to": end.isoformat(), "flag": "NOPE"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "flag"


def test_a_report_reads_only_the_cases_that_may_flag_in_its_period_and_misses_no_flag(district, other_district, court):
    """`may_flag_between` narrows a report's cases by the dates the flags take from their evidence:
    for periods before, around and after each kind of evidence, the flags of the cases it keeps are
    every flag of every case in the period, and it keeps fewer cases than there are."""
    from adoption.models import Case
    from intercountry.facts import flags_of_cases, may_flag_between
    from registry.models import Child

    generated_cases(district, other_district, random.Random(23))  # consents, fees, agencies of open cases
    Policy.objects.update_or_create(effective_from=None, defaults={"fee_ceiling_usd": 5000})
    agency = Agency.objects.get(country="US")
    for i, days in enumerate((40, 100, 700)):  # foreign adoptions with the agency: its concentration
        adopted, _child = adopt_abroad(district, court, in_force_ago=days, last_name=f"Conc{i}")
        intercountry_services.add_party(
            actor=None, case=adopted, name=agency.name, country="US", role="agency", agency=agency
        )
    rushed, _child = foreign_file(district)
    CaseDocument.objects.filter(case=rushed, kind="application").update(issued_on=ago(3))
    services.refer_to_court(actor=None, case=rushed, court=court, on=ago(1))
    hasty = {}  # referred the policy's 7 days after eligibility (flagged), and 8 (not)
    for days in (7, 8):
        hasty[days], _child = foreign_file(district)
        services.refer_to_court(actor=None, case=hasty[days], court=court, on=ago(20))
        hasty[days].referrals.update(eligible_since=ago(20 + days))

    consented = {}  # a mother's consent the policy's 30 days after the birth (flagged), and 31 (not)
    for days in (30, 31):
        consented[days], child = foreign_file(district)
        mothers_consent(child, child.birth_date + datetime.timedelta(days=days))
    renamed, child = foreign_file(district)  # a new identity: the flag reads the birth date before it
    mothers_consent(child, ago(90))
    Child.objects.filter(pk=child.pk).update(
        birth_date=ago(900), birth_identity={"birth_date": ago(100).isoformat(), "last_name": "Before"}
    )
    fees = {}  # cases whose one sign is a fee: in euros for travel (none), in USD for travel, in euros for placement
    for currency, purpose in (("EUR", "travel"), ("USD", "travel"), ("EUR", "placement")):
        fees[currency, purpose], _child = foreign_file(district)
        party = intercountry_services.add_party(
            actor=None, case=fees[currency, purpose], name="Guide", country="KZ", role="facilitator"
        )
        intercountry_services.add_fee(
            actor=None, party=party, amount=9000, currency=currency, paid_on=ago(5), purpose=purpose
        )
    travel = fees["EUR", "travel"]
    everything, kinds, narrowed = Case.objects.all(), set(), False
    for start, end in [
        (ago(30), ago(0)),
        (ago(365), ago(0)),
        (ago(400), ago(100)),
        (ago(5000), ago(0)),
        (ago(3), ago(2)),
        (ago(20), ago(20)),
        (ago(21), ago(19)),
    ]:
        kept = may_flag_between(everything, start, end)
        every = sorted((f.case, f.flag, f.on) for f in flags_of_cases(everything, end) if start <= f.on <= end)
        found = sorted((f.case, f.flag, f.on) for f in flags_of_cases(kept, end) if start <= f.on <= end)
        assert found == every, (start, end)
        kinds |= {flag for _case, flag, _on in every}
        narrowed |= kept.count() < everything.count()
    soon = {f.case for f in flags_of_cases(everything, ago(0)) if f.flag == "CONSENT_SOON_AFTER_BIRTH"}
    assert {consented[30].pk, renamed.pk} <= soon and consented[31].pk not in soon
    rushed_cases = {f.case for f in flags_of_cases(everything, ago(0)) if f.flag == "RUSHED_CASE"}
    assert hasty[7].pk in rushed_cases and hasty[8].pk not in rushed_cases
    assert hasty[8] not in may_flag_between(everything, ago(30), ago(0))  # nothing else of it may flag
    assert travel not in may_flag_between(everything, ago(30), ago(0))
    flagged = {(f.case, f.flag) for f in flags_of_cases(everything, ago(0))}
    assert (fees["USD", "travel"].pk, "FEES_ABOVE_POLICY") in flagged
    assert (fees["EUR", "placement"].pk, "INTERMEDIARY_NOT_ACCREDITED") in flagged
    assert kinds == {
        "CONSENT_SOON_AFTER_BIRTH",
        "INTERMEDIARY_NOT_ACCREDITED",
        "FEES_ABOVE_POLICY",
        "RUSHED_CASE",
        "AGENCY_CONCENTRATION",
    }
    assert narrowed


def test_the_fee_ceiling_of_the_policy_in_effect(api, users, district):
    case, _child = foreign_file(district)
    party = intercountry_services.add_party(
        actor=None, case=case, name="Agency", country="US", role="agency", agency=accredited_agency()
    )
    intercountry_services.add_fee(
        actor=None, party=party, amount=6000, currency="USD", paid_on=ago(10), purpose="legal"
    )

    def warnings():
        answer = api(users["guardianship"]).get(f"/api/v1/cases/{case.pk}/eligibility/").json()
        return [w.get("flag") for w in answer["warnings"]]

    assert "FEES_ABOVE_POLICY" not in warnings()  # no ceiling: off
    Policy.objects.update_or_create(effective_from=None, defaults={"fee_ceiling_usd": 5000})
    assert "FEES_ABOVE_POLICY" in warnings()


def test_the_dossier_check_names_each_report_in_words(api, users, district):
    """FOREIGN_DOSSIER names a report as the case page lists it, in the reader's language, never by
    its code ("нет заключения financial_solvency")."""
    case, _child = foreign_file(district)
    CaseDocument.objects.filter(case=case, kind="financial_solvency").delete()
    client = api(users["guardianship"])

    def detail(language):
        checks = client.get(f"/api/v1/cases/{case.pk}/eligibility/", HTTP_ACCEPT_LANGUAGE=language).json()["checks"]
        return next(c for c in checks if c["code"] == "FOREIGN_DOSSIER")["detail"]

    assert detail("en") == "Dossier incomplete: the report on financial solvency is missing."
    assert "отсутствует заключение о финансовой состоятельности" in detail("ru")
    assert "financial_solvency" not in detail("ru") + detail("kk")
