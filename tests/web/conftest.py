import pytest

from tests.adoption.conftest import foreign_case  # noqa: F401  (fixture)
from tests.registry.conftest import days_ago, make_child  # noqa: F401  (fixtures)


@pytest.fixture
def make_child_web(make_child):  # noqa: F811
    return make_child
