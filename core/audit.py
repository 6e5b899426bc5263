"""The audit trail: one place that records every write and every read of a file.

Services call `record_write` inside their transaction, so the change and its
audit event commit together or not at all. Whatever shows a child's record or a
case file notes it with `note_read`; the request's reads are recorded when its
answer is sent (`core.middleware.ReadAuditMiddleware`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import overload

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .context import current_request_id
from .models import AuditEvent, User


@overload
def snapshot(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict: ...
@overload
def snapshot(obj: None, *, exclude: tuple[str, ...] = ()) -> None: ...
def snapshot(obj: models.Model | None, *, exclude: tuple[str, ...] = ()) -> dict | None:
    """The concrete field values of `obj`, JSON-ready (FKs as ids)."""
    if obj is None:
        return None
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, datetime.date | datetime.datetime):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal | uuid.UUID):
            value = str(value)
        elif isinstance(value, FieldFile):
            value = value.name or ""
        data[field.attname] = value
    return data


def _label(obj: models.Model) -> str:
    return obj._meta.label_lower


def _subject(subject: models.Model | None, obj: models.Model) -> tuple[str, str]:
    target = subject if subject is not None else obj
    return _label(target), str(target.pk)


class Verb(StrEnum):
    """The business actions the audit trail records: one vocabulary, so that the auditor can
    filter by them and a misspelt verb fails at once (`audit_event` refuses an unknown one)."""

    CREATE_CHILD = "create_child"
    UPDATE_CHILD = "update_child"
    ADD_GROUND = "add_ground"
    PLACE_ON_REGISTER = "place_on_register"
    CORRECT_PLACEMENT = "correct_placement"
    WITHDRAW_PLACEMENT = "withdraw_placement"
    DEREGISTER = "deregister"
    SEAL_IDENTITY = "seal_identity"
    CONFIRM_DIFFERENT_CHILD = "confirm_different_child"
    CREATE_APPLICANT = "create_applicant"
    UPDATE_APPLICANT = "update_applicant"
    OPEN_CASE = "open_case"
    DERIVE_CASE_AGAIN = "derive_case_again"
    ADD_DOCUMENT = "add_document"
    RECORD_CONTACT = "record_contact"
    RECORD_CONSENT = "record_consent"
    WITHDRAW_CONSENT = "withdraw_consent"
    WITHDRAW_GROUND = "withdraw_ground"
    WITHDRAW_DOCUMENT = "withdraw_document"
    WITHDRAW_CONTACT = "withdraw_contact"
    WITHDRAW_HEARING = "withdraw_hearing"
    CORRECT_DECISION = "correct_decision"
    CORRECT_IN_FORCE = "correct_in_force"
    RECORD_DOMESTIC_SEARCH = "record_domestic_search"
    REFER_TO_COURT = "refer_to_court"
    RECORD_HEARING = "record_hearing"
    RECORD_DECISION = "record_decision"
    SET_IN_FORCE = "set_in_force"
    RECORD_HISTORICAL_ADOPTION = "record_historical_adoption"
    WITHDRAW_CASE = "withdraw_case"
    CLOSE_CASE = "close_case"
    REGISTER_CHILD_AT_CONSULATE = "register_child_at_consulate"
    TRANSFER_CONSULAR_REGISTRATION = "transfer_consular_registration"
    STAMP_PASSPORT = "stamp_passport"
    RECORD_DEPARTURE = "record_departure"
    RECORD_MONITORING_REPORT = "record_monitoring_report"
    WITHDRAW_MONITORING_REPORT = "withdraw_monitoring_report"
    WITHDRAW_CONSULAR_REGISTRATION = "withdraw_consular_registration"
    UNDO_CONSULAR_TRANSFER = "undo_consular_transfer"
    CORRECT_DEPARTURE = "correct_departure"
    WITHDRAW_DEPARTURE = "withdraw_departure"
    UPDATE_POLICY = "update_policy"
    UPDATE_CITATION = "update_citation"
    RECORD_PARENTAL_CONSENT = "record_parental_consent"
    REGISTER_APPLICANT = "register_applicant"
    RECORD_APPEAL = "record_appeal"
    REVERSE_ADOPTION = "reverse_adoption"
    ADOPTION_LAPSED = "adoption_lapsed"
    CHILD_LEFT_CASE = "child_left_case"
    RECORD_CIVIL_REGISTRATION = "record_civil_registration"
    RECORD_HAGUE_STEPS = "record_hague_steps"
    ISSUE_HAGUE_CERTIFICATE = "issue_hague_certificate"
    CREATE_AGENCY = "create_agency"
    UPDATE_AGENCY = "update_agency"
    UPDATE_COUNTRY = "update_country"
    ADD_PARTY = "add_party"
    ADD_FEE = "add_fee"
    SET_WISHES = "set_wishes"
    PROPOSE_CHILD = "propose_child"
    ANSWER_PROPOSAL = "answer_proposal"
    WITHDRAW_PROPOSAL = "withdraw_proposal"
    MARK_REMINDER_DONE = "mark_reminder_done"
    ISSUE_DOCUMENT = "issue_document"
    CREATE_STAFF = "create_staff"
    START_IMPORT = "start_import"
    ADMIN_ADD = "admin_add"
    ADMIN_CHANGE = "admin_change"
    ADMIN_DELETE = "admin_delete"
    ADMIN_PASSWORD_RESET = "admin_password_reset"
    CHANGE_OWN_PASSWORD = "change_own_password"
    READ = "read"
    READ_LIST = "read_list"


# What each verb says to the auditor, in the reader's language (the audit page and its download).
VERB_LABELS = {
    Verb.CREATE_CHILD: _("child recorded"),
    Verb.UPDATE_CHILD: _("child's record corrected"),
    Verb.ADD_GROUND: _("ground of adoptability recorded"),
    Verb.PLACE_ON_REGISTER: _("placed on a register"),
    Verb.CORRECT_PLACEMENT: _("a placement's date corrected"),
    Verb.WITHDRAW_PLACEMENT: _("a placement withdrawn"),
    Verb.DEREGISTER: _("taken off the registers"),
    Verb.SEAL_IDENTITY: _("identity sealed"),
    Verb.CONFIRM_DIFFERENT_CHILD: _("confirmed: not a duplicate"),
    Verb.CREATE_APPLICANT: _("applicant recorded"),
    Verb.UPDATE_APPLICANT: _("applicant's record corrected"),
    Verb.OPEN_CASE: _("case opened"),
    Verb.DERIVE_CASE_AGAIN: _("case's category derived again from its applicants"),
    Verb.ADD_DOCUMENT: _("document added"),
    Verb.RECORD_CONTACT: _("contact recorded"),
    Verb.RECORD_CONSENT: _("child's consent recorded"),
    Verb.WITHDRAW_CONSENT: _("consent withdrawn"),
    Verb.WITHDRAW_GROUND: _("ground withdrawn"),
    Verb.WITHDRAW_DOCUMENT: _("document withdrawn"),
    Verb.WITHDRAW_CONTACT: _("contact withdrawn"),
    Verb.WITHDRAW_HEARING: _("hearing withdrawn"),
    Verb.CORRECT_DECISION: _("decision's dates corrected"),
    Verb.CORRECT_IN_FORCE: _("entry into force corrected"),
    Verb.RECORD_DOMESTIC_SEARCH: _("search for a family in Kazakhstan recorded"),
    Verb.REFER_TO_COURT: _("referred to a court"),
    Verb.RECORD_HEARING: _("hearing recorded"),
    Verb.RECORD_DECISION: _("decision recorded"),
    Verb.SET_IN_FORCE: _("entry into force recorded"),
    Verb.RECORD_HISTORICAL_ADOPTION: _("historical adoption imported"),
    Verb.WITHDRAW_CASE: _("case withdrawn"),
    Verb.CLOSE_CASE: _("case closed"),
    Verb.REGISTER_CHILD_AT_CONSULATE: _("placed on a consular register"),
    Verb.TRANSFER_CONSULAR_REGISTRATION: _("consular registration transferred"),
    Verb.STAMP_PASSPORT: _("passport stamped"),
    Verb.RECORD_DEPARTURE: _("departure recorded"),
    Verb.RECORD_MONITORING_REPORT: _("monitoring report recorded"),
    Verb.WITHDRAW_MONITORING_REPORT: _("monitoring report withdrawn"),
    Verb.WITHDRAW_CONSULAR_REGISTRATION: _("consular registration withdrawn"),
    Verb.UNDO_CONSULAR_TRANSFER: _("transfer of a consular registration undone"),
    Verb.CORRECT_DEPARTURE: _("departure corrected"),
    Verb.WITHDRAW_DEPARTURE: _("departure withdrawn"),
    Verb.UPDATE_POLICY: _("policy changed"),
    Verb.UPDATE_CITATION: _("legal basis changed"),
    Verb.RECORD_PARENTAL_CONSENT: _("parent's consent recorded"),
    Verb.REGISTER_APPLICANT: _("applicant registered"),
    Verb.RECORD_APPEAL: _("appeal recorded"),
    Verb.REVERSE_ADOPTION: _("adoption reversed on appeal"),
    Verb.ADOPTION_LAPSED: _("adoption lapsed: the child died before it took effect"),
    Verb.CHILD_LEFT_CASE: _("child left the case: it died before its adoption"),
    Verb.RECORD_CIVIL_REGISTRATION: _("civil registry's record entered"),
    Verb.RECORD_HAGUE_STEPS: _("Hague Convention steps recorded"),
    Verb.ISSUE_HAGUE_CERTIFICATE: _("HC93 art. 23 certificate issued"),
    Verb.CREATE_AGENCY: _("agency registered"),
    Verb.UPDATE_AGENCY: _("agency changed"),
    Verb.UPDATE_COUNTRY: _("country changed"),
    Verb.ADD_PARTY: _("party recorded"),
    Verb.ADD_FEE: _("fee recorded"),
    Verb.SET_WISHES: _("family's wishes recorded"),
    Verb.PROPOSE_CHILD: _("child proposed to a family"),
    Verb.ANSWER_PROPOSAL: _("family's answer recorded"),
    Verb.WITHDRAW_PROPOSAL: _("proposal withdrawn: the child left the registers"),
    Verb.MARK_REMINDER_DONE: _("reminder done"),
    Verb.ISSUE_DOCUMENT: _("document printed"),
    Verb.CREATE_STAFF: _("staff account created"),
    Verb.START_IMPORT: _("import started"),
    Verb.ADMIN_ADD: _("added in the administration"),
    Verb.ADMIN_CHANGE: _("changed in the administration"),
    Verb.ADMIN_DELETE: _("deleted in the administration"),
    Verb.ADMIN_PASSWORD_RESET: _("password reset"),
    Verb.CHANGE_OWN_PASSWORD: _("own password changed"),
    Verb.READ: _("record read"),
    Verb.READ_LIST: _("list read"),
}


def audit_event(
    *,
    actor: User | None,
    verb: Verb | str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    subject: models.Model | None = None,
    action: str | None = None,
    purpose: str = "",
) -> AuditEvent:
    """The (unsaved) event recording a change to `obj`; the file it belongs to is `subject`
    (default `obj`); `purpose`: why, where the change says it (a correction's reason). Bulk
    writers save many at once; `record_write` saves one."""
    verb = Verb(verb)  # an unknown verb is a bug: ValueError here, not a free string in the trail
    if action is None:
        action = AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE
    if after is None and action != AuditEvent.Action.DELETE:
        after = snapshot(obj)
    subject_type, subject_id = _subject(subject, obj)
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_role=getattr(actor, "role", "") or ("system" if actor is None else ""),
        request_id=current_request_id(),
        action=action,
        verb=verb,
        object_type=_label(obj),
        object_id=str(obj.pk),
        subject_type=subject_type,
        subject_id=subject_id,
        before=before,
        after=after,
        purpose=purpose,
    )


def record_write(
    *,
    actor: User | None,
    verb: Verb | str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    subject: models.Model | None = None,
    action: str | None = None,
    purpose: str = "",
) -> AuditEvent:
    """Record a change (see `audit_event`), inside the caller's transaction."""
    event = audit_event(
        actor=actor, verb=verb, obj=obj, before=before, after=after, subject=subject, action=action, purpose=purpose
    )
    event.save()
    _touched(event.subject_type, event.subject_id)
    return event


# --- what a write touched -----------------------------------------------------------------
# Every write is audited here, naming the file it belongs to (a child's record, a case file), so
# this is where an app that keeps something derived from files (adoption: what the engine says
# of each open case, for the work queue) learns which files changed: each listener is called
# once the transaction commits, with the (kind of record, id) of every file it touched.

file_listeners: list[Callable[[set[tuple[str, str]]], None]] = []


def _touched(subject_type: str, subject_id: str) -> None:
    if not file_listeners:
        return
    connection = transaction.get_connection()
    if not hasattr(connection, "touched_files"):
        connection.touched_files = set()
    connection.touched_files.add((subject_type, subject_id))
    # one callback per write (a rolled-back transaction drops its callbacks, not the set: the next
    # commit tells its files too, which costs a listener a recomputation, never a missed change)
    transaction.on_commit(_tell_listeners, robust=True)  # a listener that fails is logged; the write stands


def _tell_listeners() -> None:
    files = transaction.get_connection().__dict__.pop("touched_files", None)
    if files:
        for listener in file_listeners:
            listener(files)


def audited_update(
    obj: models.Model, *, actor: User | None, verb: Verb | str, subject: models.Model | None = None, **changes
) -> bool:
    """Set `changes` on `obj` (a locked row), save those fields and record the change with its
    before and after, in the caller's transaction. A change that changes nothing writes nothing
    (no save, no event); returns whether it changed."""
    return _audited(obj, actor, verb, subject, "", changes)


def audited_correction(
    obj: models.Model, *, actor: User | None, verb: Verb | str, why: str, subject: models.Model | None = None, **changes
) -> bool:
    """`audited_update` of a record typed wrong: `why`, the correction's reason, is the event's purpose."""
    return _audited(obj, actor, verb, subject, why, changes)


def audited_withdrawal(obj: models.Model, *, actor: User | None, verb: Verb | str, subject, reason: str) -> None:
    """A record entered by mistake (`core.models.Withdrawable`, locked, not withdrawn yet) marked
    withdrawn now with `reason`: it stays, and the change is recorded as any other."""
    _audited(obj, actor, verb, subject, "", {"withdrawn_at": timezone.now(), "withdrawn_reason": reason.strip()})


def _audited(obj: models.Model, actor: User | None, verb: Verb | str, subject, why: str, changes: dict) -> bool:
    changed = {name: value for name, value in changes.items() if getattr(obj, name) != value}
    if not changed:
        return False
    before = snapshot(obj)
    for name, value in changed.items():
        setattr(obj, name, value)
    fields = [*changed, *(f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False))]
    obj.save(update_fields=fields)
    record_write(actor=actor, verb=verb, obj=obj, before=before, subject=subject, purpose=why)
    return True


# --- reads -------------------------------------------------------------------------------
# Every read of a child's record or a case file is audited (RULES §9), whatever the path. What
# shows a record notes it here (`note_read`); the request's reads become events when the answer
# is sent (`ReadAuditMiddleware`): one per kind of record and purpose, naming every record shown.
# Outside a request (a task, a command) nothing is shown to a reader, so nothing is noted.

_reads: contextvars.ContextVar[dict | None] = contextvars.ContextVar("reads", default=None)


def note_read(obj: models.Model | None = None, *, label: str = "", ids=(), purpose: str = "") -> None:
    """`obj` (or the records `ids` of model `label`) is shown to the caller of this request."""
    reads = _reads.get()
    if reads is None:
        return
    if obj is not None:
        label, ids = _label(obj), (obj.pk,)
    reads.setdefault((label, purpose[:300]), set()).update(map(str, ids))


@contextlib.contextmanager
def collecting_reads():
    """Collect the reads of one request; yields the dict `flush_reads` records."""
    token = _reads.set({})
    try:
        yield _reads.get()
    finally:
        _reads.reset(token)


def flush_reads(reads: dict, actor: User) -> list[AuditEvent]:
    """One read event per (kind of record, purpose): a single record in `object_id`, a list in
    `object_ids` (",12,15,")."""
    events = []
    for (label, purpose), ids in sorted(reads.items()):
        if not ids:
            continue
        ordered = sorted(sorted(ids), key=len)  # numbers in order: by length, then by digits (stable)
        single = len(ordered) == 1
        events.append(
            AuditEvent(
                actor=actor,
                actor_role=actor.role,
                request_id=current_request_id(),
                action=AuditEvent.Action.READ,
                verb="read" if single else "read_list",
                object_type=label,
                object_id=ordered[0] if single else "",
                object_ids="" if single else f",{','.join(ordered)},",
                subject_type=label,
                subject_id=ordered[0] if single else "",
                purpose=purpose,
            )
        )
    if len(events) == 1:  # most requests: one INSERT, without bulk_create's transaction around it (half the time)
        events[0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create(events)
    return events


def reads_of_q(object_id: str):
    """Read events naming the record `object_id` (alone or in a list)."""
    from django.db.models import Q

    return Q(object_id=object_id) | Q(object_ids__contains=f",{object_id},")


def history_of(obj: models.Model):
    """Every recorded change to the file `obj`, oldest first."""
    return (
        AuditEvent.objects.filter(subject_type=_label(obj), subject_id=str(obj.pk))
        .exclude(action=AuditEvent.Action.READ)
        .select_related("actor")
        .order_by("id")
    )


def changes_to(obj: models.Model) -> list[dict]:
    """Each change to the file `obj`, newest first, as its page lists them: when, what (the audit's
    words) and who. No value: the record shows what it is now, the auditor's page what it was."""
    from .models import Role

    roles = dict(Role.choices)
    return [
        {
            "at": event.at,
            "what": VERB_LABELS.get(event.verb, event.verb),
            "who": f"{event.actor.username} · {roles.get(event.actor_role, event.actor_role)}"
            if event.actor
            else _("the system"),
        }
        for event in history_of(obj).reverse()
    ]


# --- what a reader of the audit log sees -------------------------------------------------
# An app whose records need hiding in snapshots (registry: a sealed child's identity) registers
# a function: given the page of events, it returns how to show each event's answer.

_event_views: list = []


def shows_events(view):
    """Register `view(events) -> fn(event, data) -> data` for every page of the audit log."""
    _event_views.append(view)
    return view


def event_view(events):
    """How to show each of `events` (a page of the audit log), by every registered view."""
    views = [view(events) for view in _event_views]

    def show(event, data: dict) -> dict:
        for view in views:
            data = view(event, data)
        return data

    return show
