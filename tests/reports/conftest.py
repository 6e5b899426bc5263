"""What the import tests share: a child already on the register that a row names by its
external number, and the columns of one historical case with a new child beside it."""

from datetime import date

from registry import services
from registry.models import Child

# one applicant living in Kazakhstan, the decision in force a fortnight later
HISTORICAL_CASE = {
    "case_ref": "MIX-1",
    "relative": "no",
    "applicant1_sex": "F",
    "applicant1_citizenship": "KZ",
    "applicant1_residence_country": "KZ",
    "applicant1_marital_status": "single",
    "decided_on": "2020-05-04",
    "in_force_on": "2020-05-19",
}
NEW_CHILD = {"child_last_name": "Stored", "child_first_name": "Aru", "child_sex": "F", "child_birth_date": "2016-07-07"}


def stored_child(district, external_id: str = "OLD-1") -> Child:
    child, _warnings = services.create_child(
        actor=None,
        district=district,
        last_name="Stored",
        first_name="Dana",
        sex="F",
        birth_date=date(2015, 3, 1),
        identified_on=date(2018, 1, 10),
        external_id=external_id,
    )
    return child
