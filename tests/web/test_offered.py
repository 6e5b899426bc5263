"""A case's page offers a step only where it can be taken (adoption.workflow: the status, and the
step's `barred`; adoption.web.EVIDENCE_OF: the check its evidence is for). Until session 44 a step
already taken once for good (the civil registry's record, the certificate of HC93 art. 23), one
for a country not party to the Hague Convention, or the Hague steps of a child who stays, were
offered and refused only once sent."""

import pytest

from adoption import services
from adoption.models import Decision
from tests.adoption.conftest import adopt_abroad, ago, make_applicant, make_child
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def forms_on(client, case) -> set[str]:
    page = client.get(f"/cases/{case.pk}/").content.decode()
    return {name for name in ("civil-registration", "hague-certificate", "hague") if f'id="form-{name}"' in page}


def test_the_civil_registry_record_is_offered_until_it_is_entered(client, users, district, court):
    case, _child = adopt_abroad(district, court, in_force_ago=20)
    for role in ("court", "guardianship"):
        assert "civil-registration" in forms_on(login(client, users[role]), case), role
    record = {"number": "AZ-1", "registered_on": ago(18), "office": "Esil"}
    services.record_civil_registration(actor=users["court"], case=case, **record)
    for role in ("court", "guardianship"):
        assert "civil-registration" not in forms_on(login(client, users[role]), case), role
    again = client.post(f"/cases/{case.pk}/civil-registration/", record | {"registered_on": ago(18).isoformat()})
    assert again.status_code == 400 and "already entered" in again.content.decode()
    assert Decision.objects.get(case=case).civil_registration_number == "AZ-1"


def test_the_article_23_certificate_is_offered_once_and_only_for_a_country_party_to_the_convention(
    client, users, district, court
):
    hague, _child = adopt_abroad(district, court, in_force_ago=20)  # the United States
    other, _child = adopt_abroad(district, court, in_force_ago=20, country="RU", last_name="Ivanova")
    login(client, users["ministry"])
    assert "hague-certificate" in forms_on(client, hague)
    assert "hague-certificate" not in forms_on(client, other)
    refused = client.post(f"/cases/{other.pk}/hague-certificate/", {"number": "HC-9", "issued_on": ago(1).isoformat()})
    assert refused.status_code == 400 and "party to the Hague Convention" in refused.content.decode()
    services.issue_hague_certificate(actor=users["ministry"], case=hague, number="HC-1", issued_on=ago(10))
    assert "hague-certificate" not in forms_on(client, hague)


def test_the_hague_steps_are_offered_for_a_child_going_to_a_country_party_to_the_convention(client, users, district):
    child, family = make_child(district), make_applicant(district, marital_status="single")
    abroad = services.open_case(actor=None, children=[child], applicants=[family], opened_on=ago(30))
    stays_child = make_child(district, last_name="Omarova")
    residents = make_applicant(district, citizenship="KZ", residence="KZ", marital_status="single", last_name="Abenova")
    stays = services.open_case(actor=None, children=[stays_child], applicants=[residents], opened_on=ago(30))
    login(client, users["ministry"])
    assert "hague" in forms_on(client, abroad)
    assert "hague" not in forms_on(client, stays)
