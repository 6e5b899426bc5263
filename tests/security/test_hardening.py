"""Hardening: deploy checks, security headers and CSP, rate limits, the audit log for the auditor."""

import subprocess
import sys

import pytest

from core.models import AuditEvent
from tests.conftest import ROOT, service_env
from tests.core.test_settings import GOOD

pytestmark = pytest.mark.django_db


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = service_env(**{**GOOD, "VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_carry_security_headers_and_a_strict_content_security_policy(client, users):
    client.force_login(users["guardianship"])
    response = client.get("/children/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    page = response.content.decode()
    assert (
        "onchange=" not in page and "<script>" not in page and "style=" not in page
    )  # nothing inline for CSP to block


def test_the_api_is_rate_limited(api, users, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})

    cache.clear()
    client = api(users["court"])
    codes = [client.get("/api/v1/regions/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()


def test_the_auditor_lists_who_read_which_file_and_why(api, users, make_child_any):
    child = make_child_any()
    api(users["regional"]).get(f"/api/v1/children/{child.pk}/")
    events = (
        api(users["auditor"]).get("/api/v1/audit-events/", {"action": "read", "object_id": child.pk}).json()["results"]
    )
    assert [(e["actor"], e["object_type"]) for e in events] == [(users["regional"].username, "registry.child")]
    assert api(users["ministry"]).get("/api/v1/audit-events/").status_code == 403
    assert api(users["guardianship"]).get("/api/v1/audit-events/").status_code == 403
    assert (
        AuditEvent.objects.filter(action="read").count() == 1
    )  # a log of reads shows no part of the file: not itself a read


@pytest.mark.parametrize("path", ["/api/v1/reminders/null,null/done/", "/api/v1/duplicates/abc/different/"])
def test_a_malformed_id_is_a_404_not_a_500(api, users, path):
    """Found by the fuzzer: Django's get_object_or_404 raised ValueError on a non-numeric id."""
    assert api(users["guardianship"]).post(path).status_code == 404


def test_an_unknown_region_is_a_400_and_control_characters_never_break_an_export(api, users):
    """Found by the fuzzer: a control character in ?region= reached the XLSX writer."""
    response = api(users["ministry"]).get("/api/v1/reports/registers/", {"region": "q\x07", "format": "xlsx"})
    assert response.status_code == 400
    from reports.renderers import XLSXRenderer

    assert (
        XLSXRenderer().render({"errors": [{"field": "region", "code": "x", "message": "bad \x07 value"}]})[:2] == b"PK"
    )


def test_a_nul_character_anywhere_is_a_400_naming_the_field(api, users):
    """Found by the fuzzer in CI: a NUL in a slug field reached PostgreSQL, which refuses NUL in text."""
    client = api(users["guardianship"])
    body = client.post(
        "/api/v1/children/",
        {
            "last_name": "A",
            "first_name": "B",
            "sex": "F",
            "birth_date": "2020-01-01",
            "district": "KZ-71\x00",
            "identified_on": "2021-01-01",
        },
        format="json",
    )
    assert body.status_code == 400 and body.json()["errors"][0]["field"] == "district"
    query = client.get("/api/v1/children/", {"district": "a\x00b"})
    assert query.status_code == 400 and query.json()["errors"][0] == {
        "field": "district",
        "code": "null_character",
        "message": "A NUL character is not allowed.",
    }


@pytest.mark.usefixtures("no_throttle")
def test_a_digit_that_is_not_a_decimal_one_is_no_number_and_no_error(client, api, users, district):
    """ "²".isdigit() is true and int("²") fails: every number read from a request is checked
    with isdecimal (the search box answered 500 to "²")."""
    from tests.adoption.conftest import make_child

    child = make_child(district)
    ministry, agency = api(users["ministry"]), api(users["guardianship"])
    answers = {
        "search box": client_as(client, users["ministry"]).get("/search/?q=%C2%B2").status_code,
        "cases of a child": ministry.get("/api/v1/cases/?child=%C2%B2").status_code,
        "registrations of a post": ministry.get("/api/v1/consular-registrations/?post=%C2%B2").status_code,
        "child's version": agency.patch(
            f"/api/v1/children/{child.pk}/", {"first_name": "Aru"}, format="json", HTTP_IF_MATCH='"²"'
        ).status_code,
    }
    answers["cases list, 5,000 digits"] = ministry.get("/api/v1/cases/", {"q": "9" * 5000}).status_code
    answers["cases page, 5,000 digits"] = client.get("/cases/", {"q": "9" * 5000}).status_code
    client_as(client, users["guardianship"])
    answers["new case page"] = client.get("/cases/new/?children=%C2%B2&find=%C2%B2").status_code
    consent = {"parent": "mother", "given_on": "2026-01-05", "form": "notarised", "names_applicants": "²"}
    consent |= {"number": "N-1", "date": "2026-01-05", "issued_by": "Notary"}
    answers["consent form"] = client.post(f"/children/{child.pk}/consents/", consent).status_code
    assert all(status < 500 for status in answers.values()), answers
    assert answers["search box"] == answers["cases of a child"] == answers["registrations of a post"] == 200
    assert answers["consent form"] == 400


def client_as(client, user):
    client.force_login(user)
    return client
