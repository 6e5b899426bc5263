"""Issue 20, corrections: a ground of adoptability recorded by mistake is withdrawn with its
reason, audited, never deleted; no check reads it any more; and not once a court has decided the
child's adoption on the grounds as they stood."""

import pytest

from adoption import services as adoption_services
from core.models import AuditEvent
from registry.models import Ground
from tests.adoption.conftest import adopt_abroad, ago, complete_file, make_applicant, make_child

pytestmark = pytest.mark.django_db


def adoptable(api, user, case) -> str:
    checks = {c["code"]: c for c in api(user).get(f"/api/v1/cases/{case.pk}/eligibility/").json()["checks"]}
    return checks["CHILD_ADOPTABLE"]["status"]


def withdraw(client, child, ground, reason, confirm="on"):
    form = {"reason": reason, "confirm": confirm} if confirm else {"reason": reason}
    return client.post(f"/children/{child.pk}/grounds/{ground.pk}/withdraw/", form, follow=True)


def test_a_ground_is_withdrawn_with_its_reason_and_no_check_reads_it(client, api, users, district):
    child = make_child(district, last_name="Serikova")
    applicant = make_applicant(district, citizenship="KZ", residence="KZ")
    case = adoption_services.open_case(actor=None, children=[child], applicants=[applicant], opened_on=ago(30))
    complete_file(case, [child], [applicant], foreign=False)
    ground = child.grounds.get()
    assert adoptable(api, users["guardianship"], case) == "pass"
    client.force_login(users["guardianship"])

    page = client.get(f"/children/{child.pk}/").content.decode()
    assert f'data-ground="{ground.pk}"' in page and 'name="reason"' in page

    refused = withdraw(client, child, ground, "oops").content.decode()
    assert Ground.objects.get(pk=ground.pk).withdrawn_at is None and "at least 5 characters" in refused
    unconfirmed = withdraw(client, child, ground, "the wrong parent", confirm="").content.decode()
    assert Ground.objects.get(pk=ground.pk).withdrawn_at is None and "Tick to confirm" in unconfirmed

    page = withdraw(client, child, ground, "the father's ground was entered for the mother").content.decode()
    stored = Ground.objects.get(pk=ground.pk)
    assert stored.withdrawn_at is not None and stored.withdrawn_reason.startswith("the father's ground")
    assert "the father&#x27;s ground was entered for the mother" in page  # shown on the record, with the reason
    event = AuditEvent.objects.get(verb="withdraw_ground")
    assert event.after is not None
    assert (event.subject_type, event.subject_id, event.after["withdrawn_reason"]) == (
        "registry.child",
        str(child.pk),
        "the father's ground was entered for the mother",
    )
    assert adoptable(api, users["guardianship"], case) == "fail"  # the case no longer rests on it

    again = withdraw(client, child, ground, "once more, by mistake").content.decode()
    assert "already withdrawn" in again and AuditEvent.objects.filter(verb="withdraw_ground").count() == 1

    other = users["other_guardianship"]
    client.force_login(other)
    assert withdraw(client, child, ground, "not my district").status_code == 404


def test_a_ground_is_not_withdrawn_once_a_court_has_decided(client, users, district, court):
    _case, adopted = adopt_abroad(district, court)
    ground = adopted.grounds.get()
    client.force_login(users["guardianship"])
    page = withdraw(client, adopted, ground, "entered for the wrong parent").content.decode()
    assert Ground.objects.get(pk=ground.pk).withdrawn_at is None and "can no longer be withdrawn" in page


def test_no_ground_or_consent_is_added_once_a_court_has_granted_the_adoption_unless_reversed_on_appeal(
    client, api, users, district, court
):
    """A ground or a consent added after the decision, dated before it, would show the court's
    decision resting on what it never saw (the case's page judges it on its day)."""
    from adoption import services as adoption_services

    case, child = adopt_abroad(district, court, in_force=False)  # decided, not in force
    decided_on = case.decision.decided_on
    guardianship = api(users["guardianship"])
    ground = {
        "parent": "father",
        "ground": "parents_unknown",
        "documents": [
            {"kind": "birth_registration", "number": "B-2", "date": ago(400).isoformat(), "issued_by": "Registry"}
        ],
    }
    added = guardianship.post(f"/api/v1/children/{child.pk}/grounds/", ground, format="json")
    assert added.status_code == 400 and added.json()["errors"][0]["code"] == "after_decision", added.json()
    consent = {
        "parent": "mother",
        "given_on": ago(300).isoformat(),
        "form": "notarised",
        "document": {"number": "N-1", "date": ago(300).isoformat(), "issued_by": "Notary"},
    }
    recorded = guardianship.post(f"/api/v1/children/{child.pk}/consents/", consent, format="json")
    assert recorded.status_code == 400 and recorded.json()["errors"][0]["code"] == "after_decision"
    assert child.grounds.count() == 1 and not child.parental_consents.exists()
    client.force_login(users["guardianship"])
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert (
        f'action="/children/{child.pk}/grounds/"' not in page and f'action="/children/{child.pk}/consents/"' not in page
    )
    assert "/withdraw/" not in page.split('id="grounds"')[1]  # the ground stays as the court saw it
    assert "on the grounds and consents as they stood: they are no longer added to or withdrawn" in page

    appeal = {"filed_on": decided_on, "decided_on": decided_on, "outcome": "reversed"}
    adoption_services.record_appeal(actor=users["court"], case=case, **appeal)  # the child is free again
    assert guardianship.post(f"/api/v1/children/{child.pk}/grounds/", ground, format="json").status_code == 201
    page = client.get(f"/children/{child.pk}/").content.decode()
    assert f'action="/children/{child.pk}/grounds/"' in page
