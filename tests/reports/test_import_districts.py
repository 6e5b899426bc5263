"""A case's children are in its district (adoption.services.open_case): an import row naming a
stored child gives the district that child is on the register of, or it is refused by line."""

import csv

import pytest

from adoption.models import Case
from core.management.commands.seed_demo import load_reference_data
from core.models import District
from reports.imports import COLUMNS, import_adoptions
from tests.reports.conftest import HISTORICAL_CASE, NEW_CHILD, stored_child

pytestmark = pytest.mark.django_db


def write(path, *rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(dict.fromkeys(COLUMNS, "") | HISTORICAL_CASE | row for row in rows)
    return path


@pytest.fixture
def stored():
    load_reference_data()
    home, other = District.objects.order_by("code")[:2]
    child = stored_child(home)
    return child, home, other


@pytest.mark.parametrize("with_new_child", [False, True])
def test_a_stored_child_of_another_district_is_refused_by_line(stored, tmp_path, with_new_child):
    child, home, other = stored
    rows = [{"child_external_id": "OLD-1", "district": other.code}]
    if with_new_child:
        rows.append(NEW_CHILD | {"district": other.code})
    result = import_adoptions(write(tmp_path / "a.csv", *rows))
    assert [(e.line, e.column, e.code) for e in result.errors] == [(2, "district", "not_the_childs_district")]
    assert home.code in result.errors[0].message
    assert not Case.objects.exists()


def test_a_stored_child_in_its_own_district_is_imported_with_the_case_there(stored, tmp_path):
    child, home, _ = stored
    result = import_adoptions(
        write(
            tmp_path / "a.csv",
            {"child_external_id": "OLD-1", "district": home.code},
            NEW_CHILD | {"district": home.code},
        )
    )
    assert result.ok and result.created == 2
    case = Case.objects.get(case_ref="MIX-1")
    assert case.district == home
    assert {c.district_id for c in case.children.all()} == {home.pk}
    assert {a.district_id for a in case.applicants.all()} == {home.pk}
