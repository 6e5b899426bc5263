"""Hardening: deploy checks, security headers and CSP, rate limits, the audit log for the auditor."""

import re
import subprocess
import sys
from urllib.parse import urlencode

import pytest

from core.models import AuditEvent
from tests.adoption.conftest import foreign_case  # noqa: F401  (fixture)
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


def test_a_nul_character_in_a_form_put_or_patch_is_a_400_naming_the_field(api, users, district):
    """Found by the fuzzer: the middleware sees only a POST's form; a PUT of a multipart form
    (a family's wishes) reached a query with a NUL in a region code and answered 500."""
    from core.models import Agency
    from tests.adoption.conftest import make_applicant

    applicant = make_applicant(district, citizenship="KZ", residence="KZ")
    agency = Agency.objects.create(
        name="Open Arms",
        country="US",
        accreditation_number="A-1",
        accredited_from="2020-01-01",
        accredited_until="2030-12-31",
    )
    writes = AuditEvent.objects.exclude(action=AuditEvent.Action.READ).count()
    for client, method, url, field in (
        (api(users["guardianship"]), "put", f"/api/v1/applicants/{applicant.pk}/wishes/", "regions"),
        (api(users["ministry"]), "patch", f"/api/v1/agencies/{agency.pk}/", "name"),
    ):
        send = getattr(client, method)
        for response in (
            send(url, {field: "KZ-71\x00"}, format="multipart"),
            send(url, urlencode({field: "KZ-71\x00"}), content_type="application/x-www-form-urlencoded"),
        ):
            assert response.status_code == 400, (url, response.status_code)
            assert response.json()["errors"] == [
                {"field": field, "code": "null_character", "message": "A NUL character is not allowed."}
            ]
    assert AuditEvent.objects.exclude(action=AuditEvent.Action.READ).count() == writes


def test_a_forged_cursor_is_a_400_naming_it_and_a_written_one_pages_on(api, users, make_child):
    """Found by probing the lists: DRF checks a cursor's offset but not its position, and a
    position that is no id (`p=x`) or beyond a bigint reached the query: a 500."""
    from base64 import b64encode

    for n in range(3):
        make_child(last_name=f"Page{n}")
    client = api(users["ministry"])
    first = client.get("/api/v1/children/", {"page_size": 2}).json()
    second = client.get(first["next"])
    assert second.status_code == 200 and len(second.json()["results"]) == 1
    for query in ("p=x", "p=99999999999999999999", "r=1&p=-1", "o=x", "p=1&r=x"):
        forged = client.get("/api/v1/children/", {"cursor": b64encode(query.encode()).decode()})
        assert forged.status_code == 400, (query, forged.status_code)
        assert [(e["field"], e["code"]) for e in forged.json()["errors"]] == [("cursor", "invalid_cursor")]
    assert client.get("/api/v1/children/", {"cursor": "not base64!"}).status_code == 400


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
        "intercountry report's year": ministry.get("/api/v1/reports/intercountry/?year=%C2%B2").status_code,
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
    assert answers["consent form"] == answers["intercountry report's year"] == 400


def client_as(client, user):
    client.force_login(user)
    return client


# Found by the random fuzzer: ?from=0001-03-01 reached the safeguards' 12-month window, which
# reached back to year 0 (a 500); "as of" 0001-01-01 did the same on the dashboard and a case page.
OUTSIDE = {"1899-12-31": 400, "1900-01-01": 200, "2199-12-31": 200, "2200-01-01": 400}


@pytest.mark.parametrize("day,status", OUTSIDE.items())
def test_a_date_outside_the_service_calendar_is_a_400_naming_the_field(api, client, users, day, status):
    ministry = api(users["ministry"])
    flagged = ministry.get("/api/v1/reports/safeguards/cases/", {"flag": "RUSHED_CASE", "from": day, "to": day})
    assert flagged.status_code == status
    if status == 400:
        assert sorted(flagged.json()["errors"], key=lambda e: e["field"]) == [
            {"field": "from", "code": "date_out_of_range", "message": "A date from 1900-01-01 to 2199-12-31."},
            {"field": "to", "code": "date_out_of_range", "message": "A date from 1900-01-01 to 2199-12-31."},
        ]
    client.force_login(users["ministry"])
    page = client.get("/dashboard/", {"as_of": day})
    assert page.status_code == status
    if status == 400:
        assert "A date from 1900-01-01 to 2199-12-31." in page.content.decode()


@pytest.mark.parametrize("day,judged", [("0001-01-01", None), ("1900-01-01", "1900-01-01"), ("9999-12-31", None)])
def test_a_case_page_judges_a_date_outside_the_calendar_as_today_and_shows_it(client, users, foreign_case, day, judged):  # noqa: F811
    from core.dates import today

    client.force_login(users["guardianship"])
    page = client.get(f"/cases/{foreign_case.pk}/", {"as_of": day})
    assert page.status_code == 200
    found = re.search(r'<input[^>]*name="as_of"[^>]*>', page.content.decode())
    assert found
    as_of = found.group(0)
    assert f'value="{judged or today().isoformat()}"' in as_of
    assert 'min="1900-01-01"' in as_of and 'max="2199-12-31"' in as_of  # the picker offers what is accepted


def test_every_date_a_form_or_a_serializer_takes_is_checked_against_the_calendar():
    """Generated: each form and serializer of the project, declared fields and those made from a
    model alike (ruff bans the library's DateField; this catches a field made another way)."""
    from django import forms
    from django.urls import get_resolver
    from rest_framework import serializers

    from core.api.fields import DateField as ApiDate
    from core.forms import DateField as WebDate

    get_resolver().url_patterns  # noqa: B018  (imports every view, and so every form and serializer)

    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}  # a new app is walked too

    def ours(cls):
        return cls.__module__.split(".")[0] in apps

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    unchecked, seen = [], 0
    for cls in filter(ours, subclasses(serializers.Serializer)):
        if issubclass(cls, serializers.ModelSerializer) and not hasattr(cls, "Meta"):
            continue  # core.api.fields.ModelSerializer itself: a base, of no model
        for name, field in cls().get_fields().items():
            if isinstance(field, serializers.DateField) and not field.read_only:
                seen += 1
                if not isinstance(field, ApiDate):
                    unchecked.append(f"{cls.__module__}.{cls.__name__}.{name}")
    for cls in filter(ours, subclasses(forms.BaseForm)):
        for name, field in getattr(cls, "base_fields", {}).items():
            if isinstance(field, forms.DateField):
                seen += 1
                if not isinstance(field, WebDate):
                    unchecked.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert seen > 80, seen  # the walk reached the forms and serializers
    assert not unchecked, unchecked
