"""The intercountry pages with Django's test client: the ministry's agencies and countries, a
case's parties and fees, the red flags on the case workspace and the dashboard."""

import datetime

import pytest

from core.models import Agency, AuditEvent, Country
from intercountry.models import Fee, Party
from tests.adoption.conftest import ago, complete_file, make_applicant, make_child

pytestmark = pytest.mark.django_db


def test_the_ministry_registers_and_suspends_an_agency_on_its_page(client, users):
    client.force_login(users["guardianship"])
    assert client.get("/dashboard/agencies/").status_code == 403
    client.force_login(users["ministry"])
    form = {
        "new-name": "Bridges",
        "new-country": "DE",
        "new-accreditation_number": "DE-9",
        "new-accredited_from": "2024-01-01",
        "new-accredited_until": "2023-01-01",
    }
    refused = client.post("/dashboard/agencies/", form)
    assert refused.status_code == 400 and "cannot end before it starts" in refused.content.decode()
    assert client.post("/dashboard/agencies/", form | {"new-accredited_until": "2027-01-01"}).status_code == 302
    agency = Agency.objects.get()
    assert agency.country == "DE"
    suspended = client.post(
        f"/dashboard/agencies/{agency.pk}/suspend/", {"s-start": "2025-02-01", "s-end": "2025-03-01"}
    )
    assert suspended.status_code == 302 and list(agency.suspensions.values_list("start", "end")) == [
        (datetime.date(2025, 2, 1), datetime.date(2025, 3, 1))
    ]
    page = client.get("/dashboard/agencies/").content.decode()
    assert "Bridges" in page and "DE-9" in page
    assert AuditEvent.objects.filter(verb__in=["create_agency", "update_agency"]).count() == 2


def test_the_ministry_corrects_a_country_on_its_page(client, users):
    client.force_login(users["ministry"])
    assert "United States" in client.get("/dashboard/countries/").content.decode()
    assert client.post("/dashboard/countries/", {"code": "RU", "hague_party_since": "2026-01-01"}).status_code == 302
    assert Country.objects.get(pk="RU").hague_party_since == datetime.date(2026, 1, 1)
    early = client.post("/dashboard/countries/", {"code": "RU", "hague_party_since": "2001-01-01"})
    assert early.status_code == 400


def test_parties_fees_and_the_red_flag_they_raise_on_the_case_workspace(client, users, district):
    child = make_child(district)
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Husband")]
    from adoption import services

    case = services.open_case(actor=None, children=[child], applicants=couple, opened_on=ago(100))
    complete_file(case, [child], couple)
    client.force_login(users["guardianship"])
    assert "Parties and fees" in client.get(f"/cases/{case.pk}/").content.decode()
    added = client.post(
        f"/cases/{case.pk}/parties/", {"party-name": "Mr Fixer", "party-country": "KZ", "party-role": "facilitator"}
    )
    assert added.status_code == 302
    party = Party.objects.get()
    bad = client.post(
        f"/cases/{case.pk}/parties/",
        {
            "fee-party": party.pk,
            "fee-amount": "900",
            "fee-currency": "ZZZ",
            "fee-paid_on": ago(9),
            "fee-purpose": "placement",
        },
    )
    assert bad.status_code == 400 and "ISO 4217" in bad.content.decode() and not Fee.objects.exists()
    paid = client.post(
        f"/cases/{case.pk}/parties/",
        {
            "fee-party": party.pk,
            "fee-amount": "1900",
            "fee-currency": "usd",
            "fee-paid_on": ago(9),
            "fee-purpose": "placement",
        },
    )
    assert paid.status_code == 302 and Fee.objects.get().currency == "USD"
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'data-flag="INTERMEDIARY_NOT_ACCREDITED"' in page and "Evidence" in page
    assert "1,900.00 USD" in client.get(f"/cases/{case.pk}/parties/").content.decode()  # grouped, as English writes it
    assert "A paid intermediary that is not an accredited agency" in page  # the flag in words, its code beside
    client.force_login(users["court"])
    assert client.post(f"/cases/{case.pk}/parties/", {"party-name": "X"}).status_code in (403, 404)
    client.force_login(users["other_guardianship"])
    assert client.get(f"/cases/{case.pk}/parties/").status_code == 404
    client.force_login(users["ministry"])
    dashboard = client.get("/dashboard/").content.decode()
    assert "Red flags of the cases of the period" in dashboard and "INTERMEDIARY_NOT_ACCREDITED" in dashboard
    assert "A paid intermediary that is not an accredited agency" in dashboard  # the flag in words


def test_a_dossier_report_names_its_agency_on_the_case_workspace(client, users, district):
    from adoption import services
    from adoption.models import CaseDocument
    from tests.adoption.conftest import accredited_agency

    child = make_child(district)
    case = services.open_case(actor=None, children=[child], applicants=[make_applicant(district)], opened_on=ago(10))
    agency = accredited_agency()
    client.force_login(users["guardianship"])
    report = {"kind": "family_situation", "issued_on": ago(1).isoformat(), "issuer": "Open Arms"}
    missing = client.post(f"/cases/{case.pk}/documents/", report)
    assert missing.status_code == 400 and "names the accredited agency" in missing.content.decode()
    assert client.post(f"/cases/{case.pk}/documents/", report | {"agency": agency.pk}).status_code == 302
    assert CaseDocument.objects.get(kind="family_situation").agency == agency


def test_the_ministry_extends_or_ends_an_accreditation_on_its_page(client, users):
    """An agency's accreditation ends (`accredited_until`) and is renewed: the page registered an
    agency and suspended it, but a renewal or an accreditation withdrawn early could be recorded
    only through the API, or by registering the agency a second time under another number (its
    fees and flags then split between two agencies in the safeguards report)."""
    agency = Agency.objects.create(
        name="Bridges",
        country="DE",
        accreditation_number="DE-9",
        accredited_from=datetime.date(2024, 1, 1),
        accredited_until=datetime.date(2026, 1, 1),
    )
    url = f"/dashboard/agencies/{agency.pk}/accreditation/"
    client.force_login(users["guardianship"])
    assert client.post(url, {"a-accredited_until": "2028-01-01"}).status_code == 403
    client.force_login(users["ministry"])
    assert f'action="{url}"' in client.get("/dashboard/agencies/").content.decode()
    for bad, says in (({"a-accredited_until": "2023-12-31"}, "cannot end before it starts"), ({}, "required")):
        refused = client.post(url, bad)  # the day before the accreditation began; nothing
        assert refused.status_code == 400 and says in refused.content.decode(), bad
    agency.refresh_from_db()
    assert agency.accredited_until == datetime.date(2026, 1, 1)
    assert client.post(url, {"a-accredited_until": "2024-01-01"}).status_code == 302  # the day it began: one day
    assert client.post(url, {"a-accredited_until": "2028-01-01"}).status_code == 302  # renewed
    agency.refresh_from_db()
    assert agency.accredited_until == datetime.date(2028, 1, 1) and agency.accreditation_number == "DE-9"
    event = AuditEvent.objects.filter(verb="update_agency").latest("id")
    assert event.before is not None and event.before["accredited_until"] == "2024-01-01"
    assert "2028" in client.get("/dashboard/agencies/").content.decode()
