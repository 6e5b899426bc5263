"""Every report as CSV and XLSX with the same numbers as its JSON: both are flattened from
the same data. `?format=csv` / `?format=xlsx` (DRF's format override)."""

from __future__ import annotations

import csv
import datetime
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rest_framework.renderers import BaseRenderer


def flatten(data, prefix: str = "") -> list[tuple[str, object]]:
    """{"foreign": {"boys": 3}} -> [("foreign.boys", 3)]; lists of rows are left to `table`."""
    rows = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(flatten(value, f"{name}."))
        elif not isinstance(value, list):
            rows.append((name, value))
    return rows


def table(data, columns: dict | None = None) -> tuple[list[str], list[list]]:
    """A report's rows: its `results` list when it has one, else (figure, value) pairs. A view that
    names its `columns` ({key: label}) gets its header in the reader's language, even with no row."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        results = data["results"]
        keys = list(columns) if columns else (list(results[0]) if results else [])
        header = [str(columns[k]) for k in keys] if columns else keys
        return [_cell(h) for h in header], [[_cell(row.get(k)) for k in keys] for row in results]
    if isinstance(data, dict) and "errors" in data:
        return ["field", "code", "message"], [
            [_cell(e.get(k)) for k in ("field", "code", "message")] for e in data["errors"]
        ]
    return ["figure", "value"], [[_cell(name), _cell(value)] for name, value in flatten(data)]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet would read as a formula (RULES §9: `=HYPERLINK(...)` as a child's name)
    is written as text: prefixed with an apostrophe, in CSV and XLSX alike."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, datetime.date):
        value = value.isoformat()
    return neutralise(value)


def _columns(renderer_context) -> dict | None:
    """The rows' columns the view names (ReportView.columns), if any."""
    return getattr((renderer_context or {}).get("view"), "columns", None)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        header, rows = table(data, _columns(renderer_context))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8")


class XLSXRenderer(BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        header, rows = table(data, _columns(renderer_context))
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "report"
        sheet.append(header)
        for row in rows:
            # control characters cannot be stored in a spreadsheet cell; text is never a formula
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f":
                    cell.data_type = "s"
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
