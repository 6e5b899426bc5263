"""Secrecy of adoption (RULES §9): the one place that decides what a reader is shown of a child.

From the day a granted adoption enters into force (`Child.sealed_on`) the child's pre-adoption
identity is sealed on every path: API answers, pages, exports, report rows, history and audit
snapshots, ground documents, search. Whatever shows a child goes through `disclose` (a model
instance) or `disclose_row` (plain values from a report query); both count as a read of the
child's record (`core.audit.note_read`), so showing a child and auditing the read cannot part.

A sealed identity is opened only by a role allowed to (`may_unseal`), for one child, with a
stated purpose (`unseal`), which the read event records.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.audit import note_read, shows_events
from core.errors import Forbidden, RuleError
from core.models import AuditEvent, Role, User

from . import contributions, rules

# The pre-adoption identity: answered `null` while sealed.
SEALED_FIELDS = ("last_name", "first_name", "patronymic", "birth_place", "birth_registration_number", "health_notes")
# What a new identity given by the court (RULES v2 §6) may replace; once it did, the child is known by
# these fields (§11.13: unchanged ones stay), and the old values are the sealed `birth_identity`.
IDENTITY_FIELDS = ("last_name", "first_name", "patronymic", "birth_date", "birth_place")
KNOWN_BY = frozenset(IDENTITY_FIELDS) & frozenset(SEALED_FIELDS)
# Keys redacted from the snapshots and documents of a sealed child's file: the identity (the birth
# date included: a court may have changed it), its search key, the numbers and issuers of ground
# and consent documents (a birth registration number, a maternity home), and what staff typed
# before the adoption (a withdrawal's reason, a search's notes, a family's refusal, the court's
# reasons for reducing the age gap), which names the child by its birth name (a register entry's
# `reason`, a code, goes with them). A case holding a sealed child has its snapshots redacted the
# same way (adoption.contributions).
SEALED_KEYS = frozenset(
    {
        *SEALED_FIELDS,
        "birth_date",
        "birth_identity",
        "search_name",
        "number",
        "issued_by",
        "document_number",
        "document_issued_by",
        "withdrawn_reason",
        "notes",
        "reason",
        "age_gap_reason",
    }
)
MIN_PURPOSE = 10
CHILD = "registry.child"


def is_sealed(child) -> bool:
    return child.sealed_on is not None


def search_key(child) -> str:
    """The name-search and duplicate-detection key: of the current identity only (a sealed name never matches)."""
    return "" if is_sealed(child) else rules.name_key(child.last_name, child.first_name, child.patronymic)


def renamed(child) -> bool:
    """The court gave the child a new identity: it is known by it (RULES v2 §6)."""
    return child.birth_identity is not None


def birth_identity(child) -> dict:
    """The pre-adoption identity (only for an unsealed read)."""
    kept = child.birth_identity or {name: getattr(child, name) for name in IDENTITY_FIELDS}
    return {**kept, "birth_registration_number": child.birth_registration_number}


def disclose(child, *, unsealed: bool = False) -> dict:
    """The identity this reader is shown of `child` ({field: value or None, "sealed": bool}, and
    `birth_identity` when a sealed identity is opened). Counts as a read of the child's record."""
    note_read(child)
    sealed = is_sealed(child) and not unsealed
    known_by = KNOWN_BY if renamed(child) else frozenset()
    shown = {name: None if sealed and name not in known_by else getattr(child, name) for name in SEALED_FIELDS}
    if unsealed and is_sealed(child):
        shown["birth_identity"] = birth_identity(child)
    return shown | {"sealed": sealed}


def disclose_row(child_id: int, sealed_on, values: dict) -> dict:
    """`values` (identity fields of a report row, by field name) as this reader is shown them.
    Counts as a read of the child's record."""
    note_read(label=CHILD, ids=[child_id])
    return {name: None if sealed_on is not None and name in SEALED_FIELDS else value for name, value in values.items()}


def shown_name(child, *, unsealed: bool = False) -> str:
    """How pages name the child: the name, or "Adopted child #id" while the identity is sealed."""
    identity = disclose(child, unsealed=unsealed)
    if identity["sealed"] and not renamed(child):
        return _("Adopted child #%(id)s") % {"id": child.pk}
    return " ".join(part for part in (identity["last_name"], identity["first_name"], identity["patronymic"]) if part)


def row_name(child_id: int, sealed_on, last_name: str, first_name: str, patronymic: str) -> str:
    """The child's name from the plain values of a row (a check's facts); '' while the identity is
    sealed (the caller names the child by number). Counts as a read of the child's record."""
    identity = disclose_row(
        child_id, sealed_on, {"last_name": last_name, "first_name": first_name, "patronymic": patronymic}
    )
    return " ".join(part for part in identity.values() if part)


def redact(data, sealed: bool):
    """A snapshot or document (dicts and lists, as JSON) with the sealed keys answered `null`."""
    if not sealed:
        return data
    if isinstance(data, dict):
        return {key: None if key in SEALED_KEYS else redact(value, sealed) for key, value in data.items()}
    if isinstance(data, list):
        return [redact(item, sealed) for item in data]
    return data


def redact_event(data: dict, event, sealed: set[tuple[str, str]]) -> dict:
    """An audit event's answer, its snapshots redacted when the event belongs to one of the
    `sealed` files (see `sealed_subjects`), and the purpose of a change to it: a correction's
    reason, typed by staff who knew the child by its birth name. A read's purpose stays: why a
    sealed identity was opened is what the audit of an unsealing reads."""
    if (event.subject_type, event.subject_id) not in sealed:
        return data
    data = data | {"before": redact(data["before"], True), "after": redact(data["after"], True)}
    if data.get("purpose") and event.action != AuditEvent.Action.READ:
        data["purpose"] = None
    return data


@shows_events
def audit_log_view(events):
    """The audit log shows a sealed child's snapshots redacted; a change's snapshot shows a part
    of the child's record, so it is a read of it (a read event shows none)."""
    sealed = sealed_subjects(events)
    note_read(
        label=CHILD,
        ids={
            e.subject_id
            for e in events
            if e.subject_type == CHILD and e.subject_id and (e.before is not None or e.after is not None)
        },
    )
    return lambda event, data: redact_event(data, event, sealed)


def sealed_subjects(events) -> set[tuple[str, str]]:
    """The (subject type, id) of these audit events that are sealed children's files (one query)."""
    from .models import Child

    ids = {e.subject_id for e in events if e.subject_type == CHILD and e.subject_id.isdigit()}
    sealed = Child.objects.filter(pk__in=ids, sealed_on__isnull=False).values_list("pk", flat=True)
    return {(CHILD, str(pk)) for pk in sealed}


def may_unseal(user: User, child) -> bool:
    """ROLES.md: ministry, auditor, the child's district guardianship agency, the court of the
    adoption. Never regional staff, never consular posts."""
    if user.role in (Role.MINISTRY, Role.AUDITOR):
        return True
    if user.role == Role.GUARDIANSHIP:
        return child.district_id == user.district_id
    contributed = contributions.unsealers.get(user.role)  # the court of the adoption: adoption says
    return bool(contributed and contributed(user, child))


def unseal(user: User, child, purpose: str | None) -> bool:
    """Open the sealed identity of `child` for this request if `purpose` is given (None: not
    asked). Refuses a role that may not (403) and a purpose under 10 characters (400); the read is
    recorded with the purpose. Returns whether the identity is shown."""
    if purpose is None or not is_sealed(child):
        return False
    if not may_unseal(user, child):
        raise Forbidden(
            "purpose", "sealed", _("The identity of an adopted child is sealed; your role may not open it.")
        )
    purpose = purpose.strip()
    if len(purpose) < MIN_PURPOSE:
        raise RuleError(
            "purpose",
            "purpose_required",
            _("State why you need the sealed identity (at least 10 characters); it is recorded."),
        )
    note_read(child, purpose=purpose)
    return True


def stays_sealed(user: User, child, purpose: str | None) -> bool:
    """Whether `child`'s identity stays sealed for this reader in this request (see `unseal`)."""
    return is_sealed(child) and not unseal(user, child, purpose)
