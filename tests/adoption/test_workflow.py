"""The case state machine is one table (adoption.workflow.STEPS): the pages offer exactly the
steps it allows, and every service refuses a step in a status it does not allow."""

import re

import pytest

from adoption import services, workflow
from adoption.models import Case, CaseDocument, CaseStatus, Consent, Contact, Hearing
from adoption.web import FORMS
from core.dates import today
from core.errors import ConflictError
from core.models import Role
from registry.models import Child
from tests.adoption.conftest import adopt_abroad, ago, make_applicant, make_child

pytestmark = pytest.mark.django_db


def set_status(case, status):
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()


def test_every_step_has_one_service_and_the_services_roles_are_the_tables():
    stepped = {fn.step: fn for fn in vars(services).values() if callable(fn) and hasattr(fn, "step")}
    assert set(stepped) == set(workflow.STEPS)
    for name, fn in stepped.items():
        assert fn.roles == workflow.STEPS[name].roles, name


@pytest.mark.parametrize("status", CaseStatus.values)
def test_the_case_page_offers_exactly_what_the_table_allows(client, users, district, court, status):
    case, child = adopt_abroad(district, court, in_force=False)
    # a child of 11 (born earlier than recorded): every check a step records evidence for applies (adoption.web.EVIDENCE_OF)
    Child.objects.filter(pk=child.pk).update(birth_date=ago(11 * 365))
    Consent.objects.create(case=case, child=child, given_on=ago(200))  # a record of each kind a step withdraws
    set_status(case, status)
    for role in (Role.GUARDIANSHIP, Role.COURT, Role.REGIONAL, Role.MINISTRY, Role.AUDITOR):
        client.force_login(users[role])
        page = client.get(f"/cases/{case.pk}/").content.decode()
        shown = set(re.findall(rf'action="/cases/{case.pk}/([a-z-]+)/"', page))
        allowed = {
            name
            for name, step in workflow.STEPS.items()
            if role in step.roles and status in step.from_statuses and not (step.barred and step.barred(case))
        }
        assert shown == allowed & set(FORMS), (role, status, shown, allowed)  # the steps that have a form on the page


def test_a_step_posted_on_the_page_outside_the_table_is_refused(client, users, district, court):
    case, _child = adopt_abroad(district, court, in_force=False)  # decided
    client.force_login(users["guardianship"])
    response = client.post(f"/cases/{case.pk}/referral/", {"court": court.pk, "on": today().isoformat()})
    assert response.status_code == 400 and "cannot be referred to a court" in response.content.decode()
    client.force_login(users["regional"])
    assert client.post(f"/cases/{case.pk}/documents/", {}).status_code == 403  # not a role of the step


def args_for(name, case, court):
    child, applicant = case.children.first(), case.applicants.first()
    on = today()
    return {
        "documents": {"kind": "application", "issued_on": on, "issuer": "x"},
        "contacts": {"applicant": applicant, "child": child, "on": on},
        "consents": {"child": child, "given_on": on},
        "withdraw-consent": {"on": on},
        "domestic-search": {"completed_on": on, "outcome": "no_candidates"},
        "referral": {"court": court, "on": on},
        "hearing": {"on": on, "participants": ["applicants", "guardianship", "procurator"], "in_camera": True},
        "decision": {"outcome": "granted", "decided_on": on},
        "in-force": {"in_force_on": on},
        "appeal": {"filed_on": on, "decided_on": on, "outcome": "upheld"},
        "civil-registration": {"number": "CR-1", "registered_on": on, "office": "Civil registry"},
        "hague": {"art17_agreement_on": on},
        "hague-certificate": {"number": "HC-1", "issued_on": on},
        "withdraw": {"on": on},
        # the status is checked before the record is read: any record will do
        "withdraw-document": {"document": CaseDocument(), "reason": "entered by mistake"},
        "withdraw-contact": {"contact": Contact(), "reason": "entered by mistake"},
        "withdraw-hearing": {"hearing": Hearing(), "reason": "entered by mistake"},
        "correct-decision": {"decided_on": on, "reason": "entered by mistake"},
        "correct-in-force": {"in_force_on": on, "reason": "entered by mistake"},
    }[name]


def test_every_service_refuses_its_step_in_a_status_the_table_does_not_allow(district, court):
    decided, _ = adopt_abroad(district, court, in_force=False)  # a granted decision not yet in force
    child = make_child(district, last_name="Open")
    undecided = services.open_case(
        actor=None, children=[child], applicants=[make_applicant(district)], opened_on=today()
    )
    consent = services.record_consent(actor=None, case=undecided, child=child, given_on=today())
    stepped = {fn.step: fn for fn in vars(services).values() if callable(fn) and hasattr(fn, "step")}
    refused = 0
    for name, step in workflow.STEPS.items():
        case = decided if name in ("in-force", "appeal", "civil-registration", "hague-certificate") else undecided
        for status in set(CaseStatus.values) - set(step.from_statuses):
            set_status(case, status)
            target = {"consent": consent} if name == "withdraw-consent" else {"case": case}
            with pytest.raises(ConflictError) as refusal:
                stepped[name](actor=None, **target, **args_for(name, case, court))
            assert refusal.value.errors[0].code == "illegal_transition", (name, status, refusal.value.errors)
            refused += 1
    assert refused == sum(len(CaseStatus.values) - len(s.from_statuses) for s in workflow.STEPS.values())


def test_a_refused_step_names_the_status_in_words(district, court):
    case, _child = adopt_abroad(district, court)  # in force
    with pytest.raises(ConflictError) as refusal:
        services.record_hearing(actor=None, case=case, on=today(), participants=["applicants"], in_camera=True)
    message = str(refusal.value.errors[0].message)
    assert "adoption in force" in message and "in_force" not in message


def test_each_step_leads_to_the_status_the_table_says(district, court):
    """The table's `to_status` was read by no code: a service setting another status would have
    left it wrong unseen. Each step of a case's main path, taken, leaves the case where the table
    says (a step without one leaves the status as it was)."""
    stepped = {fn.step: fn for fn in vars(services).values() if callable(fn) and hasattr(fn, "step")}
    case, _child = adopt_abroad(district, court, referred_only=True, in_force_ago=40)  # referred 90 days ago
    assert case.status == workflow.STEPS["referral"].to_status
    taken = ["referral"]

    def take(name, **kwargs):
        before = Case.objects.get(pk=case.pk).status
        stepped[name](actor=None, case=case, **kwargs)
        expected = workflow.STEPS[name].to_status or before
        assert Case.objects.get(pk=case.pk).status == expected, name
        taken.append(name)

    participants = ["applicants", "guardianship", "procurator"]
    take("documents", kind="application", issued_on=ago(89), issuer="the applicants")
    take("hearing", on=ago(89), participants=participants, in_camera=True)
    take("hearing", on=ago(88), participants=participants, in_camera=True)  # adjourned, heard again
    take("decision", outcome="granted", decided_on=ago(88))
    take("in-force", in_force_on=ago(40))
    take("civil-registration", number="CR-1", registered_on=ago(38), office="Civil registry")
    take("hague-certificate", number="HC-1", issued_on=ago(30))
    other = services.open_case(
        actor=None,
        children=[make_child(district, last_name="Other")],
        applicants=[make_applicant(district)],
        opened_on=ago(10),
    )
    case = other
    take("withdraw", on=ago(1))
    assert {name for name, step in workflow.STEPS.items() if step.to_status} <= set(taken)
