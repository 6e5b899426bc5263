"""A text longer than its column is refused naming its field, whichever service or page writes
it (core.signals.fits_its_columns): the database refused it with a DataError (a 500), and the
embedded SQLite stored it whole."""

import datetime

import pytest

from adoption.models import Applicant
from core.errors import RuleError
from core.models import AuditEvent
from registry import services as registry_services
from registry.models import Child
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def test_a_service_refuses_a_text_longer_than_its_column_and_writes_nothing(district):
    child = {
        "actor": None,
        "district": district,
        "last_name": "Серикова",
        "first_name": "Дана",
        "sex": "F",
        "birth_date": datetime.date(2019, 4, 12),
        "identified_on": datetime.date(2023, 2, 1),
    }
    with pytest.raises(RuleError) as refused:
        registry_services.create_child(**child, birth_registration_number="B" * 65)
    assert [e.as_dict() for e in refused.value.errors] == [
        {"field": "birth_registration_number", "code": "max_length", "message": "At most 64 characters."}
    ]
    assert not Child.objects.exists() and not AuditEvent.objects.exists()
    stored, _warnings = registry_services.create_child(**child, birth_registration_number="B" * 64)  # its length
    assert Child.objects.get().birth_registration_number == "B" * 64 == stored.birth_registration_number


def test_the_applicants_page_refuses_a_register_number_longer_than_its_column(client, users):
    """The page's form did not bound the number of the register of foreign citizens: 65
    characters were a 500."""
    login(client, users["guardianship"])
    applicant = {
        "last_name": "Miller",
        "first_name": "Sarah",
        "sex": "F",
        "birth_date": "1980-01-01",
        "citizenship": "US",
        "residence_country": "US",
        "marital_status": "married",
        "foreign_registered_on": "2026-06-01",
    }
    response = client.post("/applicants/new/", {**applicant, "foreign_register_number": "F" * 65})
    assert response.status_code == 400 and "at most 64 characters" in response.content.decode()
    assert not Applicant.objects.exists()
    response = client.post("/applicants/new/", {**applicant, "foreign_register_number": "F" * 64})
    assert response.status_code == 302 and Applicant.objects.get().foreign_register_number == "F" * 64
