import pytest

from core.audit import collecting_reads, flush_reads, history_of, note_read, record_write, snapshot
from core.models import AuditEvent, Policy

pytestmark = pytest.mark.django_db


def test_a_write_through_the_api_records_actor_request_id_and_before_after(api, users):
    client = api(users["ministry"])
    client.put("/api/v1/policy/", {"monitoring_grace_days": 45}, format="json")  # today's version
    response = client.put(
        "/api/v1/policy/", {"monitoring_grace_days": 50}, format="json", HTTP_X_REQUEST_ID="req-1234567890"
    )
    assert response["X-Request-ID"] != "req-1234567890" and len(response["X-Request-ID"]) == 32  # the server's own id
    event = AuditEvent.objects.filter(verb="update_policy").last()
    assert event and event.before and event.after
    assert event.request_id == response["X-Request-ID"]
    assert event.actor_role == "ministry"
    assert event.before["monitoring_grace_days"] == 45 and event.after["monitoring_grace_days"] == 50


def test_a_write_that_fails_leaves_no_audit_event_and_no_change(api, users):
    body = api(users["ministry"]).get("/api/v1/policy/").json()
    body["appeal_period_months"] = -1
    assert api(users["ministry"]).put("/api/v1/policy/", body, format="json").status_code == 400
    assert AuditEvent.objects.count() == 0


def test_read_events_and_history_of_a_file(users):
    policy = Policy.current()
    before = snapshot(policy)
    policy.appeal_period_months += 1
    policy.save()
    record_write(actor=users["ministry"], verb="update_policy", obj=policy, before=before)
    with collecting_reads() as reads:
        note_read(policy, purpose="annual inspection")
        flush_reads(reads, users["auditor"])
    history = list(history_of(policy))
    assert [e.verb for e in history] == ["update_policy"]  # reads are not changes
    changed = history[0]
    assert changed.before and changed.after
    assert changed.after["appeal_period_months"] == changed.before["appeal_period_months"] + 1
    read = AuditEvent.objects.get(action="read")
    assert (read.actor, read.purpose, read.object_id) == (users["auditor"], "annual inspection", str(policy.pk))


def test_an_audited_update_records_before_and_after_and_skips_a_change_that_changes_nothing(users):
    from core.audit import Verb, audited_update
    from core.dates import today
    from core.models import Reminder

    reminder = Reminder.objects.create(kind="k", subject_type="child", subject_id=1, due_on=today())
    assert audited_update(reminder, actor=users["ministry"], verb=Verb.MARK_REMINDER_DONE, detail="seen") is True
    event = AuditEvent.objects.get(verb="mark_reminder_done")
    assert event.before and event.after
    assert (event.before["detail"], event.after["detail"]) == ("", "seen")
    assert audited_update(reminder, actor=users["ministry"], verb=Verb.MARK_REMINDER_DONE, detail="seen") is False
    assert AuditEvent.objects.count() == 1  # nothing changed: no event


def test_an_unknown_verb_is_refused_at_once(users):
    with pytest.raises(ValueError):
        record_write(actor=users["ministry"], verb="update_polciy", obj=Policy.current())
    assert AuditEvent.objects.count() == 0
