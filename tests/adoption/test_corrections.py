"""Corrections (issue 20): a document, a contact or a hearing entered by mistake is withdrawn with
its reason, within the state machine, audited; it stays in the file, marked, and no check or
queue reads it any more. The pages offer it only to the role and in the statuses that may."""

from __future__ import annotations

import pytest

from adoption import services
from adoption.facts import eligibility
from adoption.models import CaseStatus, Participant
from core.dates import today
from core.errors import ConflictError, Forbidden, RuleError
from core.models import AuditEvent

pytestmark = pytest.mark.django_db
ALL_PRESENT = [Participant.APPLICANTS, Participant.GUARDIANSHIP, Participant.PROCURATOR]


def check(case, code):
    return next(c for c in eligibility(case, today()).checks if c.code == code).status


def test_a_withdrawn_certificate_no_longer_counts_and_stays_in_the_file(users, foreign_case):
    certificate = foreign_case.documents.filter(kind="medical_certificate").first()
    assert check(foreign_case, "ADOPTER_HEALTH") == "pass"
    with pytest.raises(RuleError) as refused:  # a withdrawal says why
        services.withdraw_document(actor=users["guardianship"], case=foreign_case, document=certificate, reason=" ")
    assert refused.value.errors[0].field == "reason" and refused.value.errors[0].code == "reason_required"
    certificate.refresh_from_db()
    assert certificate.withdrawn_at is None
    services.withdraw_document(
        actor=users["guardianship"], case=foreign_case, document=certificate, reason="another applicant's certificate"
    )
    certificate.refresh_from_db()
    assert certificate.withdrawn_at is not None and certificate.withdrawn_reason == "another applicant's certificate"
    assert check(foreign_case, "ADOPTER_HEALTH") == "fail"
    event = AuditEvent.objects.get(verb="withdraw_document")
    assert event.actor == users["guardianship"] and event.subject_id == str(foreign_case.pk)
    assert event.before["withdrawn_at"] is None and event.after["withdrawn_reason"] == "another applicant's certificate"
    with pytest.raises(ConflictError) as twice:
        services.withdraw_document(actor=users["guardianship"], case=foreign_case, document=certificate, reason="again")
    assert twice.value.errors[0].code == "already_withdrawn"


def test_withdrawn_contacts_no_longer_make_the_two_weeks(users, foreign_case):
    assert check(foreign_case, "PERSONAL_CONTACT") == "pass"
    applicant = foreign_case.applicants.first()
    for contact in foreign_case.contacts.filter(applicant=applicant):
        services.withdraw_contact(actor=users["guardianship"], case=foreign_case, contact=contact, reason="typed twice")
    assert check(foreign_case, "PERSONAL_CONTACT") != "pass"
    assert foreign_case.contacts.count() == 4  # nothing is deleted


def test_a_document_of_another_case_is_refused(users, foreign_case, district):
    from tests.adoption.conftest import make_applicant, make_child

    other = services.open_case(
        actor=None, children=[make_child(district)], applicants=[make_applicant(district)], opened_on=today()
    )
    document = foreign_case.documents.first()
    with pytest.raises(RuleError) as refused:
        services.withdraw_document(actor=users["guardianship"], case=other, document=document, reason="wrong case")
    assert refused.value.errors[0].code == "not_in_case"
    document.refresh_from_db()
    assert document.withdrawn_at is None


def test_a_duplicate_hearing_is_withdrawn_and_the_last_one_sends_the_case_back_to_referred(users, court, foreign_case):
    services.refer_to_court(actor=None, case=foreign_case, court=court, on=today())
    first = services.record_hearing(actor=None, case=foreign_case, on=today(), participants=ALL_PRESENT, in_camera=True)
    twice = services.record_hearing(actor=None, case=foreign_case, on=today(), participants=ALL_PRESENT, in_camera=True)
    with pytest.raises(Forbidden):  # the court's record: not the agency's to correct
        services.withdraw_hearing(actor=users["guardianship"], case=foreign_case, hearing=twice, reason="duplicate")
    services.withdraw_hearing(actor=users["court"], case=foreign_case, hearing=twice, reason="entered twice")
    foreign_case.refresh_from_db()
    assert foreign_case.status == CaseStatus.HEARD
    services.withdraw_hearing(actor=users["court"], case=foreign_case, hearing=first, reason="held on another day")
    foreign_case.refresh_from_db()
    assert foreign_case.status == CaseStatus.REFERRED  # a decision needs a hearing: none is left
    with pytest.raises(ConflictError):
        services.record_decision(actor=users["court"], case=foreign_case, outcome="granted", decided_on=today())


def test_nothing_is_withdrawn_once_the_decision_is_taken(users, court, foreign_case):
    services.refer_to_court(actor=None, case=foreign_case, court=court, on=today())
    hearing = services.record_hearing(
        actor=None, case=foreign_case, on=today(), participants=ALL_PRESENT, in_camera=True
    )
    services.record_decision(actor=users["court"], case=foreign_case, outcome="granted", decided_on=today())
    document = foreign_case.documents.first()
    with pytest.raises(ConflictError) as refused:
        services.withdraw_document(actor=users["guardianship"], case=foreign_case, document=document, reason="late")
    assert refused.value.errors[0].code == "illegal_transition"
    with pytest.raises(ConflictError):
        services.withdraw_hearing(actor=users["court"], case=foreign_case, hearing=hearing, reason="too late")
    assert not AuditEvent.objects.filter(verb__startswith="withdraw_").exists()


def test_the_case_page_offers_the_withdrawal_by_name_and_asks_to_confirm(client, users, foreign_case):
    client.force_login(users["guardianship"])
    page = client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert "Withdraw a document entered by mistake" in page and "Withdraw a contact entered by mistake" in page
    applicant = foreign_case.applicants.order_by("id").first()
    certificate = foreign_case.documents.get(kind="medical_certificate", applicant=applicant)
    assert f"medical certificate · {applicant.name} · " in page  # two certificates, each with its owner
    url = f"/cases/{foreign_case.pk}/withdraw-document/"
    unconfirmed = client.post(url, {"document": certificate.pk, "reason": "another applicant's"})
    assert unconfirmed.status_code == 400 and "Tick to confirm" in unconfirmed.content.decode()
    certificate.refresh_from_db()
    assert certificate.withdrawn_at is None
    done = client.post(url, {"document": certificate.pk, "reason": "another applicant's", "confirm": "on"})
    assert done.status_code == 302
    page = client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert "withdrawn: another applicant&#x27;s" in page and "<del>" in page
    client.force_login(users["court"])  # the court reads the case and is offered no withdrawal of documents
    assert "Withdraw a document" not in client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert client.post(url, {"document": certificate.pk, "reason": "x" * 10, "confirm": "on"}).status_code == 403
