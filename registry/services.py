"""Writes of the registry: one function per business action, each with its audit event.

Views, admin, imports and sweeps all come through here.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import Q
from django.db.models.functions import Collate
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import copying
from core.audit import Verb, audited_correction, audited_update, audited_withdrawal, record_write, snapshot
from core.countries import KZ, citizenship_error
from core.dates import in_text, is_minor
from core.deadlines import OF_A_CHILD_ON_THE_REGISTERS
from core.errors import (
    ConflictError,
    FieldError,
    Forbidden,
    RuleError,
    for_roles,
    not_future,
    not_stale,
    raise_errors,
    reason_errors,
)
from core.models import District, Role, User
from core.services import close_reminders

from . import contributions, deadlines, rules, sealing
from .deadlines import ESCALATION_REMINDER
from .models import (
    Child,
    ChildStatus,
    DeregistrationReason,
    DocumentKind,
    DuplicateFlag,
    Ground,
    GroundCode,
    GroundDocument,
    Level,
    Parent,
    ParentalConsent,
    RegisterEntry,
)

# what duplicate detection compares (`duplicates_among`): a correction of any of them compares again
COMPARED = frozenset({"last_name", "first_name", "patronymic", "sex", "birth_date", "birth_registration_number"})
EDITABLE_FIELDS = (
    "last_name",
    "first_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_registration_number",
    "identified_on",
    "health_notes",
    "citizenship",
)


@dataclass(frozen=True)
class DuplicateWarning:
    code: str
    detail: str
    child: int | None = None

    def as_dict(self) -> dict:
        data: dict[str, str | int] = {"code": self.code, "detail": self.detail}
        if self.child is not None:
            data["child"] = self.child
        return data


def validate_child_facts(
    *, birth_date: datetime.date, identified_on: datetime.date, on: datetime.date | None = None
) -> list[FieldError]:
    """RULES §8 for a child: no future dates (after `on`, default today), born before identified,
    under 18 when identified."""
    errors: list[FieldError] = []
    not_future("birth_date", birth_date, errors, on=on)
    not_future("identified_on", identified_on, errors, on=on)
    if birth_date > identified_on:
        errors.append(
            FieldError(
                "birth_date", "born_after_identified", _("The birth date is after the date the child was identified.")
            )
        )
    elif not is_minor(birth_date, identified_on):
        errors.append(
            FieldError(
                "identified_on",
                "not_a_minor",
                _("The person was 18 or older on the date identified: not a child (Rights of Children Act art. 1)."),
            )
        )
    return errors


def duplicate_query(children) -> Q:
    """Children that may duplicate any of `children`: same sex and birth date, or same birth
    registration number (`duplicates_among` decides)."""
    return alike_query(children) | same_number_query(children)


def alike_query(children) -> Q:
    """Children of the same sex and birth date as any of `children`."""
    query = Q(pk__in=[])
    for sex in {c.sex for c in children}:
        query |= Q(sex=sex, birth_date__in={c.birth_date for c in children if c.sex == sex})
    return query


def same_number_query(children) -> Q:
    """Children with the birth registration number of any of `children`."""
    numbers = {rules.number_key(c.birth_registration_number) for c in children if c.birth_registration_number}
    return Q(birth_registration_number__upper__in_array=numbers) if numbers else Q(pk__in=[])


def duplicates_among(child: Child | Stored, others) -> list[rules.DuplicateCandidate]:
    """Likely duplicates of `child` among `others` (in any district): the same birth registration
    number (in either case), or the same sex and birth date and a similar name (Cyrillic and Latin spellings
    fold to one key)."""
    found = []
    number = rules.number_key(child.birth_registration_number)
    for other in others:
        if other.pk == child.pk:
            continue
        if number and rules.number_key(other.birth_registration_number) == number:
            found.append(rules.DuplicateCandidate(other.pk, "birth_registration_number", other.district_id))
        elif (
            other.sex == child.sex
            and other.birth_date == child.birth_date
            and rules.names_similar(child.search_name, other.search_name)
        ):
            found.append(rules.DuplicateCandidate(other.pk, "name_and_birth_date", other.district_id))
    return found


class Stored(NamedTuple):
    """What duplicate detection needs of a stored child (plain values: there can be many)."""

    pk: int
    sex: str
    birth_date: datetime.date
    search_name: str
    birth_registration_number: str
    district_id: str


def stored_alike(query: Q) -> list[Stored]:
    """The unsealed stored children of `query` (e.g. `duplicate_query`), by id."""
    # a sealed identity is compared with nothing (RULES §9: it never matches, and no warning may confirm it)
    rows = Child.objects.filter(query, sealed_on__isnull=True).order_by("pk").values_list(*Stored._fields)
    # plain rows in one fetch: an import's batch reads tens of thousands (the ORM's rows cost more than the query)
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # nothing to compare with (no child given)
        return []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [Stored._make(row) for row in cursor.fetchall()]


class Alike(NamedTuple):
    """The stored children of one sex and birth date, column by column: an import compares each
    of its children with about 60 of them at 1,000,000 children, and most need no object."""

    ids: list[int]
    names: list[str]
    numbers: list[str]
    districts: list[str]

    def stored(self, key: tuple[str, datetime.date], i: int) -> Stored:
        return Stored(self.ids[i], *key, self.names[i], self.numbers[i], self.districts[i])


def stored_alike_by_key(children) -> dict[tuple[str, datetime.date], Alike]:
    """The unsealed stored children of the same sex and birth date as any of `children`, by the
    two (as `stored_alike(alike_query(...))`, without a row object each: on PostgreSQL one row a pair)."""
    if not children:
        return {}
    rows = Child.objects.filter(alike_query(children), sealed_on__isnull=True).order_by()
    columns = ("pk", "search_name", "birth_registration_number", "district_id")
    if copying.available():
        # grouped by the date first and the sex by its bytes: the grouping sorts the candidates of a
        # whole file (535,000 at 1,000,000 children), and comparing the sex first, in the
        # database's collation, took 0.9 of its 1.5 s
        grouped = rows.values_list("birth_date", Collate("sex", "C")).annotate(
            **{f"{c}s": ArrayAgg(c) for c in columns}
        )
        return {(sex, born): Alike(*lists) for born, sex, *lists in grouped}
    groups: dict[tuple[str, datetime.date], Alike] = {}
    for sex, born, pk, name, number, district in rows.values_list("sex", "birth_date", *columns):
        alike = groups.setdefault((sex, born), Alike([], [], [], []))
        alike.ids.append(pk)
        alike.names.append(name)
        alike.numbers.append(number)
        alike.districts.append(district)
    return groups


def find_duplicates(child: Child) -> list[rules.DuplicateCandidate]:
    """Likely duplicates of a child already stored (see `duplicates_among`)."""
    return duplicates_among(child, stored_alike(duplicate_query([child])))


def flag_duplicates(child: Child) -> list[rules.DuplicateCandidate]:
    """Flag the likely duplicates of `child` as it is stored now, for staff to check (a flag
    already there stays one); returns them."""
    candidates = find_duplicates(child)
    DuplicateFlag.objects.bulk_create(
        [DuplicateFlag(child=child, other_id=c.child_id, reason=c.reason) for c in candidates], ignore_conflicts=True
    )
    return candidates


DUPLICATE_TEXTS = {
    "elsewhere": gettext_lazy(
        "A child recorded in another district may be the same child; "
        "the regional education department or the ministry will check it."
    ),
    "birth_registration_number": gettext_lazy("Child %(id)s of your district has the same birth registration number."),
    "name": gettext_lazy("Child %(id)s of your district has the same sex and birth date and a similar name."),
}


def duplicate_texts() -> dict[str, str]:
    """The warnings' texts in the reader's language, translated once per language: an import
    warns thousands of rows with them (a translation looked up for each took 4 of 24 s of 20,000)."""
    return _duplicate_texts(translation.get_language())


@functools.lru_cache(maxsize=8)
def _duplicate_texts(language: str | None) -> dict[str, str]:
    return {key: str(text) for key, text in DUPLICATE_TEXTS.items()}


def duplicate_warning(
    candidate: rules.DuplicateCandidate, district_id: str, texts: dict[str, str] | None = None
) -> DuplicateWarning:
    """The warning given to whoever records a child of `district_id` (`texts`: `duplicate_texts()`).
    A child of another district is never named (RULES §9): the flag goes to those who see both
    children (the region's department when both are in its region, the ministry always)."""
    texts = texts or duplicate_texts()
    if candidate.district != district_id:
        return DuplicateWarning("POSSIBLE_DUPLICATE", texts["elsewhere"])
    detail = texts["birth_registration_number" if candidate.reason == "birth_registration_number" else "name"]
    return DuplicateWarning("POSSIBLE_DUPLICATE", detail % {"id": candidate.child_id}, candidate.child_id)


@for_roles(Role.GUARDIANSHIP, scope=("district",))
@transaction.atomic
def create_child(
    *,
    actor: User | None,
    district: District,
    last_name: str,
    first_name: str,
    sex: str,
    birth_date: datetime.date,
    identified_on: datetime.date,
    patronymic: str = "",
    birth_registration_number: str = "",
    health_notes: str = "",
    external_id: str | None = None,
    citizenship: str = KZ,
) -> tuple[Child, list[DuplicateWarning]]:
    """Record an identified child (not yet on a register). Returns the child and warnings."""
    errors = validate_child_facts(birth_date=birth_date, identified_on=identified_on)
    errors += [e for e in [citizenship_error("citizenship", citizenship)] if e]
    if errors:
        raise RuleError.many(errors)
    child = Child.objects.create(
        external_id=external_id or None,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        patronymic=patronymic.strip(),
        sex=sex,
        birth_date=birth_date,
        birth_registration_number=birth_registration_number.strip(),
        district=district,
        identified_on=identified_on,
        health_notes=health_notes,
        citizenship=citizenship,
        search_name=rules.name_key(last_name, first_name, patronymic),
    )
    record_write(actor=actor, verb="create_child", obj=child)
    candidates = flag_duplicates(child)
    return child, [duplicate_warning(c, district.pk) for c in candidates]


def _locked(child: Child) -> Child:
    return Child.objects.select_for_update().get(pk=child.pk)


def _current_state(child: Child) -> rules.RegisterState:
    """The state after the whole history: kept on the (locked) child row by these services,
    so no need to re-read the history (`rules.register_state_on` answers for past dates)."""
    return rules.RegisterState(
        level=child.register_level,
        since=child.level_since,
        deregistered_on=child.deregistered_on,
        reason=child.deregistration_reason,
    )


@for_roles(Role.GUARDIANSHIP, scope=("child",))
@transaction.atomic
def update_child(*, actor: User, child: Child, version: int | None = None, **changes) -> Child:
    """Correct a child's record. `version` (the one the user saw) guards against lost updates."""
    child = _locked(child)
    not_stale(child, version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleError(sorted(unknown)[0], "not_editable", _("This field cannot be changed here."))
    if sealing.is_sealed(child):
        touched = sorted(set(changes) & set(sealing.SEALED_FIELDS))
        if touched:
            raise RuleError(
                touched[0], "sealed", _("The identity of an adopted child is sealed: it cannot be changed here.")
            )
    before = snapshot(child)
    for name, value in changes.items():
        setattr(child, name, value.strip() if isinstance(value, str) and name != "health_notes" else value)
    errors = validate_child_facts(birth_date=child.birth_date, identified_on=child.identified_on)
    errors += [e for e in [citizenship_error("citizenship", child.citizenship)] if e]
    first_entry = child.register_entries.order_by("on", "id").first()
    if first_entry and first_entry.on < child.identified_on:
        errors.append(
            FieldError("identified_on", "after_register_entry", _("The child was on a register before this date."))
        )
    if errors:
        raise RuleError.many(errors)
    child.search_name = sealing.search_key(child)
    child.version += 1
    child.save()
    record_write(actor=actor, verb="update_child", obj=child, before=before)
    if "identified_on" in changes:  # the primary register's entry is due from it (§2)
        deadlines.remind_again(child, actor=actor)
    # compared again as it is now, as a new record is (RULES §9: a sealed identity never is)
    if set(changes) & COMPARED and not sealing.is_sealed(child):
        flag_duplicates(child)
    return child


def decided_on(child: Child) -> datetime.date | None:
    """The day a court granted the child's adoption (the first, if several; none once reversed on
    appeal): the decision rests on the grounds and the parents' consents as they stood, so from
    then on none is added or withdrawn (a parent's withdrawal on that day itself counts, §11.12)."""
    decided = contributions.decisions_for(child)
    return min(decided) if decided else None


def _after_decision(child: Child, field: str, message: str) -> list[FieldError]:
    """The grounds and consents are closed once a court granted the child's adoption (`message`
    says which), or once the child died (nothing is decided of its adoption any more)."""
    if child.died_on is not None:
        return [_died(child, field)]
    decided = decided_on(child)
    return [FieldError(field, "after_decision", message % {"date": in_text(decided)})] if decided else []


def _died(child: Child, field: str) -> FieldError:
    assert child.died_on is not None
    return FieldError(
        field,
        "child_died",
        _("The child died on %(date)s: its grounds and consents are no longer recorded or withdrawn.")
        % {"date": in_text(child.died_on)},
    )


@for_roles(Role.GUARDIANSHIP, scope=("child",))
@transaction.atomic
def add_ground(*, actor: User | None, child: Child, parent: str, ground: str, documents: list[dict]) -> Ground:
    """Record a ground of adoptability for a parent (or both) with its documents (§3); only until a
    court grants the child's adoption."""
    errors = _after_decision(
        child,
        "ground",
        _("The court decided on %(date)s on the grounds as they stood: a ground can no longer be added."),
    )
    if parent not in Parent.values:
        errors.append(
            FieldError(
                "parent",
                "invalid_choice",
                _("Unknown parent: one of %(choices)s.") % {"choices": ", ".join(Parent.values)},
            )
        )
    if ground not in GroundCode.values:
        errors.append(
            FieldError(
                "ground",
                "invalid_choice",
                _("Unknown ground (RULES §3): one of %(choices)s.") % {"choices": ", ".join(GroundCode.values)},
            )
        )
    if not documents:
        errors.append(FieldError("documents", "required", _("A ground needs at least one document.")))
    if ground == GroundCode.PARENTAL_CONSENT:
        errors.append(
            FieldError(
                "ground",
                "consent_record_required",
                _(
                    "A parent's consent is recorded as a consent record (form, date, applicants named) under the "
                    "child's consents, not as a ground (RULES v2 §3)."
                ),
            )
        )
    for index, doc in enumerate(documents):
        if doc.get("kind") not in DocumentKind.values:
            errors.append(FieldError(f"documents[{index}].kind", "invalid_choice", _("Unknown kind of document.")))
        not_future(f"documents[{index}].date", doc["date"], errors)
        in_force_on = doc.get("in_force_on")
        not_future(f"documents[{index}].in_force_on", in_force_on, errors)
        if ground in rules.COURT_DECLARED and doc.get("kind") != rules.COURT_DECISION:
            errors.append(
                FieldError(
                    f"documents[{index}].kind",
                    "court_decision_required",
                    _("A ground a court declares is documented only by the court's decision (RULES v2 §3)."),
                )
            )
        if doc.get("kind") == rules.COURT_DECISION and in_force_on is None:
            errors.append(
                FieldError(
                    f"documents[{index}].in_force_on",
                    "required",
                    _("A court decision needs the date it entered into force."),
                )
            )
        if in_force_on and in_force_on < doc["date"]:
            errors.append(
                FieldError(
                    f"documents[{index}].in_force_on",
                    "before_decision",
                    _("A decision cannot enter into force before it was made."),
                )
            )
    lacking = rules.missing_documents(ground, [d["kind"] for d in documents]) if documents else set()
    if lacking and ground == "abandoned_in_institution":
        errors.append(
            FieldError(
                "documents",
                "abandonment_documents",
                _(
                    "A child abandoned in an institution needs both the birth registration document and the institution's statement (¶51); missing: %(kinds)s."
                )
                % {"kinds": ", ".join(sorted(lacking))},
            )
        )
    if errors:
        raise RuleError.many(errors)
    record = Ground.objects.create(child=child, parent=parent, ground=ground, created_by=actor)
    GroundDocument.objects.bulk_create([GroundDocument(ground=record, **doc) for doc in documents])
    record_write(
        actor=actor,
        verb="add_ground",
        obj=record,
        subject=child,
        after={**snapshot(record), "documents": [{**d, "date": d["date"].isoformat()} for d in documents]},
    )
    return record


def _enter(
    *, child: Child, actor: User | None, verb: Verb, level: str, on: datetime.date, reason: str = "", **state
) -> RegisterEntry:
    """Append an entry to a locked child's history and set the current state it leads to (`state`),
    both audited; the escalation reminders of the old state close, and on leaving the registers every
    reminder that asks something of a child on them (a proposal to the next family)."""
    entry = _add_entry(child=child, level=level, on=on, reason=reason, actor=actor)
    record_write(actor=actor, verb=verb, obj=entry, subject=child)
    audited_update(child, actor=actor, verb=verb, **state)
    answered = OF_A_CHILD_ON_THE_REGISTERS if level == RegisterEntry.DEREGISTERED else [ESCALATION_REMINDER]
    close_reminders(kinds=answered, subject_type="child", subject_id=child.pk, actor=actor)
    return entry


def _add_entry(*, child: Child, level: str, on: datetime.date, reason: str = "", actor: User | None) -> RegisterEntry:
    """Append to the history of a locked child (never before its latest entry): that entry ends on this one's date."""
    child.register_entries.filter(ended_on__isnull=True).update(ended_on=on)
    return RegisterEntry.objects.create(child=child, level=level, on=on, reason=reason, created_by=actor)


@for_roles(Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY, scope=("child",))
@transaction.atomic
def place_on_register(*, actor: User | None, child: Child, level: str, placed_on: datetime.date) -> RegisterEntry:
    """Place a child on the next register level (primary -> regional -> central, ¶52)."""
    _require_level_role(actor, level, "level")
    child = _locked(child)
    if rules.left_for_good(child):
        assert child.deregistered_on is not None  # (deregistered)
        raise ConflictError(
            "level",
            "left_for_good",
            _("The child left the registers for good on %(date)s (%(reason)s): a child is never placed on them again.")
            % {"date": in_text(child.deregistered_on), "reason": child.get_deregistration_reason_display()},
        )
    state = _current_state(child)
    expected = rules.next_level(state.level)
    if level != expected:
        if state.level == level:
            raise ConflictError(
                "level",
                "already_on_level",
                _("The child is already on the %(level)s register.") % {"level": Level(level).label},
            )
        message = _("Levels are climbed in order: the child is on %(current)s, so the next level is %(next)s.") % {
            "current": Level(state.level).label if state.level else _("no register"),
            "next": Level(expected).label if expected else _("none (central is the last)"),
        }
        raise ConflictError("level", "level_out_of_order", message)
    raise_errors(_placement_errors(child, placed_on, state.since or state.deregistered_on))
    return _enter(
        child=child,
        actor=actor,
        verb=Verb.PLACE_ON_REGISTER,
        level=level,
        on=placed_on,
        register_level=level,
        level_since=placed_on,
        status=ChildStatus.REGISTERED,
        deregistered_on=None,
        deregistration_reason="",
    )


def _require_level_role(actor: User | None, level: str, field: str) -> None:
    """Each level of the registers is placed on by its own role (§2: the district's primary, the
    region's regional, the ministry's central), and its entries corrected by it."""
    if actor is not None and actor.role != rules.LEVEL_ROLE[Level(level)]:
        raise Forbidden(
            field,
            "role_not_allowed",
            _("Your role may not place children on the %(level)s register.") % {"level": Level(level).label},
        )


def _last_two_entries(child: Child) -> tuple[RegisterEntry | None, RegisterEntry | None]:
    """The child's latest register entry and the one before it (each None if there is none)."""
    entries = list(child.register_entries.order_by("-on", "-id")[:2])
    return (entries[0] if entries else None), (entries[1] if len(entries) > 1 else None)


def _redate_latest(
    child: Child,
    entry: RegisterEntry,
    previous: RegisterEntry | None,
    on: datetime.date,
    *,
    actor: User | None,
    verb: Verb,
    why: str = "",
) -> bool:
    """The child's latest entry moved to `on` (audited, with the correction's reason), and the one
    before it ending that day (the history's invariant). Returns whether it moved."""
    if not audited_correction(entry, actor=actor, verb=verb, subject=child, why=why, on=on):
        return False
    if previous is not None:
        RegisterEntry.objects.filter(pk=previous.pk).update(ended_on=on)
    return True


def _placement_errors(child: Child, placed_on: datetime.date, last: datetime.date | None) -> list[FieldError]:
    """A placement's date: not in the future, not before the child was identified or before its
    previous register entry (`last`), and the child a minor on it."""
    errors: list[FieldError] = []
    not_future("placed_on", placed_on, errors)
    if placed_on < child.identified_on:
        errors.append(
            FieldError(
                "placed_on", "before_identified", _("A child cannot be placed on a register before being identified.")
            )
        )
    if last and placed_on < last:
        errors.append(
            FieldError(
                "placed_on",
                "before_previous_entry",
                _("The date is before the child's previous register entry (%(date)s).") % {"date": last},
            )
        )
    if not is_minor(child.birth_date, placed_on):
        errors.append(
            FieldError("placed_on", "not_a_minor", _("The child was 18 on that date and cannot be on a register."))
        )
    return errors


@for_roles(Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY, scope=("child",))
@transaction.atomic
def correct_placement(*, actor: User | None, child: Child, placed_on: datetime.date, reason: str) -> RegisterEntry:
    """The date of the child's latest placement on a register, typed wrong, corrected with the
    reason (the audit event's purpose) by the role that places on its level (§2), while no court
    has decided the child's adoption (it rests on the registers as they stood). Every wait of the
    registers runs from it: the next level's escalation (its reminder moves: `deadlines.remind_again`)
    and the central register's three months before a foreign adoption (§4 CENTRAL_REGISTER_WAIT).
    What the apps above judged by it follows (`contributions.placement_hooks`, from the earlier of
    the two dates: what the cases judged by it, their reminders of the central wait)."""
    child = _locked(child)
    entry, previous = _last_two_entries(child)
    if child.status != ChildStatus.REGISTERED or entry is None or entry.level == RegisterEntry.DEREGISTERED:
        raise ConflictError(
            "placed_on",
            "not_on_a_register",
            _("The child is on no register: only the date of its latest placement on one is corrected here."),
        )
    _require_level_role(actor, entry.level, "placed_on")
    raise_errors(
        _after_decision(
            child,
            "placed_on",
            _(
                "A court granted the child's adoption on %(date)s on the registers as they stood: the date is no "
                "longer corrected."
            ),
        )
    )
    errors = _placement_errors(child, placed_on, previous.on if previous else None)
    errors += reason_errors(reason, _("Say why the date is corrected (at least 5 characters)."))
    raise_errors(errors)
    recorded = entry.on
    if not _redate_latest(
        child, entry, previous, placed_on, actor=actor, verb=Verb.CORRECT_PLACEMENT, why=reason.strip()
    ):
        return entry  # the day as recorded: nothing to move
    audited_update(child, actor=actor, verb=Verb.CORRECT_PLACEMENT, level_since=placed_on, version=child.version + 1)
    _judge_again(actor, child, since=min(recorded, placed_on))
    return entry


@for_roles(Role.REGIONAL, Role.MINISTRY, scope=("child",))
@transaction.atomic
def withdraw_placement(*, actor: User | None, child: Child, reason: str) -> RegisterEntry:
    """The child's latest placement, on the regional or central register, made by mistake (the
    wrong child, or a level it was not to reach), withdrawn with the reason by the role that places
    on that level (§2), while no court has decided the child's adoption. The entry stays in the
    child's history, marked withdrawn, and holds for no day: the child is on the level below again,
    from that placement's date. Every wait runs from there: the escalation to the level withdrawn
    is owed again (`deadlines.remind_again`), and a case that counted on the central register is
    judged again (`contributions.placement_hooks`): its three months there no longer run, so a
    foreign adoption is not eligible until the child is placed there anew. The placement on the
    primary register is not withdrawn here: a child on no register at all leaves them
    (`deregister`)."""
    child = _locked(child)
    entry, previous = _last_two_entries(child)
    if (
        child.status != ChildStatus.REGISTERED
        or entry is None
        or entry.level not in (Level.REGIONAL, Level.CENTRAL)
        or previous is None
    ):
        raise ConflictError(
            "level",
            "not_withdrawable",
            _("Only the child's latest placement on the regional or central register is withdrawn here."),
        )
    _require_level_role(actor, entry.level, "level")
    errors = _after_decision(
        child,
        "level",
        _(
            "A court granted the child's adoption on %(date)s on the registers as they stood: the placement is no "
            "longer withdrawn."
        ),
    )
    errors += reason_errors(reason, _("Say why the placement is withdrawn (at least 5 characters)."))
    raise_errors(errors)
    assert previous.level == rules.LEVELS[rules.LEVELS.index(Level(entry.level)) - 1]  # levels are climbed in order
    audited_withdrawal(entry, actor=actor, verb=Verb.WITHDRAW_PLACEMENT, subject=child, reason=reason)
    RegisterEntry.objects.filter(pk=previous.pk).update(ended_on=None)  # it holds again
    audited_update(
        child,
        actor=actor,
        verb=Verb.WITHDRAW_PLACEMENT,
        register_level=previous.level,
        level_since=previous.on,
        version=child.version + 1,
    )
    _judge_again(actor, child, since=entry.on)
    return entry


def _judge_again(actor: User | None, child: Child, *, since: datetime.date) -> None:
    """What follows a change of the child's latest placement (its date corrected, or it withdrawn),
    in its transaction: the escalation's reminder is owed from the placement that now holds
    (`deadlines.remind_again`), and what the apps above judged by the registers from `since` is
    judged again (`contributions.placement_hooks`)."""
    deadlines.remind_again(child, actor=actor)
    for hook in contributions.placement_hooks:
        hook(actor, child, since)


@for_roles(Role.GUARDIANSHIP, scope=("child",))
def deregister(*, actor: User | None, child: Child, on: datetime.date, reason: str) -> RegisterEntry:
    """Take a child off every register (placed in a family, returned, 18, died) (§2); while a court's
    grant of the child's adoption awaits its entry into force, only for a death. A death also ends
    what the other apps hold open for the child (`contributions.death_hooks`: its cases)."""
    if reason == DeregistrationReason.ADOPTED:
        # Only a court decides an adoption (¶47): its entry into force deregisters the child.
        raise RuleError(
            "reason",
            "adopted_only_by_court",
            _("A child leaves the register as adopted only when a court's adoption decision enters into force."),
        )
    decided = decided_on(child)
    if decided and reason != DeregistrationReason.DIED:  # (in force, the child is off the registers already)
        raise ConflictError(
            "reason",
            "adoption_granted",
            _(
                "A court granted the child's adoption on %(date)s: the child leaves the registers when the decision "
                "enters into force, or stays on them if an appeal reverses it. Only a death is recorded meanwhile."
            )
            % {"date": in_text(decided)},
        )
    return _deregister(actor=actor, child=child, on=on, reason=reason)


def seal_identity(*, actor: User | None, child: Child, on: datetime.date, new_identity: dict | None = None) -> None:
    """A granted adoption entered into force on `on`: the child's pre-adoption identity is sealed
    from then on (RULES §9), and its name no longer matches a search. A new identity the court
    gave (RULES v2 §6) becomes the child's; the old one is kept as the sealed birth identity."""
    child = _locked(child)
    if child.sealed_on is not None:
        return
    changes: dict = {"sealed_on": on, "search_name": ""}  # no search key: sealing.search_key
    if new_identity:
        changes["birth_identity"] = {
            name: str(getattr(child, name)) if name == "birth_date" else getattr(child, name)
            for name in sealing.IDENTITY_FIELDS
        }
        for name, value in new_identity.items():
            changes[name] = datetime.date.fromisoformat(value) if name == "birth_date" else value
    audited_update(child, actor=actor, verb=Verb.SEAL_IDENTITY, **changes)


def record_death_after_adoption(*, actor: User | None, child: Child, on: datetime.date) -> RegisterEntry:
    """A child adopted (the decision in force) died: recorded by those who follow it abroad
    (`consular.services.record_death`), a second deregistration entry after its adoption's."""
    return _deregister(actor=actor, child=child, on=on, reason=DeregistrationReason.DIED, after_adoption=True)


def deregister_adopted(*, actor: User | None, child: Child, in_force_on: datetime.date) -> RegisterEntry:
    """Entry into force of a granted adoption takes the child off the registers (§6), in the
    court's transaction and in the clerk's name. A child already off them (placed with the
    guardian who adopts it, or in foster care) is recorded as adopted from then on too, so that
    its record says so and it never returns to the registers (`rules.left_for_good`)."""
    last = child.level_since or child.deregistered_on  # the latest entry's day (a guardian's child is off them)
    on = _adopted_on(in_force_on, last)
    return _deregister(actor=actor, child=child, on=on, reason=DeregistrationReason.ADOPTED)


def _adopted_on(in_force_on: datetime.date, last: datetime.date | None) -> datetime.date:
    """The day of a child's deregistration as adopted: the entry into force, never before the
    entry it ends (a placement with the guardian who adopts it, recorded later)."""
    return max(in_force_on, last) if last is not None else in_force_on


def correct_adoption_entry(*, actor: User | None, child: Child, in_force_on: datetime.date) -> None:
    """A court corrected the day its adoption of the child entered into force
    (`adoption.services.correct_in_force`, in its transaction): the child's deregistration as
    adopted, its latest entry, moves with it (never before the entry it ends, as
    `deregister_adopted` dates it), and so does the sealing of its identity."""
    child = _locked(child)
    entry, previous = _last_two_entries(child)
    assert entry is not None and entry.reason == DeregistrationReason.ADOPTED  # nothing followed it (the caller)
    day = _adopted_on(in_force_on, previous.on if previous else None)
    _redate_latest(child, entry, previous, day, actor=actor, verb=Verb.CORRECT_IN_FORCE)
    audited_update(
        child,
        actor=actor,
        verb=Verb.CORRECT_IN_FORCE,
        deregistered_on=day,
        sealed_on=in_force_on,
        version=child.version + 1,
    )


@transaction.atomic
def _deregister(
    *, actor: User | None, child: Child, on: datetime.date, reason: str, after_adoption: bool = False
) -> RegisterEntry:
    """A deregistration; what the other apps hold open for a child on the registers ends with it
    (`contributions.leave_hooks`: the proposals to families), and a death's (`death_hooks`: its
    cases), in this transaction."""
    child = _locked(child)
    if after_adoption:  # an adopted child's death, a second entry of its history
        second_entry = (
            reason == DeregistrationReason.DIED and child.deregistration_reason == DeregistrationReason.ADOPTED
        )
    else:
        # a child off the registers for a placement or a return to its parents (not for good) is
        # still recorded as adopted (by the guardian it was placed with) or dead: a second entry
        second_entry = reason in rules.FINAL_DEREGISTRATIONS and not rules.left_for_good(child)
    if child.status == ChildStatus.DEREGISTERED and not second_entry:
        raise ConflictError(
            "on",
            "already_deregistered",
            _("The child was already deregistered on %(date)s.") % {"date": child.deregistered_on},
        )
    errors: list[FieldError] = []
    not_future("on", on, errors)
    state = _current_state(child)
    if on < (state.since or state.deregistered_on or child.identified_on):
        errors.append(
            FieldError(
                "on",
                "before_previous_entry",
                _("The date is before the child's last register entry or identification."),
            )
        )
    if reason not in DeregistrationReason.values:
        errors.append(FieldError("reason", "invalid_choice", _("Unknown reason.")))
    if errors:
        raise RuleError.many(errors)
    leaves = child.status == ChildStatus.REGISTERED  # (not a second entry: it left them before)
    entry = _enter(
        child=child,
        actor=actor,
        verb=Verb.DEREGISTER,
        level=RegisterEntry.DEREGISTERED,
        on=on,
        reason=reason,
        register_level=None,
        level_since=None,
        status=ChildStatus.DEREGISTERED,
        deregistered_on=on,
        deregistration_reason=reason,
    )
    if leaves:
        for hook in contributions.leave_hooks:
            hook(actor=actor, child=child, on=on)
    if reason == DeregistrationReason.DIED:
        for hook in contributions.death_hooks:
            hook(actor=actor, child=child, on=on)
    return entry


@for_roles(Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY, scope=("flag",))
@transaction.atomic
def confirm_different_child(*, actor: User, flag: DuplicateFlag) -> DuplicateFlag:
    flag = DuplicateFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status == DuplicateFlag.Status.OPEN:
        audited_update(
            flag,
            actor=actor,
            verb=Verb.CONFIRM_DIFFERENT_CHILD,
            subject=flag.child,
            status=DuplicateFlag.Status.DIFFERENT,
            resolved_by=actor,
            resolved_at=timezone.now(),
        )
    return flag


# --- consents of parents and guardians (RULES v2 §3) --------------------------------------------


@for_roles(Role.GUARDIANSHIP, scope=("child",))
@transaction.atomic
def record_parental_consent(
    *,
    actor: User | None,
    child: Child,
    parent: str,
    given_on: datetime.date,
    form: str,
    document: dict,
    names_applicants: list[int] | None = None,
) -> ParentalConsent:
    """A parent's or guardian's written consent: the ground `parental_consent` for that parent,
    for adoption by anyone or by the applicants it names; only until a court grants the child's
    adoption."""
    errors = _after_decision(
        child,
        "given_on",
        _("The court decided on %(date)s on the consents as they stood: a consent can no longer be recorded."),
    )
    not_future("given_on", given_on, errors)
    not_future("document.date", document["date"], errors)
    if given_on < child.birth_date:
        errors.append(
            FieldError(
                "given_on",
                "before_birth",
                _("A consent cannot be given before the child's birth (%(date)s; HC93 art. 4(c)(4)).")
                % {"date": in_text(child.birth_date)},
            )
        )
    if names_applicants is not None:
        if not names_applicants:
            errors.append(
                FieldError("names_applicants", "empty", _("Name the applicants, or omit the list for anyone."))
            )
        unknown = sorted(set(names_applicants) - contributions.applicants_seen(actor, names_applicants).keys())
        if unknown:
            errors.append(
                FieldError(
                    "names_applicants",
                    "does_not_exist",
                    _("No applicant %(ids)s among those you can see.") % {"ids": ", ".join(map(str, unknown))},
                )
            )
    raise_errors(errors)
    consent = ParentalConsent.objects.create(
        child=child,
        parent=parent,
        given_on=given_on,
        form=form,
        names_applicants=sorted(set(names_applicants)) if names_applicants is not None else None,
        document_number=document["number"].strip(),
        document_date=document["date"],
        document_issued_by=document["issued_by"].strip(),
        created_by=actor,
    )
    record_write(actor=actor, verb="record_parental_consent", obj=consent, subject=child)
    return consent


@for_roles(Role.GUARDIANSHIP, scope=("child",))
@transaction.atomic
def withdraw_ground(*, actor: User | None, child: Child, ground: Ground, reason: str) -> Ground:
    """A ground recorded by mistake (the wrong ground, parent or document) is withdrawn with the
    reason, never deleted: it stays on the record and no check reads it; the right one is added
    anew. Only until a court decides the child's adoption (the decision rests on the grounds)."""
    locked = Ground.objects.select_for_update().filter(pk=ground.pk, child=child).first()
    if locked is None:
        raise RuleError("ground", "not_of_child", _("This ground is not on this child's record."))
    if locked.withdrawn_at is not None:
        raise ConflictError("ground", "already_withdrawn", _("This ground was already withdrawn."))
    errors = reason_errors(reason, _("Say why the ground is withdrawn (at least 5 characters)."))
    errors += _after_decision(
        child,
        "ground",
        _("The court decided on %(date)s on the grounds as they stood: a ground can no longer be withdrawn."),
    )
    raise_errors(errors)
    audited_withdrawal(locked, actor=actor, verb=Verb.WITHDRAW_GROUND, subject=child, reason=reason)
    return locked


@for_roles(Role.GUARDIANSHIP, scope=("parental_consent",))
@transaction.atomic
def withdraw_parental_consent(
    *, actor: User | None, parental_consent: ParentalConsent, on: datetime.date
) -> ParentalConsent:
    """A parent may withdraw until the court decides, the day of the decision included (§11.12)."""
    consent = ParentalConsent.objects.select_for_update().select_related("child").get(pk=parental_consent.pk)
    if consent.withdrawn_on:
        raise ConflictError("on", "already_withdrawn", _("This consent was already withdrawn."))
    errors: list[FieldError] = []
    not_future("on", on, errors)
    if on < consent.given_on:
        errors.append(FieldError("on", "before_given", _("Consent cannot be withdrawn before it was given.")))
    decided = [d for d in contributions.decisions_for(consent.child) if d < on]
    if consent.child.died_on is not None:
        errors.append(_died(consent.child, "on"))
    elif decided:
        errors.append(
            FieldError(
                "on",
                "after_decision",
                _("The court decided on %(date)s: a consent can no longer be withdrawn after that day.")
                % {"date": in_text(min(decided))},
            )
        )
    raise_errors(errors)
    audited_update(consent, actor=actor, verb=Verb.WITHDRAW_CONSENT, subject=consent.child, withdrawn_on=on)
    return consent
