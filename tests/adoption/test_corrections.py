"""Corrections (issue 20): a document, a contact or a hearing entered by mistake is withdrawn with
its reason, within the state machine, audited; it stays in the file, marked, and no check or
queue reads it any more. The pages offer it only to the role and in the statuses that may."""

from __future__ import annotations

import re

import pytest

from adoption import services
from adoption.facts import eligibility
from adoption.models import CaseStatus, Decision, Participant
from adoption.rules import right_arises
from core.dates import today
from core.errors import ConflictError, Forbidden, RuleError
from core.models import AuditEvent
from tests.adoption.conftest import ago

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


def _decided(users, court, case, *, heard_days_ago=2, decided_days_ago=2):
    services.refer_to_court(actor=None, case=case, court=court, on=ago(heard_days_ago))
    services.record_hearing(actor=None, case=case, on=ago(heard_days_ago), participants=ALL_PRESENT, in_camera=True)
    return services.record_decision(
        actor=users["court"], case=case, outcome="granted", decided_on=ago(decided_days_ago)
    )


def test_a_decisions_final_form_date_is_corrected_before_it_enters_into_force(users, court, foreign_case):
    decision = _decided(users, court, foreign_case)
    assert services.expected_in_force_on(decision) == right_arises(ago(2), 1)
    with pytest.raises(RuleError) as refused:  # a correction says why
        services.correct_decision(
            actor=users["court"], case=foreign_case, decided_on=ago(2), final_form_on=ago(1), reason=" "
        )
    assert refused.value.errors[0].field == "reason" and refused.value.errors[0].code == "reason_required"
    services.correct_decision(
        actor=users["court"], case=foreign_case, decided_on=ago(2), final_form_on=ago(1), reason="typed the wrong day"
    )
    decision.refresh_from_db()
    assert decision.final_form_on == ago(1) and decision.decided_on == ago(2)
    assert services.expected_in_force_on(decision) == right_arises(ago(1), 1)  # the appeal term runs from it
    event = AuditEvent.objects.get(verb="correct_decision")
    assert event.purpose == "typed the wrong day" and event.subject_id == str(foreign_case.pk)
    assert event.before and event.after
    assert event.before["final_form_on"] == ago(2).isoformat() and event.after["final_form_on"] == ago(1).isoformat()


@pytest.mark.parametrize(
    "decided, final_form, field, code",
    [
        (-1, None, "decided_on", "future_date"),  # tomorrow
        (3, None, "decided_on", "before_hearing"),  # the day before the hearing
        (2, 3, "final_form_on", "before_decision"),  # the final form the day before the decision
    ],
)
def test_a_corrected_date_keeps_the_decisions_rules(users, court, foreign_case, decided, final_form, field, code):
    decision = _decided(users, court, foreign_case)
    with pytest.raises(RuleError) as refused:
        services.correct_decision(
            actor=users["court"],
            case=foreign_case,
            decided_on=ago(decided),
            final_form_on=None if final_form is None else ago(final_form),
            reason="wrong dates",
        )
    assert (refused.value.errors[0].field, refused.value.errors[0].code) == (field, code)
    decision.refresh_from_db()
    assert (decision.decided_on, decision.final_form_on) == (ago(2), ago(2))
    assert not AuditEvent.objects.filter(verb="correct_decision").exists()


def test_the_day_of_the_hearing_is_a_valid_decision_date(users, court, foreign_case):
    _decided(users, court, foreign_case, heard_days_ago=3, decided_days_ago=1)
    decision = services.correct_decision(
        actor=users["court"], case=foreign_case, decided_on=ago(3), reason="decided at the hearing"
    )
    assert (decision.decided_on, decision.final_form_on) == (ago(3), ago(3))


def test_a_decision_in_force_or_another_role_is_not_corrected(users, court, foreign_case):
    decision = _decided(users, court, foreign_case)
    with pytest.raises(Forbidden):  # the court's record
        services.correct_decision(actor=users["guardianship"], case=foreign_case, decided_on=ago(1), reason="mine")
    # upheld on appeal: in force on the appeal's date
    services.record_appeal(
        actor=users["court"], case=foreign_case, filed_on=ago(1), decided_on=today(), outcome="upheld"
    )
    foreign_case.refresh_from_db()
    assert foreign_case.status == CaseStatus.IN_FORCE
    with pytest.raises(ConflictError) as refused:
        services.correct_decision(actor=users["court"], case=foreign_case, decided_on=ago(1), reason="too late")
    assert refused.value.errors[0].code == "illegal_transition"
    decision.refresh_from_db()
    assert decision.decided_on == ago(2)


def test_the_case_page_offers_the_court_the_correction_with_the_dates_as_recorded(client, users, court, foreign_case):
    _decided(users, court, foreign_case)
    client.force_login(users["court"])
    page = client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert "Correct the decision&#x27;s dates (not yet in force)" in page
    found = re.search(r'<input[^>]*id="correct-decision-final_form_on"[^>]*>', page)
    assert found
    shown = found.group(0)
    assert f'value="{ago(2).isoformat()}"' in shown  # as recorded: the clerk changes what was wrong
    url = f"/cases/{foreign_case.pk}/correct-decision/"
    done = client.post(
        url,
        {
            "decided_on": ago(2).isoformat(),
            "final_form_on": ago(1).isoformat(),
            "reason": "typed the day of the decision",
        },
    )
    assert done.status_code == 302
    assert Decision.objects.get(case=foreign_case).final_form_on == ago(1)
    client.force_login(users["guardianship"])
    assert "Correct the decision" not in client.get(f"/cases/{foreign_case.pk}/").content.decode()
    assert client.post(url, {"decided_on": ago(2).isoformat(), "reason": "x" * 10}).status_code == 403


def test_a_fact_that_bars_an_applicant_arising_during_the_case_is_recorded_and_fails_it(
    api, users, foreign_case, other_district, django_capture_on_commit_callbacks
):
    """CMF art. 91: a parent deprived of parental rights may not adopt. An applicant's record was
    written once, at creation: a barring fact learnt during the case (or a name typed wrong) could
    be recorded nowhere, and the case went to court as if nothing barred them."""
    from adoption import outlook
    from adoption.models import Applicant, Case, Outlook

    wife = foreign_case.applicants.order_by("id").first()
    url = f"/api/v1/applicants/{wife.pk}/"
    assert check(foreign_case, "ADOPTER_NOT_BARRED") == "pass"
    events = AuditEvent.objects.filter(verb="update_applicant").count()
    for role, status in (("ministry", 403), ("court", 403), ("other_guardianship", 404)):
        refused = api(users[role]).patch(url, {"barring_facts": ["parental_rights_deprived_or_limited"]}, format="json")
        assert refused.status_code == status, role
    for bad, field in (
        ({"barring_facts": ["convicted"]}, "barring_facts"),
        ({"citizenship": "XX"}, "citizenship"),
        ({"foreign_register_number": ""}, "foreign_registered_on"),  # a number without its date
        ({"birth_date": "2990-01-01"}, "birth_date"),
        ({"district": other_district.pk, "first_name": "Ann"}, None),  # no field a correction changes
    ):
        refused = api(users["guardianship"]).patch(url, bad, format="json")
        if field is None:
            assert refused.status_code == 200 and refused.json()["district"] == wife.district_id
            assert refused.json()["version"] == wife.version  # nothing written
            continue
        assert refused.status_code == 400 and refused.json()["errors"][0]["field"].startswith(field), bad
    assert Applicant.objects.get(pk=wife.pk).barring_facts == []
    assert AuditEvent.objects.filter(verb="update_applicant").count() == events

    outlook.refresh(Case.objects.filter(pk=foreign_case.pk))
    assert Outlook.objects.get(case=foreign_case).eligible  # what the district's queue says of it
    with django_capture_on_commit_callbacks(execute=True):
        changed = api(users["guardianship"]).patch(
            url,
            {"barring_facts": ["parental_rights_deprived_or_limited"], "version": wife.version},
            format="json",
        )
    assert changed.status_code == 200 and changed.json()["version"] == wife.version + 1
    assert check(foreign_case, "ADOPTER_NOT_BARRED") == "fail"
    event = AuditEvent.objects.filter(verb="update_applicant").latest("id")
    assert event.before is not None and event.before["barring_facts"] == [] and event.actor == users["guardianship"]
    assert AuditEvent.objects.filter(verb="update_applicant").count() == events + 1
    kept = Outlook.objects.get(case=foreign_case)  # the queue learns it at once
    assert not kept.eligible and [code for code, _day in kept.blocking] == ["ADOPTER_NOT_BARRED"]

    stale = api(users["guardianship"]).patch(url, {"first_name": "Anne", "version": wife.version}, format="json")
    assert stale.status_code == 409 and stale.json()["errors"][0]["code"] == "stale"
    assert Applicant.objects.get(pk=wife.pk).first_name == "Ann"


def test_an_applicants_corrected_residence_makes_the_case_an_adoption_abroad_until_it_is_decided(
    api, users, district, court
):
    """A case's category and receiving country are derived from its applicants when it opens
    (RULES §1). A family recorded as living in Kazakhstan that lives in the United States kept a
    case of resident citizens after the correction: no consular registration would have been
    expected of the child. Before the decision the case is derived again; after it, the
    correction that would change what the court decided on is refused."""
    from adoption.models import Case, Category
    from tests.adoption.conftest import adopt_abroad, complete_file, make_applicant, make_child

    child = make_child(district)
    family = [make_applicant(district, citizenship="KZ", residence="KZ", last_name="Abenova")]
    case = services.open_case(actor=None, children=[child], applicants=family, opened_on=ago(100))
    complete_file(case, [child], family, foreign=False)
    assert (case.category, case.receiving_country) == (Category.RESIDENT_CITIZEN, "")
    answer = api(users["guardianship"]).patch(
        f"/api/v1/applicants/{family[0].pk}/", {"residence_country": "US"}, format="json"
    )
    assert answer.status_code == 200
    case = Case.objects.get(pk=case.pk)
    assert (case.category, case.receiving_country) == (Category.NONRESIDENT_CITIZEN, "US")
    event = AuditEvent.objects.filter(object_type="adoption.case", object_id=str(case.pk)).latest("id")
    assert event.before is not None and event.before["receiving_country"] == ""

    decided, _child = adopt_abroad(district, court, last_name="Decided")
    adopter = decided.applicants.first()
    refused = api(users["guardianship"]).patch(
        f"/api/v1/applicants/{adopter.pk}/", {"citizenship": "KZ"}, format="json"
    )
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "case_decided"
    assert Case.objects.get(pk=decided.pk).category == Category.FOREIGNER
    assert (
        api(users["guardianship"])
        .patch(f"/api/v1/applicants/{adopter.pk}/", {"first_name": "Anna"}, format="json")
        .status_code
        == 200
    )
