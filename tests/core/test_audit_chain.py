"""Tamper evidence: the audit trail is a hash chain; an edit, a deletion or a truncated tail
made directly in the database is found by `verify` and by `check_consistency`."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from core import audit_chain
from core.models import AuditEvent
from tests.adoption.conftest import make_child
from tests.conftest import postgres_only

pytestmark = pytest.mark.django_db


def test_sealing_chains_every_event_in_order_and_continues_where_it_stopped(district):
    make_child(district, last_name="Abenova")
    first = AuditEvent.objects.count()
    assert audit_chain.seal() == first
    make_child(district, last_name="Bekova")
    assert audit_chain.seal() == AuditEvent.objects.count() - first
    assert audit_chain.seal() == 0  # nothing new
    verdict = audit_chain.verify()
    assert verdict.problem is None and verdict.unsealed == 0
    assert verdict.checked == AuditEvent.objects.count() == verdict.head.seq
    assert list(AuditEvent.objects.order_by("id").values_list("seq", flat=True)) == list(range(1, verdict.checked + 1))


def test_an_edited_event_breaks_the_chain_at_that_event(district):
    make_child(district, last_name="Abenova")
    audit_chain.seal()
    event = AuditEvent.objects.filter(verb="create_child").get()
    assert event.after is not None
    AuditEvent.objects.filter(pk=event.pk).update(
        after={**event.after, "last_name": "Someone else"}
    )  # bypassing the services
    verdict = audit_chain.verify()
    assert verdict.problem is not None and f"seq {event.seq} " in verdict.problem
    with pytest.raises(Exception, match="consistency problem"):
        call_command("check_consistency")


def test_an_edit_of_the_actor_or_the_time_is_found_too(district, users):
    make_child(district, last_name="Abenova")
    audit_chain.seal()
    event = AuditEvent.objects.order_by("seq").last()
    assert event is not None
    AuditEvent.objects.filter(pk=event.pk).update(actor=users["auditor"])
    assert f"seq {event.seq} " in (audit_chain.verify().problem or "")
    AuditEvent.objects.filter(pk=event.pk).update(
        actor=event.actor, at=event.at.replace(microsecond=(event.at.microsecond + 1) % 10**6)
    )
    assert f"seq {event.seq} " in (audit_chain.verify().problem or "")


def test_a_deleted_event_is_a_gap(district):
    make_child(district, last_name="Abenova")
    audit_chain.seal()
    middle = AuditEvent.objects.order_by("seq")[1]
    AuditEvent.objects.filter(pk=middle.pk).delete()
    assert f"seq {middle.seq} is missing" in (audit_chain.verify().problem or "")


def test_a_truncated_tail_is_found_against_a_head_recorded_earlier(district, capsys):
    make_child(district, last_name="Abenova")
    audit_chain.seal()
    recorded = audit_chain.head()
    call_command("check_consistency", audit_head=f"{recorded.seq}:{recorded.hash}")
    assert capsys.readouterr().out.strip().endswith("consistent")
    AuditEvent.objects.filter(seq=recorded.seq).delete()  # the last event: the chain itself stays whole
    assert audit_chain.verify().problem is None
    with pytest.raises(Exception, match="consistency problem"):
        call_command("check_consistency", audit_head=f"{recorded.seq}:{recorded.hash}")
    assert "events were removed" in capsys.readouterr().err


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_sealers_and_writers_make_one_unbroken_chain(district):
    errors = []

    def work(index):
        try:
            for n in range(3):
                make_child(district, last_name=f"Child{index}x{n}")
                audit_chain.seal()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    audit_chain.seal()
    verdict = audit_chain.verify()
    assert verdict.problem is None and verdict.unsealed == 0 and verdict.checked == AuditEvent.objects.count()
