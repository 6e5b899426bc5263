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


def table(data) -> tuple[list[str], list[list]]:
    """A report's rows: its `results` list when it has one, else (figure, value) pairs."""
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        results = data["results"]
        header = list(results[0]) if results else []
        return header, [[_cell(row[h]) for h in header] for row in results]
    if isinstance(data, dict) and "errors" in data:
        return ["field", "code", "message"], [[e.get("field"), e.get("code"), e.get("message")] for e in data["errors"]]
    return ["figure", "value"], [[name, _cell(value)] for name, value in flatten(data)]


def _cell(value):
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        header, rows = table(data)
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
        header, rows = table(data)
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "report"
        sheet.append(header)
        for row in rows:
            # control characters cannot be stored in a spreadsheet cell
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()
