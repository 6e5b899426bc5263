from tests.adoption.conftest import foreign_case  # noqa: F401  (fixture)
