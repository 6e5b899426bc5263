"""Documents to print (issue 20): each kind opened as a real PDF (pypdf) to find the case number,
the checks and the verification code; each issue recorded and audited; `/verify/<code>/` says
what was issued without naming anyone; a role or a case the law does not allow prints nothing."""

from __future__ import annotations

import datetime
import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from adoption import services as adoption_services
from consular import services as consular_services
from core.dates import today
from core.models import AuditEvent
from printing.documents import KINDS
from printing.models import IssuedDocument
from printing.services import normalised_code
from tests.adoption.conftest import adopt_abroad, make_applicant, make_child

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b")


def pdf_text(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def printed_code(text: str) -> str:
    found = CODE.search(text)
    assert found, text[:400]
    return found.group(1)


def test_the_eligibility_certificate_states_each_check_and_its_code_verifies(client, users, foreign_case):
    client.force_login(users["court"])
    adoption_services.refer_to_court(actor=None, case=foreign_case, court=users["court"].court, on=today())
    response = client.post(f"/cases/{foreign_case.pk}/print/eligibility/", {"as_of": today().isoformat()})
    text = pdf_text(response)
    assert f"#{foreign_case.pk}" in text
    for code in ("CHILD_MINOR", "CENTRAL_REGISTER_WAIT", "PERSONAL_CONTACT", "DOMESTIC_PREFERENCE"):
        assert code in text
    assert "every requirement of the law for this adoption is met" in text
    code = printed_code(text)
    issued = IssuedDocument.objects.get()
    assert issued.code == normalised_code(code) and issued.case == foreign_case and issued.kind == "eligibility"
    assert issued.sha256 == hashlib.sha256(response.content).hexdigest()
    event = AuditEvent.objects.get(verb="issue_document")
    assert event.actor == users["court"] and event.subject_type == "adoption.case"
    assert event.subject_id == str(foreign_case.pk)
    # anyone holding the paper can check it, typed in any case, with or without dashes
    client.logout()
    page = client.get(f"/verify/{code.lower().replace('-', '')}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Issued by this service" in body and issued.sha256 in body and code in body
    assert "Kim" not in body and f"#{foreign_case.pk}" not in body  # what was issued, never whose
    assert client.get("/verify/", {"code": "0000-0000-0000"}).status_code == 404


def test_a_case_not_eligible_gets_a_certificate_that_says_so_and_no_conclusion(client, users, district):
    child = make_child(district, central_days_ago=20)  # three months on the central register not yet over
    applicant = make_applicant(district)
    case = adoption_services.open_case(actor=None, children=[child], applicants=[applicant], opened_on=today())
    client.force_login(users["guardianship"])
    text = pdf_text(client.post(f"/cases/{case.pk}/print/eligibility/", {}))
    assert "the case is not eligible" in text and "CENTRAL_REGISTER_WAIT" in text
    page = client.get(f"/cases/{case.pk}/").content.decode()  # offered disabled, with the reason
    assert re.search(r'formaction="/cases/\d+/print/conclusion/" disabled', page) and 'id="print-why-' in page
    refused = client.post(f"/cases/{case.pk}/print/conclusion/", {})
    assert refused.status_code == 400
    assert "printed only for an eligible case" in refused.content.decode()
    assert IssuedDocument.objects.filter(kind="conclusion").count() == 0
    assert not AuditEvent.objects.filter(verb="issue_document", object_id__in=["conclusion"]).exists()


def test_the_conclusion_for_the_court_is_the_guardianship_agencys_alone(client, users, foreign_case):
    client.force_login(users["guardianship"])
    text = pdf_text(client.post(f"/cases/{foreign_case.pk}/print/conclusion/", {}))
    assert f"#{foreign_case.pk}" in text and "in the interests of the child" in text and "ADOPTER_HEALTH" in text
    printed_code(text)
    for role in ("regional", "ministry", "court", "auditor", "consular"):
        client.force_login(users[role])
        assert client.post(f"/cases/{foreign_case.pk}/print/conclusion/", {}).status_code == 403, role
    client.force_login(users["other_guardianship"])  # another district's agency: not its case
    assert client.post(f"/cases/{foreign_case.pk}/print/conclusion/", {}).status_code == 404
    assert IssuedDocument.objects.count() == 1


@pytest.mark.parametrize(
    "as_of, status",
    [(today() - datetime.timedelta(days=1), 200), (today(), 200), (today() + datetime.timedelta(days=1), 400)],
)
def test_a_certificate_speaks_of_a_day_that_has_come(client, users, foreign_case, as_of, status):
    client.force_login(users["guardianship"])
    response = client.post(f"/cases/{foreign_case.pk}/print/eligibility/", {"as_of": as_of.isoformat()})
    assert response.status_code == status
    assert IssuedDocument.objects.count() == (1 if status == 200 else 0)
    if status == 400:
        assert "cannot be in the future" in response.content.decode()


def test_a_printing_is_only_a_post(client, users, foreign_case):
    client.force_login(users["guardianship"])
    assert client.get(f"/cases/{foreign_case.pk}/print/eligibility/").status_code == 405
    assert IssuedDocument.objects.count() == 0


def test_the_consular_registration_certificate_and_the_schedule_in_english_and_russian(
    client, users, district, court, us_post
):
    case, child = adopt_abroad(district, court, country="US", in_force_ago=400)
    client.force_login(users["consular"])
    refused = client.post(f"/adopted/{child.pk}/print/registration/", {})
    assert refused.status_code == 400 and "not on a consular register" in refused.content.decode()
    page = client.get(f"/adopted/{child.pk}/").content.decode()  # offered, but not to be pressed yet
    assert re.search(r'formaction="/adopted/\d+/print/registration/" disabled', page)
    assert "The certificate is printed once the child is on a consular register." in page
    assert not re.search(r'formaction="/adopted/\d+/print/schedule/" disabled', page)
    consular_services.register_child(
        actor=None, child=child, post=us_post, number="US-REG-77", registered_on=today() - datetime.timedelta(days=3)
    )
    page = client.get(f"/adopted/{child.pk}/").content.decode()
    assert re.search(r'formaction="/adopted/\d+/print/registration/">', page) and "printed once the child" not in page
    text = pdf_text(client.post(f"/adopted/{child.pk}/print/registration/", {}))
    assert "US-REG-77" in text and "Adopted child" in text  # the sealed identity is never printed
    assert "Kim" not in text
    printed_code(text)
    schedule = client.post(f"/adopted/{child.pk}/print/schedule/", {})
    text = pdf_text(schedule)
    reader = PdfReader(io.BytesIO(schedule.content))
    assert len(reader.pages) >= 2
    assert "Monitoring schedule for the adoptive parents" in text
    assert "График мониторинга" in text  # the same schedule in Russian, after the English
    due = consular_services.schedule_for(child, child.adoption)[0]["due_on"]
    assert due.strftime("%d.%m.%Y") in text  # the Russian pages write dates day first
    assert IssuedDocument.objects.filter(child=child).count() == 2
    assert AuditEvent.objects.filter(verb="issue_document", subject_id=str(child.pk)).count() == 2
    client.force_login(users["guardianship"])  # sees the adopted child, prints nothing of the consulate's
    assert client.post(f"/adopted/{child.pk}/print/schedule/", {}).status_code == 403


def test_the_schedule_is_printed_while_the_follow_up_goes_on_not_after_the_childs_death(
    client, users, district, court, us_post
):
    """A child's death ends its follow-up abroad (no report is asked any more): the schedule for its
    adoptive parents is offered disabled, saying why, and refused on a day from the death on."""
    _case, child = adopt_abroad(district, court, country="US", in_force_ago=400)
    client.force_login(users["consular"])
    died_on = today() - datetime.timedelta(days=5)
    consular_services.record_death(actor=None, child=child, died_on=died_on)
    page = client.get(f"/adopted/{child.pk}/").content.decode()
    assert re.search(r'formaction="/adopted/\d+/print/schedule/" disabled', page)
    assert "The child's follow-up abroad has ended" in page
    for days_before, status in ((1, 200), (0, 400)):  # the day before the death, its day
        on = died_on - datetime.timedelta(days=days_before)
        printed = client.post(f"/adopted/{child.pk}/print/schedule/", {"as_of": on.isoformat()})
        assert printed.status_code == status, (on, printed.content[:300])
    assert "follow-up abroad has ended" in printed.content.decode()
    assert IssuedDocument.objects.filter(child=child).count() == 1


def test_a_post_prints_the_certificate_of_its_own_registration_never_another_posts(
    client, users, district, court, us_post
):
    """A consulate in the country of the child's adoption sees the child but not the embassy's
    registration: it may not print it (its number and dates are the embassy's), until the
    registration is transferred to it."""
    from core.models import ConsularPost, Role
    from tests.factories import ConsularPostFactory, UserFactory

    consulate = ConsularPostFactory.create(country="US", city="New York", kind=ConsularPost.Kind.CONSULATE)
    _case, child = adopt_abroad(district, court, country="US")
    embassy = consular_services.register_child(
        actor=None, child=child, post=us_post, number="W-55", registered_on=today() - datetime.timedelta(days=9)
    )
    client.force_login(UserFactory.create(role=Role.CONSULAR, consular_post=consulate))
    refused = client.post(f"/adopted/{child.pk}/print/registration/", {})
    assert refused.status_code == 400 and "W-55" not in refused.content.decode()
    assert IssuedDocument.objects.count() == 0
    consular_services.transfer_registration(
        actor=None, registration=embassy, post=consulate, number="NY-55", registered_on=today()
    )
    text = pdf_text(client.post(f"/adopted/{child.pk}/print/registration/", {}))
    assert "NY-55" in text and "W-55" not in text


def test_who_may_print_what_for_every_kind_role_and_territory(client, users, district, court, us_post, foreign_case):
    """Generated from printing.documents.KINDS: a role the kind is not for gets 403, a role it is
    for gets the PDF on a record in its scope and 404 on one outside it; nothing else is issued."""
    adoption_services.refer_to_court(actor=None, case=foreign_case, court=court, on=today())
    _, child = adopt_abroad(district, court, country="US", last_name="Printova")
    consular_services.register_child(
        actor=None, child=child, post=us_post, number="US-9", registered_on=today() - datetime.timedelta(days=1)
    )
    records = {"case": f"/cases/{foreign_case.pk}/print/", "child": f"/adopted/{child.pk}/print/"}
    wrong, printed = [], 0
    for name, user in users.items():
        client.force_login(user)
        for code, kind in KINDS.items():
            status = client.post(f"{records[kind.of]}{code}/", {}).status_code
            expected = 403 if user.role not in kind.roles else 404 if name.startswith("other_") else 200
            printed += status == 200
            if status != expected:
                wrong.append(f"{name} {code}: {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)
    assert IssuedDocument.objects.count() == printed >= len(KINDS)
