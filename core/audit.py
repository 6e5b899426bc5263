"""The audit trail: one place that records every write and every read of a file.

Services call `record_write` inside their transaction, so the change and its
audit event commit together or not at all. Views call `record_read` when a
child's record or a case file is shown.
"""

from __future__ import annotations

import datetime
import decimal
import uuid

from django.db import models
from django.db.models.fields.files import FieldFile

from .context import current_request_id
from .models import AuditEvent, User


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


def audit_event(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    subject: models.Model | None = None,
    action: str | None = None,
) -> AuditEvent:
    """The (unsaved) event recording a change to `obj`; the file it belongs to is `subject`
    (default `obj`). Bulk writers save many at once; `record_write` saves one."""
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
    )


def record_write(**kwargs) -> AuditEvent:
    """Record a change (see `audit_event`), inside the caller's transaction."""
    event = audit_event(**kwargs)
    event.save()
    return event


def record_read(*, actor: User, obj: models.Model, purpose: str = "") -> AuditEvent:
    """Record that `actor` was shown `obj` (a child's record or a case file)."""
    label, pk = _label(obj), str(obj.pk)
    return AuditEvent.objects.create(
        actor=actor,
        actor_role=actor.role,
        request_id=current_request_id(),
        action=AuditEvent.Action.READ,
        verb="read",
        object_type=label,
        object_id=pk,
        subject_type=label,
        subject_id=pk,
        purpose=purpose[:300],
    )


def history_of(obj: models.Model):
    """Every recorded change to the file `obj`, oldest first."""
    return (
        AuditEvent.objects.filter(subject_type=_label(obj), subject_id=str(obj.pk))
        .exclude(action=AuditEvent.Action.READ)
        .select_related("actor")
        .order_by("id")
    )
