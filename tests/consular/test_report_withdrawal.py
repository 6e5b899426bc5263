"""A monitoring report recorded by mistake (the wrong period, date, file or child) is withdrawn by
those who record the child's reports, with the reason: it stays in the child's history, marked,
and nothing else reads it (its file is served no more); its period is owed again, its reminder
opens again, and the right report is recorded anew. Before, a report recorded for the wrong period
stood for good: the period it named read "received" and the report of that period was refused."""

import datetime

import pytest
from django.core.files.base import ContentFile

from adoption import workflow
from consular import deadlines, services
from consular.models import MonitoringReport
from core.errors import ConflictError, Forbidden, RuleError
from core.models import AuditEvent, ConsularPost, Reminder
from tests.adoption.conftest import adopt_abroad, ago
from tests.factories import UserFactory
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db

SCAN = b"%PDF-1.4 the report of another child"


def _registered(child, us_post):
    services.register_child(actor=None, child=child, post=us_post, number="US-77", registered_on=ago(100))


def _record(actor, child, due_on):
    return services.record_monitoring_report(
        actor=actor,
        child=child,
        due_on=due_on,
        received_on=ago(1),
        summary="Visited at home: Aliya Serikova, aged 7.",
        attachment=ContentFile(SCAN, "scan.pdf"),
    )


def _report_reminder(child, due_on):
    return Reminder.objects.get(
        kind=deadlines.MONITORING_REMINDER, subject_id=child.pk, detail=deadlines.monitoring_detail(due_on)
    )


def _status(child, due_on):
    return next(e["status"] for e in services.schedule_for(child, child.adoption) if e["due_on"] == due_on)


def test_a_report_of_another_child_is_withdrawn_and_its_period_is_owed_again(api, users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=250)
    _registered(child, us_post)
    due_on = services.schedule_for(child, child.adoption)[0]["due_on"]  # 6 months after: overdue
    deadlines.sweep_consular_deadlines()
    report = _record(users["consular"], child, due_on)
    assert _report_reminder(child, due_on).done_at is not None and _status(child, due_on) == "late"  # received late
    assert "a monitoring report" in [str(what) for _on, what in workflow.followed(child.adoption.decision)]

    services.withdraw_monitoring_report(
        actor=users["consular"], child=child, report=report, reason="  the scan of another child  "
    )
    report.refresh_from_db()
    assert report.withdrawn_reason == "the scan of another child" and report.withdrawn_at is not None
    assert _status(child, due_on) == "missing"  # owed again, past its grace
    reminder = _report_reminder(child, due_on)
    assert (reminder.done_at, reminder.done_by, reminder.emailed_at) == (None, None, None)  # to be e-mailed again
    event = AuditEvent.objects.get(verb="withdraw_monitoring_report")
    assert event.actor == users["consular"] and event.before is not None and event.after is not None
    assert (event.before["withdrawn_reason"], event.after["withdrawn_reason"]) == ("", "the scan of another child")
    assert (event.subject_type, event.subject_id) == ("registry.child", str(child.pk))
    assert "a monitoring report" not in [str(what) for _on, what in workflow.followed(child.adoption.decision)]

    # nothing serves it any more: not the file, not what it said
    consular = api(users["consular"])
    assert consular.get(f"/api/v1/monitoring-reports/{report.pk}/file/").status_code == 404
    schedule = consular.get(f"/api/v1/monitoring-reports/?child={child.pk}").json()["results"]
    assert [e["status"] for e in schedule if e["due_on"] == due_on.isoformat()] == ["missing"]

    # the report of that period is recorded anew, and closes the reminder again
    answer = consular.post(
        "/api/v1/monitoring-reports/",
        {"child": child.pk, "due_on": due_on.isoformat(), "received_on": ago(0).isoformat(), "summary": "Well."},
    )
    assert answer.status_code == 201, answer.json()
    again = MonitoringReport.objects.get(pk=answer.json()["id"])
    assert _status(child, due_on) == "late" and _report_reminder(child, due_on).done_at is not None
    assert list(MonitoringReport.objects.filter(child=child)) == [again]
    assert MonitoringReport.with_withdrawn.filter(child=child).count() == 2


@pytest.mark.parametrize("late_by, reminded", [(30, False), (31, True)])
def test_a_withdrawn_report_not_yet_overdue_is_reminded_when_its_grace_ends(
    users, district, court, us_post, late_by, reminded
):
    """Withdrawn before its period was overdue, a report has no reminder to open: the sweep makes
    it when the grace period (30 days) ends, as for a report never received; while the report
    stood, the same sweep made none."""
    _case, child = adopt_abroad(district, court, in_force_ago=190)
    _registered(child, us_post)
    due_on = services.schedule_for(child, child.adoption)[0]["due_on"]
    on = due_on + datetime.timedelta(days=late_by)
    report = _record(users["consular"], child, due_on)
    deadlines.sweep_consular_deadlines(on=on)
    assert not Reminder.objects.filter(kind=deadlines.MONITORING_REMINDER).exists()
    services.withdraw_monitoring_report(actor=users["ministry"], child=child, report=report, reason="wrong period")
    deadlines.sweep_consular_deadlines(on=on)
    found = list(Reminder.objects.filter(kind=deadlines.MONITORING_REMINDER).values_list("detail", "done_at"))
    assert found == ([(deadlines.monitoring_detail(due_on), None)] if reminded else [])


def test_a_withdrawal_is_refused_naming_the_rule_and_changes_nothing(users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=250)
    _registered(child, us_post)
    due_on = services.schedule_for(child, child.adoption)[0]["due_on"]
    report = _record(None, child, due_on)
    _other_case, other = adopt_abroad(district, court, in_force_ago=250, last_name="Other")
    consulate = ConsularPost.objects.create(country="US", city="New York", kind="consulate")
    another_post = UserFactory.create(role="consular", consular_post=consulate)
    refusals = [
        (Forbidden, "role_not_allowed", users["guardianship"], child, "wrong child"),
        (Forbidden, "out_of_scope", users["other_consular"], child, "wrong child"),  # another country's post
        (Forbidden, "not_your_post", another_post, child, "wrong child"),  # the child is registered at the embassy
        (RuleError, "reason_required", users["consular"], child, " typo "),
        (RuleError, "not_of_child", users["consular"], other, "wrong child"),
    ]
    for error, code, actor, whose, reason in refusals:
        with pytest.raises(error) as refused:
            services.withdraw_monitoring_report(actor=actor, child=whose, report=report, reason=reason)
        assert [e.code for e in refused.value.errors] == [code]
    report.refresh_from_db()
    assert report.withdrawn_at is None and not AuditEvent.objects.filter(verb="withdraw_monitoring_report").exists()
    services.withdraw_monitoring_report(actor=users["consular"], child=child, report=report, reason="wrong child")
    with pytest.raises(ConflictError, match="already_withdrawn"):
        services.withdraw_monitoring_report(actor=users["consular"], child=child, report=report, reason="wrong child")


def test_the_childs_page_withdraws_a_report_and_shows_it_struck_out(client, users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=250)
    _registered(child, us_post)
    due_on = services.schedule_for(child, child.adoption)[0]["due_on"]
    report = _record(None, child, due_on)
    url = f"/adopted/{child.pk}/"
    for role in ("auditor", "guardianship", "other_consular"):  # readers, or another country's post
        response = login(client, users[role]).get(url)
        assert "Withdraw a report recorded by mistake" not in response.content.decode(), role
    page = login(client, users["consular"]).get(url).content.decode()
    assert "Withdraw a report recorded by mistake" in page and f'<option value="{report.pk}">' in page
    asked = {"report": report.pk, "reason": "the scan of another child"}
    unconfirmed = client.post(url, asked)
    assert unconfirmed.status_code == 400 and "Tick to confirm" in unconfirmed.content.decode()
    assert MonitoringReport.objects.filter(pk=report.pk).exists()
    done = client.post(url, {**asked, "confirm": "on"}, follow=True)
    page = done.content.decode()
    assert done.redirect_chain == [(url, 302)] and "its period is owed again" in page
    assert "Aliya Serikova" not in page and f"/reports/{report.pk}/file/" not in page  # what it said, its file
    assert "Withdrawn reports" in page and "the scan of another child" in page
    assert "Withdraw a report recorded by mistake" not in page  # no report left to withdraw
    assert client.get(f"{url}reports/{report.pk}/file/").status_code == 404
    history = login(client, users["guardianship"]).get(f"/children/{child.pk}/").content.decode()
    assert "withdrawn: the scan of another child" in history and "Aliya Serikova" not in history
