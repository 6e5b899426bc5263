"""Reading import files (CSV with a header row, UTF-8, or XLSX) and reporting their errors
by line and column. Shared by every bulk import."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .dates import check_in_range
from .errors import too_long


@dataclass(frozen=True)
class CellError:
    line: int  # 1 is the header row
    column: str | None
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "code": self.code, "message": str(self.message)}

    def __str__(self):
        return f"line {self.line}, column {self.column or '-'}: {self.message} [{self.code}]"


class FileFormatError(Exception):
    pass


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


MAX_COLUMNS = 100  # the cells of an XLSX row read at most: the widest layout (import_adoptions) has 23 columns


def _xlsx_table(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    _require_expanding_within_limit(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.active
        sheet.reset_dimensions()  # the sheet's real size: a declared dimension may be smaller than its data
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):  # a row of 16,384 cells: 100 read
            yield [_cell(v) for v in row]
    except Exception as exc:  # whatever openpyxl meets in a file that is no workbook: not a zip, parts missing, bad XML
        raise FileFormatError(_("The file is not an XLSX workbook.")) from exc


def _require_expanding_within_limit(path: Path) -> None:
    """An XLSX is a zip: a few megabytes may expand to gigabytes of sheet (a decompression bomb
    that would hold a worker's memory and time). The sizes its parts declare are summed first;
    a part that inflates past its declared size fails the zip's own check when it is read."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(item.file_size for item in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileFormatError(_("The file is not an XLSX workbook.")) from exc
    limit = settings.IMPORT_MAX_EXPANDED_BYTES
    if expanded > limit:
        raise FileFormatError(
            _("The workbook expands to more than %(mb)s MB: split it, or save it as CSV.")
            % {"mb": limit // 1_000_000 or 1}
        )


def _csv_table(path: Path) -> Iterator[list[str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            for row in reader:
                yield [_cell(v) for v in row]
        except csv.Error as exc:  # in practice, a cell longer than the csv module's limit
            raise FileFormatError(
                _("Line %(line)s cannot be read: no cell may be longer than %(limit)s characters.")
                % {"line": reader.line_num, "limit": csv.field_size_limit()}
            ) from exc


def read_rows(path: str | Path, required_columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """[(line number, {column: text})] of a CSV or XLSX file; checks the header row. A file that
    cannot be read as one is a FileFormatError, never another exception."""
    path = Path(path)
    table = _xlsx_table(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_table(path)
    try:
        header = next(table)
    except StopIteration:
        raise FileFormatError(_("The file is empty.")) from None
    except UnicodeDecodeError:
        raise FileFormatError(_("The file is not UTF-8 text.")) from None
    header = [h.strip() for h in header]
    missing = [c for c in required_columns if c not in header]
    if missing:
        raise FileFormatError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    rows: list[tuple[int, dict[str, str]]] = []
    limit = settings.IMPORT_MAX_ROWS
    try:
        for line, values in enumerate(table, start=2):
            if not any(values):
                continue  # blank lines are not rows
            if len(rows) == limit:
                raise FileFormatError(
                    _("The file has more than %(limit)s rows: split it into files of at most %(limit)s rows.")
                    % {"limit": limit}
                )
            rows.append((line, {name: (values[i] if i < len(values) else "") for i, name in enumerate(header)}))
    except UnicodeDecodeError:
        raise FileFormatError(_("The file is not UTF-8 text.")) from None
    return rows


def parse_date(
    text: str, line: int, column: str, errors: list[CellError], *, required: bool = True
) -> datetime.date | None:
    if not text:
        if required:
            errors.append(CellError(line, column, "required", _("A date is required.")))
        return None
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        errors.append(
            CellError(line, column, "invalid_date", _("Not a date in the form YYYY-MM-DD: %(value)s") % {"value": text})
        )
        return None
    try:
        check_in_range(day)
    except ValidationError as exc:
        errors.append(CellError(line, column, "date_out_of_range", exc.messages[0]))
        return None
    return day


def parse_choice(
    text: str, choices, line: int, column: str, errors: list[CellError], *, required: bool = True
) -> str | None:
    if not text:
        if required:
            errors.append(CellError(line, column, "required", _("A value is required.")))
        return None
    if text not in choices:
        errors.append(
            CellError(
                line,
                column,
                "invalid_choice",
                _("%(value)s is not one of %(choices)s.") % {"value": text, "choices": ", ".join(choices)},
            )
        )
        return None
    return text


def require(text: str, line: int, column: str, errors: list[CellError]) -> str:
    if not text:
        errors.append(CellError(line, column, "required", _("A value is required.")))
    return text


def fits(raw: dict, stored_in: dict, line: int, errors: list[CellError]) -> None:
    """An error for each cell longer than the model field it is stored in (`stored_in`: column ->
    field): the database refuses the whole import on writing it, so it is said by line and column."""
    for column, field in stored_in.items():
        if field.max_length is not None and len(raw[column]) > field.max_length:
            error = too_long(column, field.max_length)
            errors.append(CellError(line, column, error.code, error.message))
