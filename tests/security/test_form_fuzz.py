"""Bad input on the pages, as test_fuzz.py does for the API: every form each role reaches from
its home page is submitted as the page offers it and filled in (`crawl.Form.filled`: offered
blank, a form is refused before its service runs), each with one field at a time given what a
user should never type (nothing, a long text, a NUL, a negative or huge number, a date that does
not exist or is in year 1 or 9999, a digit of another script) and each file field a file that is
no import. No answer is a 5xx, and a refused submission (4xx) records no write."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adoption import services as adoption_services
from core.dates import today
from core.models import AuditEvent
from tests.adoption.conftest import adopt_abroad, foreign_case  # noqa: F401  (fixture)
from tests.web import crawl

pytestmark = pytest.mark.django_db

# what no user should type, by the kind of field; each field is also sent empty
NUMBER = ["-1", "99999999999999999999", "٣", "1.5"]
BAD = {
    "date": ["2026-02-30", "99999-01-01", "1.2.3", "0001-01-01", "9999-12-31"],
    "number": NUMBER,
    "select": ["999999999", "x", *NUMBER[:2]],
    "select-multiple": ["999999999", "x"],
    "text": ["x" * 3000, "a\x00b", *NUMBER[:2]],
}
NOT_SUBMITTED = ("/accounts/logout/", "/i18n/")  # leaving the pages, or only a language cookie


def _garbage(name="garbage.csv"):
    return SimpleUploadedFile(name, b"\x00\xff\xfe not a register \r\n;;;\n")


def _variants(form):
    """The form as offered and filled in (each required field left empty given a plausible value:
    offered blank, a form is refused before its service runs), then each of those with each field
    spoiled in each way, for each of its buttons."""
    offered = form.data()
    bases = {"as offered": offered}
    if (filled := form.filled(today())) != offered:
        bases["filled in"] = filled
    files = [name for name, kind, _ in form.fields if kind == "file"]
    for button in form.buttons or [None]:
        for label, base in bases.items():
            sent = dict(base, **({button[0]: button[1]} if button else {}))
            yield label, {**sent, **{name: _garbage() for name in files}}
            for name, kind, _ in form.fields:
                if name == "csrfmiddlewaretoken":
                    continue
                for value in ["", *BAD.get(kind, BAD["text"])] if kind != "file" else [""]:
                    spoiled = {**sent, **{other: _garbage() for other in files if other != name}, name: value}
                    yield f"{label}: {name}={value[:20]!r}", spoiled


def _writes():
    return AuditEvent.objects.exclude(action=AuditEvent.Action.READ).count()


@pytest.mark.parametrize("role", ["guardianship", "regional", "ministry", "court", "consular", "auditor"])
def test_no_input_on_any_page_makes_it_fail(client, users, district, court, foreign_case, role):  # noqa: F811
    adopt_abroad(district, court)  # a child adopted into the US, on its post's register
    adopt_abroad(district, court, referred_only=True, last_name="Lee")  # a case before the court
    adopt_abroad(district, court, in_force=False, last_name="Park")  # decided: its entry into force, an appeal
    appealed, _ = adopt_abroad(district, court, in_force=False, last_name="Choi", applicant_name="Brown")
    adoption_services.record_appeal(actor=None, case=appealed, filed_on=appealed.decision.decided_on)  # pending
    client.force_login(users[role])
    client.raise_request_exception = False
    forms: dict[tuple, crawl.Form] = {}
    failed, wrote, tried = [], [], 0
    for url, response in crawl.pages(client):
        if response.status_code == 200 and "text/html" in response["Content-Type"]:
            for form in crawl.forms_of(url, response.content.decode()):
                shape = re.sub(r"\d+", "N", form.action.split("?")[0])  # /cases/N/contacts/: once for every case
                key = (shape, tuple(sorted(n for n, _, _ in form.fields)), tuple(form.buttons))
                if not form.action.startswith(NOT_SUBMITTED):
                    forms.setdefault(key, form)
    for form in forms.values():
        for what, data in _variants(form):
            writes = _writes()
            response = client.post(form.action, data) if form.method == "post" else client.get(form.action, data)
            tried += 1
            if response.status_code >= 500:
                failed.append(f"{form.action} {what}: {response.status_code}")
            elif response.status_code >= 400 and _writes() != writes:
                wrote.append(f"{form.action} {what}: {response.status_code} and a write")
    assert forms and tried > len(forms), (len(forms), tried)
    assert not failed, "\n".join(failed)
    assert not wrote, "\n".join(wrote)
