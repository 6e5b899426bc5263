"""A cell longer than the field it is stored in is an error of the file, by line and column: the
database refused the whole import on writing it (a DataError, and the upload's job failed with no
line named). At its field's length it is stored."""

import pytest

from adoption.models import Case
from consular.models import ConsularRegistration
from core.management.commands.seed_demo import load_reference_data
from core.models import District
from registry.models import Child
from reports.imports import import_adoptions
from tests.reports.conftest import NEW_CHILD
from tests.reports.test_import_districts import write

pytestmark = pytest.mark.django_db

ABROAD = {
    "applicant1_citizenship": "US",
    "applicant1_residence_country": "US",
    "consular_post_country": "US",
    "consular_registered_on": "2020-06-01",
    "consular_number": "US-1",
}


def stored(column: str):
    """Where each column's value is found once imported."""
    return {
        "case_ref": lambda: Case.objects.get().case_ref,
        "child_last_name": lambda: Child.objects.get().last_name,
        "child_first_name": lambda: Child.objects.get().first_name,
        "consular_number": lambda: ConsularRegistration.objects.get().number,
    }[column]()


@pytest.mark.parametrize(
    "column, limit", [("case_ref", 64), ("child_last_name", 100), ("child_first_name", 100), ("consular_number", 64)]
)
def test_a_cell_longer_than_its_field_is_named_by_line_and_column(tmp_path, column, limit):
    load_reference_data()
    row = NEW_CHILD | ABROAD | {"district": District.objects.order_by("code")[0].code}
    result = import_adoptions(write(tmp_path / "a.csv", row | {column: "Ж" * (limit + 1)}))
    assert [(e.line, e.column, e.code) for e in result.errors] == [(2, column, "max_length")]
    assert f"{limit} characters" in result.errors[0].message
    assert not Case.objects.exists() and not Child.objects.exists()
    result = import_adoptions(write(tmp_path / "a.csv", row | {column: "Ж" * limit}))
    assert result.ok, result.errors
    assert stored(column) == "Ж" * limit
