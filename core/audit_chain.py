"""Tamper evidence of the audit trail: a hash chain over its events.

Events are written by many transactions at once, so they are not chained as they are written
(that would serialise every request on one lock). A beat task (`seal`) chains, in id order,
every committed event not yet chained: it gives it the next `seq` and
`chain_hash = sha256(previous chain_hash + the event's canonical content)`. An event committed
late is simply chained in a later run. `verify` recomputes the chain: an edited event, a deleted
one or a reordering breaks it at the first event concerned. The head (seq and hash) is logged on
every run, so a copy exists outside the database and a truncated tail is detected by comparing.

Not covered: an event edited before its first sealing (at most one beat period), and an attacker
able to rewrite the whole chain and the logs.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from . import locks
from .models import AuditEvent

log = logging.getLogger(__name__)

GENESIS = "0" * 64
CONTENT = (
    "id",
    "at",
    "actor_id",
    "actor_role",
    "request_id",
    "action",
    "verb",
    "object_type",
    "object_id",
    "subject_type",
    "subject_id",
    "before",
    "after",
    "purpose",
)
BATCH = 5000


def digest(previous: str, event: dict) -> str:
    values = [event[name].isoformat() if name == "at" else event[name] for name in CONTENT]  # to the microsecond
    if event.get("object_ids"):  # reads of lists (added later: events without it keep their digest)
        values.append(event["object_ids"])
    content = json.dumps(values, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous}{content}".encode()).hexdigest()


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


def head() -> Head:
    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "chain_hash").first()
    if last is None:
        return Head(0, GENESIS)
    seq, chain_hash = last
    assert seq is not None  # filtered on
    return Head(seq, chain_hash)


def seal(*, batch: int = BATCH) -> int:
    """Chain every committed event not chained yet; returns how many were chained."""
    sealed = 0
    while True:
        with transaction.atomic():
            locks.hold(locks.AUDIT_CHAIN)  # one sealer at a time
            current = head()
            pending = list(
                AuditEvent.objects.filter(seq__isnull=True).order_by("id").values(*CONTENT, "object_ids")[:batch]
            )
            if not pending:
                break
            seq, previous = current.seq, current.hash
            chained = []
            for event in pending:
                seq, previous = seq + 1, digest(previous, event)
                chained.append(AuditEvent(id=event["id"], seq=seq, chain_hash=previous))
            AuditEvent.objects.bulk_update(chained, ["seq", "chain_hash"], batch_size=1000)
            sealed += len(chained)
    if sealed:
        final = head()
        log.info("audit chain sealed", extra={"sealed": sealed, "head_seq": final.seq, "head_hash": final.hash})
    return sealed


@dataclass(frozen=True)
class Verdict:
    checked: int
    unsealed: int
    head: Head
    problem: str | None


def verify() -> Verdict:
    """Recompute the whole chain; the first break found is the problem."""
    previous, expected_seq = GENESIS, 1
    events = (
        AuditEvent.objects.filter(seq__isnull=False).order_by("seq").values(*CONTENT, "object_ids", "seq", "chain_hash")
    )
    problem = None
    for event in events.iterator(chunk_size=BATCH):
        if event["seq"] != expected_seq:
            problem = f"audit chain broken: event seq {expected_seq} is missing (next is {event['seq']})"
            break
        previous = digest(previous, event)
        if previous != event["chain_hash"]:
            problem = f"audit chain broken at seq {event['seq']} (event #{event['id']}): its content or an earlier one was changed"
            break
        expected_seq += 1
    return Verdict(
        checked=expected_seq - 1,
        unsealed=AuditEvent.objects.filter(seq__isnull=True).count(),
        head=head(),
        problem=problem,
    )
