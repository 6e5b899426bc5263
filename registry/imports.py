"""`import_children`: registers kept in spreadsheets (REPORTS.md "Bulk import").

The whole file is validated first (errors by line and column, nothing written) with the
registry's rules; a valid file is written in one transaction, in batches: bulk inserts of
the children, register entries and duplicate flags the services would write, with their
audit events. Rows whose `external_id` is already stored are skipped, so importing a file
twice changes nothing.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import copying, locks
from core.audit import audit_event
from core.batching import batched
from core.dates import is_minor, today
from core.errors import refused_by_database
from core.models import AuditEvent, District
from core.tabular import CellError, fits, parse_choice, parse_date, read_rows, require

from . import services
from .models import Child, DuplicateFlag, Level, RegisterEntry, Sex
from .rules import Entry, entry_ends, name_key, names_maybe_similar, number_key, register_state_on
from .services import Stored

COLUMNS = [
    "external_id",
    "last_name",
    "first_name",
    "patronymic",
    "sex",
    "birth_date",
    "birth_registration_number",
    "district",
    "identified_on",
    "primary_on",
    "regional_on",
    "central_on",
]
SEXES = Sex.values
# the columns stored as they are, each in its field (core.tabular.fits: no longer than it)
STORED_IN = {
    column: Child._meta.get_field(column)
    for column in ("external_id", "last_name", "first_name", "patronymic", "birth_registration_number")
}
LEVEL_COLUMNS = [(Level.PRIMARY, "primary_on"), (Level.REGIONAL, "regional_on"), (Level.CENTRAL, "central_on")]


@dataclass
class ChildRow:
    line: int
    external_id: str
    values: dict
    placements: list[tuple[Level, date]]


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    skipped: int = 0
    errors: list[CellError] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # e.g. possible duplicates, for the summary
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


Importer = Callable[..., ImportResult]  # (path, *, dry_run, progress, waiting)


def one_at_a_time(importer: Importer) -> Importer:
    """An import in one transaction that holds the imports' lock (`core.locks`) from its
    validation to its commit. A second import of the same rows waits, then finds them stored and
    skips them (REPORTS.md: importing the same file twice changes nothing); before, both
    validated them as new and the second failed on their unique keys. A record a user writes
    meanwhile that the file conflicts with (a consular post's registration number) ends the
    import with nothing written and an error naming it, as a file's errors are."""

    @functools.wraps(importer)
    def run(
        path: str | Path,
        *,
        dry_run: bool = False,
        progress: Callable[[int, int], None] | None = None,
        waiting: Callable[[], None] | None = None,
    ):
        try:
            with transaction.atomic():
                locks.hold(locks.IMPORTS, waiting=waiting)  # another import runs: `waiting` says so
                return importer(path, dry_run=dry_run, progress=progress)
        except IntegrityError as exc:
            refused_by_database(exc)
            message = _(
                "A record written while the file was imported conflicts with it: nothing was imported. "
                "Import the file again: what is stored now is skipped, or named by line."
            )
            return ImportResult(errors=[CellError(1, None, "conflict", message)], dry_run=dry_run)

    return run


def validate(path: str | Path) -> tuple[list[ChildRow], list[CellError]]:
    rows = read_rows(path, COLUMNS)
    districts = set(District.objects.values_list("code", flat=True))
    seen: dict[str, int] = {}
    parsed, errors = [], []
    on = today()  # the day every row is judged on, read once
    for line, raw in rows:
        row_errors: list[CellError] = []
        external_id = require(raw["external_id"], line, "external_id", row_errors)
        if external_id in seen:
            row_errors.append(
                CellError(
                    line, "external_id", "duplicate_in_file", _("Also on line %(line)s.") % {"line": seen[external_id]}
                )
            )
        seen.setdefault(external_id, line)
        require(raw["last_name"], line, "last_name", row_errors)
        require(raw["first_name"], line, "first_name", row_errors)
        fits(raw, STORED_IN, line, row_errors)
        sex = parse_choice(raw["sex"], SEXES, line, "sex", row_errors)
        birth_date = parse_date(raw["birth_date"], line, "birth_date", row_errors)
        identified_on = parse_date(raw["identified_on"], line, "identified_on", row_errors)
        if raw["district"] not in districts:
            row_errors.append(
                CellError(
                    line,
                    "district",
                    "unknown_district",
                    _("No district with code %(code)s.") % {"code": raw["district"]},
                )
            )
        if birth_date and identified_on:
            for error in services.validate_child_facts(birth_date=birth_date, identified_on=identified_on, on=on):
                row_errors.append(CellError(line, error.field, error.code, error.message))
        placements, previous, gap = [], identified_on, None
        for level, column in LEVEL_COLUMNS:
            placed_on = parse_date(raw[column], line, column, row_errors, required=False)
            if placed_on is None:
                gap = gap or (column if not raw[column] else None)
                continue
            if gap:
                row_errors.append(
                    CellError(
                        line,
                        column,
                        "level_skipped",
                        _("%(column)s is set but %(gap)s is empty: levels are not skipped.")
                        % {"column": column, "gap": gap},
                    )
                )
            if previous and placed_on < previous:
                row_errors.append(
                    CellError(line, column, "out_of_order", _("This date is before the previous one on the row."))
                )
            if placed_on > on:
                row_errors.append(CellError(line, column, "future_date", _("A register date cannot be in the future.")))
            if birth_date and not is_minor(birth_date, placed_on):
                row_errors.append(CellError(line, column, "not_a_minor", _("The child was 18 on this date.")))
            placements.append((level, placed_on))
            previous = placed_on
        errors.extend(row_errors)
        if not row_errors:
            values: dict[str, object] = {
                name: raw[name] for name in ("last_name", "first_name", "patronymic", "birth_registration_number")
            }
            values.update(sex=sex, birth_date=birth_date, identified_on=identified_on, district_id=raw["district"])
            parsed.append(ChildRow(line, external_id, values, placements))
    return parsed, errors


BATCH = 1000  # rows per bulk write (the embedded SQLite)
SET_BATCH = 2_000  # rows per set-based write (PostgreSQL): a few statements each, progress between


@one_at_a_time
def import_children(
    path: str | Path, *, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> ImportResult:
    parsed, errors = validate(path)
    result = ImportResult(rows=len(parsed) + len({e.line for e in errors}), errors=errors, dry_run=dry_run)
    if errors or dry_run:
        return result
    existing = set(
        Child.objects.filter(external_id__in_array=[r.external_id for r in parsed]).values_list(
            "external_id", flat=True
        )
    )
    new = [row for row in parsed if row.external_id not in existing]
    result.skipped = len(parsed) - len(new)
    copying.begin_bulk()
    written: list[Stored] = []
    for batch in batched(new, SET_BATCH if copying.available() else BATCH):
        written += _write(batch)
        result.created += len(batch)
        if progress:
            progress(result.skipped + result.created, len(parsed))
    # the duplicate search of the whole file at once, each row against the register and the rows before it
    line = _("line %(line)s: %(warning)s")
    for row, warnings in zip(new, flag_duplicates(written), strict=True):
        result.flagged.extend(line % {"line": row.line, "warning": w.detail} for w in warnings)
    if progress and not new:
        progress(len(parsed), len(parsed))
    return result


def _write(rows: list[ChildRow]) -> list[Stored]:
    """Write validated rows; what the duplicate search needs of each child written, in order."""
    return _write_set_based(rows) if copying.available() else _write_bulk(rows)


def _stored(row: ChildRow) -> dict:
    """What a validated row stores of its child, by column: the same for both ways of writing."""
    v = row.values
    state = register_state_on([Entry(level, on) for level, on in row.placements])
    return {
        "external_id": row.external_id,
        "last_name": v["last_name"].strip(),
        "first_name": v["first_name"].strip(),
        "patronymic": v["patronymic"].strip(),
        "sex": v["sex"],
        "birth_date": v["birth_date"],
        "birth_registration_number": v["birth_registration_number"].strip(),
        "district_id": v["district_id"],
        "identified_on": v["identified_on"],
        "search_name": name_key(v["last_name"], v["first_name"], v["patronymic"]),
        "register_level": state.level,
        "level_since": state.since,
    }


def _entries(row: ChildRow) -> list[tuple]:
    """(level, on, ended_on) of each register entry a validated row stores."""
    ends = entry_ends([on for _level, on in row.placements])
    return [(level, on, ended_on) for (level, on), ended_on in zip(row.placements, ends, strict=True)]


STAGE = [
    ("external_id", "text"),
    ("last_name", "text"),
    ("first_name", "text"),
    ("patronymic", "text"),
    ("sex", "text"),
    ("birth_date", "date"),
    ("birth_registration_number", "text"),
    ("district_id", "text"),
    ("identified_on", "date"),
    ("search_name", "text"),
    ("register_level", "text"),
    ("level_since", "date"),
]
STAGE_ENTRIES = [("child_id", "bigint"), ("level", "text"), ("on", "date"), ("ended_on", "date")]


def _write_set_based(rows: list[ChildRow]) -> list[Stored]:
    """PostgreSQL: the same rows as `_write_bulk`, written set by set: the rows and their register
    entries are copied (COPY) into temporary tables; the children, the entries and the audit
    events of both are each one INSERT ... SELECT."""
    stored = [_stored(row) for row in rows]
    copying.copy_into_temp(
        "import_child",
        [("ord", "integer"), *STAGE],
        ((i, *(c[name] for name, _ in STAGE)) for i, c in enumerate(stored)),
    )
    ids = [
        pk
        for (pk,) in copying.insert_select(
            Child, {name: f"s.{name}" for name, _type in STAGE}, "FROM import_child s ORDER BY s.ord"
        )
    ]
    copying.copy_into_temp(
        "import_entry",
        STAGE_ENTRIES,
        [(pk, *entry) for pk, row in zip(ids, rows, strict=True) for entry in _entries(row)],
    )
    entry_ids = [
        pk
        for (pk,) in copying.insert_select(
            RegisterEntry,
            {"child_id": "e.child_id", "level": "e.level", "on": 'e."on"', "ended_on": "e.ended_on"},
            'FROM import_entry e ORDER BY e.child_id, e."on"',
        )
    ]
    copying.audit_created(Child, ids, "create_child")
    copying.audit_created(RegisterEntry, entry_ids, "place_on_register", subject=("registry.child", "r.child_id"))
    return [Stored(pk, *(c[name] for name in Stored._fields[1:])) for pk, c in zip(ids, stored, strict=True)]


def flag_duplicates(
    children: list[Stored], comparable: Callable[[int, int], bool] | None = None, *, among: Iterable[Stored] = ()
) -> list[list]:
    """Each new child, in the order of its id, against the unsealed stored ones before it (the
    earlier rows of the file included) and those of `among` before it (the file's own children
    when the file has already sealed them), those `comparable(child, other)` allows, by the
    registry's rule; the flags written, the warnings returned in the children's order. The whole
    file's candidates are read at once; of the stored children of the same sex and birth date
    (about 60 a child at 1,000,000), the rule judges those whose names pass its bound
    (`names_maybe_similar`, one call a child) and those of the same number. `children` were all
    created by the caller's transaction and each pair is found once, so no flag written can be
    there already: they are inserted as they are (a conflict would be an error, not skipped)."""
    alike = services.stored_alike_by_key(children)
    same_number = defaultdict(list)
    for other in services.stored_alike(services.same_number_query(children)):
        same_number[number_key(other.birth_registration_number)].append(other)
    known = defaultdict(list)  # `among`, by sex and birth date
    for other in among:
        known[other.sex, other.birth_date].append(other)
        if other.birth_registration_number:
            same_number[number_key(other.birth_registration_number)].append(other)
    warnings, flags, texts = [], [], services.duplicate_texts()
    for child in children:
        key = (child.sex, child.birth_date)
        stored = alike.get(key)
        near = [stored.stored(key, i) for i in names_maybe_similar(child.search_name, stored.names)] if stored else []
        near += known.get(key, ())
        near += same_number.get(number_key(child.birth_registration_number), ())
        others = {o.pk: o for o in near if o.pk < child.pk and (comparable is None or comparable(child.pk, o.pk))}
        candidates = services.duplicates_among(child, sorted(others.values(), key=lambda o: o.pk))
        flags += [(child.pk, c.child_id, c.reason) for c in candidates]
        warnings.append([services.duplicate_warning(c, child.district_id, texts) for c in candidates])
    if copying.available():
        copying.copy_into_temp(
            "import_flag", [("child_id", "bigint"), ("other_id", "bigint"), ("reason", "text")], flags
        )
        copying.insert_select(
            DuplicateFlag,
            {"child_id": "f.child_id", "other_id": "f.other_id", "reason": "f.reason"},
            "FROM import_flag f ORDER BY f.child_id, f.other_id",
        )
    else:
        DuplicateFlag.objects.bulk_create([DuplicateFlag(child_id=c, other_id=o, reason=r) for c, o, r in flags])
    return warnings


def _write_bulk(rows: list[ChildRow]) -> list[Stored]:
    """Write validated rows in bulk, in a handful of queries per batch instead of a dozen per
    row: the children with their current state and their register entries (the duplicate flags
    follow for the whole file), the same as creating each child and placing it through the
    services would give (tests/registry/test_import.py compares them); in the audit trail, each
    child's creation (with its state) and each register entry, by the system."""
    children = [Child(**_stored(row)) for row in rows]
    Child.objects.bulk_create(children)
    entries = [
        RegisterEntry(child=child, level=level, on=on, ended_on=ended_on)
        for child, row in zip(children, rows, strict=True)
        for level, on, ended_on in _entries(row)
    ]
    RegisterEntry.objects.bulk_create(entries)
    AuditEvent.objects.bulk_create(
        [audit_event(actor=None, verb="create_child", obj=child) for child in children]
        + [audit_event(actor=None, verb="place_on_register", obj=entry, subject=entry.child) for entry in entries]
    )
    return [Stored(*(getattr(child, name) for name in Stored._fields)) for child in children]
