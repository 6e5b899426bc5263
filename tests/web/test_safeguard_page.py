"""The cases behind the statistics page's red flags, on a page (its counts opened the API's JSON):
each flag with its case as the cases list names it, its sentence and its evidence; each case
listed is a read; a region sees its own; the roles of the safeguards report only."""

import pytest

from core.audit import reads_of_q
from core.models import AuditEvent
from intercountry import services as intercountry_services
from tests.adoption.conftest import adopt_abroad
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/safeguards/"


def fee_to_a_fixer(case, paid_on):
    """A placement paid to a facilitator who is no accredited agency: INTERMEDIARY_NOT_ACCREDITED."""
    fixer = intercountry_services.add_party(actor=None, case=case, name="A fixer", country="KZ", role="facilitator")
    intercountry_services.add_fee(
        actor=None, party=fixer, amount=500, currency="USD", paid_on=paid_on, purpose="placement"
    )


def test_a_flags_count_opens_its_cases_on_a_page(client, users, district, court, other_district, other_court):
    case, child = adopt_abroad(district, court, last_name="Flagova")
    fee_to_a_fixer(case, child.identified_on)
    away, away_child = adopt_abroad(other_district, other_court, last_name="Farflagova")
    fee_to_a_fixer(away, away_child.identified_on)
    login(client, users["ministry"])
    statistics = client.get("/dashboard/").content.decode()
    link = f"{PAGE}?from="
    assert link in statistics and "flag=INTERMEDIARY_NOT_ACCREDITED" in statistics  # no longer the API's JSON
    assert "/api/v1/reports/safeguards/cases/" not in statistics
    flagged = client.get(PAGE, {"flag": "INTERMEDIARY_NOT_ACCREDITED"})
    page = flagged.content.decode()
    assert flagged.status_code == 200
    for shown in (case, away):
        assert f'href="/cases/{shown.pk}/"' in page
        assert AuditEvent.objects.filter(reads_of_q(str(shown.pk)), action="read", object_type="adoption.case").exists()
    assert f"Adopted child #{child.pk}" in page and "Flagova" not in page  # a sealed child, by number
    assert "A fixer was paid for placement" in page and "amount 500.00" in page  # its sentence, its evidence
    assert "2 cases from" in page
    assert "No case of the period has this sign." in client.get(PAGE, {"flag": "RUSHED_CASE"}).content.decode()
    assert f'href="/cases/{case.pk}/"' in client.get(PAGE).content.decode()  # every flag's
    login(client, users["regional"])  # a region: its own
    page = client.get(PAGE, {"flag": "INTERMEDIARY_NOT_ACCREDITED"}).content.decode()
    assert f'href="/cases/{case.pk}/"' in page and f'href="/cases/{away.pk}/"' not in page
    login(client, users["auditor"])
    assert f'href="/cases/{away.pk}/"' in client.get(PAGE).content.decode()
    for role in ("guardianship", "court", "consular"):
        login(client, users[role])
        assert client.get(PAGE).status_code == 403, role
    login(client, users["ministry"])
    assert client.get(PAGE, {"flag": "NOPE"}).status_code == 404
    refused = client.get(PAGE, {"from": "2026-02-01", "to": "2026-01-01"})
    assert refused.status_code == 400 and "The period ends before it starts." in refused.content.decode()


def test_the_home_pages_unregistered_children_open_the_adopted_abroad_page_with_them(client, users, district, court):
    """The safeguard's count on the home page opened the API's JSON; its list is the adopted-abroad
    page with the same definition (`consular.deadlines.unregistered`), at its boundary: 180 days in
    force and on no consular register (the day before, not yet)."""
    kids = {ago: adopt_abroad(district, court, last_name=f"Kid{ago}", in_force_ago=ago)[1] for ago in (179, 180, 181)}
    for role in ("ministry", "regional", "auditor"):
        login(client, users[role])
        home = client.get("/").content.decode()
        assert "2 children adopted abroad 180 days ago or more are not on a consular register." in home, role
        assert 'href="/adopted/?unregistered=1"' in home and "/api/v1/reports/unregistered-children/" not in home
        listed = client.get("/adopted/", {"unregistered": "1"})
        page = listed.content.decode()
        assert [f'href="/adopted/{kids[ago].pk}/"' in page for ago in (179, 180, 181)] == [False, True, True], role
        assert listed.context["query"] == "unregistered=1", role  # the pager's links keep it
        assert 'name="unregistered" value="1" checked' in page, role
    assert f'href="/adopted/{kids[179].pk}/"' in client.get("/adopted/").content.decode()  # unfiltered: every one
