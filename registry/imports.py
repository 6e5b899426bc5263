"""`import_children`: registers kept in spreadsheets (REPORTS.md "Bulk import").

The whole file is validated first (errors by line and column, nothing written); a valid
file is written in one transaction through the registry's services. Rows whose
`external_id` is already stored are skipped, so importing a file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import is_minor, today
from core.models import District
from core.tabular import CellError, parse_choice, parse_date, read_rows, require

from . import services
from .models import Child, Level, Sex

COLUMNS = ["external_id", "last_name", "first_name", "patronymic", "sex", "birth_date", "birth_registration_number",
           "district", "identified_on", "primary_on", "regional_on", "central_on"]
LEVEL_COLUMNS = [(Level.PRIMARY, "primary_on"), (Level.REGIONAL, "regional_on"), (Level.CENTRAL, "central_on")]


@dataclass
class ChildRow:
    line: int
    external_id: str
    values: dict
    placements: list[tuple[str, date]]


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


def validate(path: str | Path) -> tuple[list[ChildRow], list[CellError]]:
    rows = read_rows(path, COLUMNS)
    districts = set(District.objects.values_list("code", flat=True))
    seen: dict[str, int] = {}
    parsed, errors = [], []
    for line, raw in rows:
        row_errors: list[CellError] = []
        external_id = require(raw["external_id"], line, "external_id", row_errors)
        if external_id in seen:
            row_errors.append(CellError(line, "external_id", "duplicate_in_file", _("Also on line %(line)s.") % {"line": seen[external_id]}))
        seen.setdefault(external_id, line)
        require(raw["last_name"], line, "last_name", row_errors)
        require(raw["first_name"], line, "first_name", row_errors)
        sex = parse_choice(raw["sex"], Sex.values, line, "sex", row_errors)
        birth_date = parse_date(raw["birth_date"], line, "birth_date", row_errors)
        identified_on = parse_date(raw["identified_on"], line, "identified_on", row_errors)
        if raw["district"] not in districts:
            row_errors.append(CellError(line, "district", "unknown_district", _("No district with code %(code)s.") % {"code": raw["district"]}))
        if birth_date and identified_on:
            for error in services.validate_child_facts(birth_date=birth_date, identified_on=identified_on):
                row_errors.append(CellError(line, error.field, error.code, error.message))
        placements, previous, gap = [], identified_on, None
        for level, column in LEVEL_COLUMNS:
            placed_on = parse_date(raw[column], line, column, row_errors, required=False)
            if placed_on is None:
                gap = gap or (column if not raw[column] else None)
                continue
            if gap:
                row_errors.append(CellError(line, column, "level_skipped", _("%(column)s is set but %(gap)s is empty: levels are not skipped.") % {"column": column, "gap": gap}))
            if previous and placed_on < previous:
                row_errors.append(CellError(line, column, "out_of_order", _("This date is before the previous one on the row.")))
            if placed_on > today():
                row_errors.append(CellError(line, column, "future_date", _("A register date cannot be in the future.")))
            if birth_date and not is_minor(birth_date, placed_on):
                row_errors.append(CellError(line, column, "not_a_minor", _("The child was 18 on this date.")))
            placements.append((level, placed_on))
            previous = placed_on
        errors.extend(row_errors)
        if not row_errors:
            values = {name: raw[name] for name in ("last_name", "first_name", "patronymic", "birth_registration_number")}
            values.update(sex=sex, birth_date=birth_date, identified_on=identified_on, district_id=raw["district"])
            parsed.append(ChildRow(line, external_id, values, placements))
    return parsed, errors


def import_children(path: str | Path, *, dry_run: bool = False, progress: Callable[[int, int], None] | None = None) -> ImportResult:
    parsed, errors = validate(path)
    result = ImportResult(rows=len(parsed) + len({e.line for e in errors}), errors=errors, dry_run=dry_run)
    if errors or dry_run:
        return result
    existing = set(Child.objects.filter(external_id__in=[r.external_id for r in parsed]).values_list("external_id", flat=True))
    districts = {d.code: d for d in District.objects.all()}
    with transaction.atomic():
        for index, row in enumerate(parsed, start=1):
            if row.external_id in existing:
                result.skipped += 1
            else:
                values = dict(row.values)
                district = districts[values.pop("district_id")]
                child, warnings = services.create_child(actor=None, district=district, external_id=row.external_id, **values)
                for level, placed_on in row.placements:
                    services.place_on_register(actor=None, child=child, level=level, placed_on=placed_on)
                result.created += 1
                result.flagged.extend(f"line {row.line}: {w.detail}" for w in warnings)
            if progress:
                progress(index, len(parsed))
    return result
