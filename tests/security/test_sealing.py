"""Secrecy of adoption: after a granted adoption enters into force the child's pre-adoption
identity is sealed; it is opened only by roles that need it, with a purpose, which is audited."""

import pytest

from core.models import AuditEvent
from tests.adoption.conftest import adopt_abroad, make_child

pytestmark = pytest.mark.django_db


def test_the_identity_of_an_adopted_child_is_sealed(api, users, district, court):
    _, child = adopt_abroad(district, court, last_name="Zhaksylykova")
    body = api(users["regional"]).get(f"/api/v1/children/{child.pk}/").json()
    assert body["sealed"] is True and body["last_name"] is None and body["birth_registration_number"] is None
    listed = api(users["regional"]).get("/api/v1/children/").json()["results"]
    assert [c["last_name"] for c in listed] == [None]
    not_adopted = make_child(district, last_name="Omarova")
    assert api(users["regional"]).get(f"/api/v1/children/{not_adopted.pk}/").json() | {} == {
        **api(users["regional"]).get(f"/api/v1/children/{not_adopted.pk}/").json(),
        "sealed": False,
        "last_name": "Omarova",
    }


def test_a_role_that_needs_it_opens_it_with_a_purpose_and_the_read_is_audited(api, users, district, court):
    _, child = adopt_abroad(district, court, last_name="Zhaksylykova")
    client = api(users["guardianship"])
    short = client.get(f"/api/v1/children/{child.pk}/", {"purpose": "check"})
    assert short.status_code == 400 and short.json()["errors"][0]["code"] == "purpose_required"
    opened = client.get(f"/api/v1/children/{child.pk}/", {"purpose": "court request no. 2-117 about inheritance"})
    assert (
        opened.status_code == 200 and opened.json()["last_name"] == "Zhaksylykova" and opened.json()["sealed"] is False
    )
    read = (
        AuditEvent.objects.filter(action="read", object_id=str(child.pk), actor=users["guardianship"])
        .exclude(purpose="")
        .get()
    )
    assert read.purpose == "court request no. 2-117 about inheritance"
    by_auditor = (
        api(users["auditor"]).get("/api/v1/audit-events/", {"action": "read", "object_id": child.pk}).json()["results"]
    )
    assert "court request no. 2-117 about inheritance" in [e["purpose"] for e in by_auditor]


def test_a_role_that_does_not_need_it_cannot_open_it(api, users, district, court):
    _, child = adopt_abroad(district, court)
    response = api(users["regional"]).get(f"/api/v1/children/{child.pk}/", {"purpose": "just curious about this child"})
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "sealed"


def test_the_web_page_hides_the_sealed_identity_until_a_purpose_is_given(client, users, district, court):
    _, child = adopt_abroad(district, court, last_name="Zhaksylykova")
    client.force_login(users["guardianship"])
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert "Zhaksylykova" not in page and "is sealed" in page
    opened = client.get(
        f"/children/{child.pk}/", {"purpose": "court request no. 2-117 about inheritance"}
    ).content.decode()
    assert "Zhaksylykova" in opened
    assert "Zhaksylykova" not in client.get("/children/").content.decode()
