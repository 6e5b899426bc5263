"""A departure recorded by mistake (on the wrong child of the case, or for a child who has not left)
is withdrawn by the district, with the reason: it stays in the child's history, marked, and nothing
else reads it; the child's departure is due again and its right one is recorded anew. Before
(session 50), it could only be corrected: the child read "departed" in every list, its follow-up
was settled, and no queue asked for its departure."""

import pytest

from adoption import services as adoption_services
from adoption.models import Decision
from consular import deadlines, services
from consular.models import Departure, MonitoringReport
from consular.work import DEPARTURE_DUE
from core import work
from core.dates import today
from core.errors import ConflictError, Forbidden, RuleError
from core.models import AuditEvent
from tests.adoption.conftest import adopt_abroad, ago
from tests.consular.test_follow_up_settled import registered_and_departed
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def _departed(case, child, post):
    registered_and_departed(case, child, post, "5")  # 17 days ago
    return Departure.objects.get(child=child)


def _depart(case, child, *, departed_ago):
    return services.record_departure(
        actor=None,
        case=case,
        child=child,
        exit_permission_number="EP-5",
        exit_permission_on=ago(departed_ago + 1),
        departed_on=ago(departed_ago),
        residence_country="US",
    )


def _queued(user) -> set[tuple[str, int]]:
    return {(item.kind, item.record[1]) for item in work.queue(user, today()).items if item.record}


def test_a_departure_recorded_by_mistake_is_withdrawn_and_the_childs_departure_is_due_again(
    api, client, users, district, court, us_post
):
    case, child = adopt_abroad(district, court, in_force_ago=200)
    adoption_services.issue_hague_certificate(actor=None, case=case, number="C-1", issued_on=ago(190))
    departure = _departed(case, child, us_post)
    deadlines.settle_follow_up()
    assert Decision.objects.get(case=case).follow_up_settled
    assert (DEPARTURE_DUE, child.pk) not in _queued(users["guardianship"])

    services.withdraw_departure(actor=users["guardianship"], case=case, child=child, reason=" the sister's papers ")
    departure.refresh_from_db()
    assert departure.withdrawn_at is not None and departure.withdrawn_reason == "the sister's papers"
    assert not Departure.objects.filter(child=child).exists()
    assert not Decision.objects.get(case=case).follow_up_settled  # the queues read it again
    assert (DEPARTURE_DUE, child.pk) in _queued(users["guardianship"])
    event = AuditEvent.objects.get(verb="withdraw_departure")
    assert event.after is not None
    assert (event.actor, event.subject_id, event.after["withdrawn_reason"]) == (
        users["guardianship"],
        str(child.pk),
        "the sister's papers",
    )
    adopted = api(users["consular"]).get(f"/api/v1/adopted-children/{child.pk}/").json()
    assert adopted["departure"] is None
    history = login(client, users["guardianship"]).get(f"/children/{child.pk}/").content.decode()
    assert "departure: US (withdrawn: the sister&#x27;s papers)" in history

    # the right departure, recorded anew
    assert _depart(case, child, departed_ago=16).departed_on == ago(16)
    assert Departure.with_withdrawn.filter(child=child).count() == 2
    adopted = api(users["consular"]).get(f"/api/v1/adopted-children/{child.pk}/").json()
    assert adopted["departure"]["departed_on"] == ago(16).isoformat()
    deadlines.settle_follow_up()
    assert Decision.objects.get(case=case).follow_up_settled


def test_a_withdrawal_is_refused_naming_the_rule_and_changes_nothing(users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=200)
    departure = _departed(case, child, us_post)
    with pytest.raises(RuleError) as no_reason:
        services.withdraw_departure(actor=users["guardianship"], case=case, child=child, reason="typo")
    assert [(e.field, e.code) for e in no_reason.value.errors] == [("reason", "reason_required")]
    with pytest.raises(Forbidden):
        services.withdraw_departure(actor=users["consular"], case=case, child=child, reason="the sister's papers")
    with pytest.raises(Forbidden):
        services.withdraw_departure(
            actor=users["other_guardianship"], case=case, child=child, reason="the sister's papers"
        )
    due_on = services.schedule_for(child, child.adoption)[0]["due_on"]
    report = services.record_monitoring_report(actor=None, child=child, due_on=due_on, received_on=ago(10))
    with pytest.raises(ConflictError) as reported:
        services.withdraw_departure(actor=users["guardianship"], case=case, child=child, reason="the sister's papers")
    assert reported.value.errors[0].code == "report_received"
    assert not AuditEvent.objects.filter(verb="withdraw_departure").exists()
    departure.refresh_from_db()
    assert departure.withdrawn_at is None

    # the report, recorded by mistake too, is withdrawn first: then the departure
    services.withdraw_monitoring_report(actor=None, child=child, report=report, reason="the sister's report")
    assert not MonitoringReport.objects.filter(child=child).exists()
    services.withdraw_departure(actor=users["guardianship"], case=case, child=child, reason="the sister's papers")
    with pytest.raises(ConflictError) as twice:
        services.withdraw_departure(actor=users["guardianship"], case=case, child=child, reason="the sister's papers")
    assert twice.value.errors[0].code == "not_departed"


def test_the_departure_page_withdraws_the_departure_and_lists_it_struck_out(client, users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=200)
    _departed(case, child, us_post)
    url = f"/cases/{case.pk}/departure/"
    page = login(client, users["guardianship"]).get(url).content.decode()
    assert "Withdraw the departure, recorded by mistake" in page and 'name="child"' not in page
    prefix = f"withdraw-{child.pk}"
    asked = {f"{prefix}-reason": "the papers of her sister", "withdraw": str(child.pk)}
    unconfirmed = client.post(url, asked)
    assert unconfirmed.status_code == 400 and "Tick to confirm" in unconfirmed.content.decode()
    assert Departure.objects.filter(child=child).exists()
    done = client.post(url, {**asked, f"{prefix}-confirm": "on"}, follow=True)
    page = done.content.decode()
    assert done.redirect_chain == [(url, 302)] and "The departure is withdrawn." in page
    struck = page.split('id="withdrawn"')[1]
    assert "<del>" in struck and "the papers of her sister" in struck
    assert 'name="child"' in page  # the child's departure is recorded anew here
    assert client.post(url, {**asked, f"{prefix}-confirm": "on"}).status_code == 404  # nothing left to withdraw
