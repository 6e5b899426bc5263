"""A case's children are in its district (adoption.services.open_case): an import row naming a
stored child gives the district that child is on the register of, or it is refused by line."""

import csv
from datetime import date

import pytest

from adoption.models import Case
from core.management.commands.seed_demo import load_reference_data
from core.models import District
from registry import services
from reports.imports import COLUMNS, import_adoptions

pytestmark = pytest.mark.django_db

CASE = {
    "case_ref": "MIX-1",
    "relative": "no",
    "applicant1_sex": "F",
    "applicant1_citizenship": "KZ",
    "applicant1_residence_country": "KZ",
    "applicant1_marital_status": "single",
    "decided_on": "2020-05-04",
    "in_force_on": "2020-05-19",
}
NEW_CHILD = {"child_last_name": "New", "child_first_name": "Aru", "child_sex": "F", "child_birth_date": "2016-07-07"}


def write(path, *rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(dict.fromkeys(COLUMNS, "") | CASE | row for row in rows)
    return path


@pytest.fixture
def stored():
    load_reference_data()
    home, other = District.objects.order_by("code")[:2]
    child, _ = services.create_child(
        actor=None,
        district=home,
        last_name="Stored",
        first_name="Dana",
        sex="F",
        birth_date=date(2015, 3, 1),
        identified_on=date(2018, 1, 10),
        external_id="OLD-1",
    )
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
