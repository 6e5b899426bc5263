import pytest

from tests.registry.conftest import days_ago, make_child  # noqa: F401  (fixtures)


@pytest.fixture
def make_child_any(make_child):  # noqa: F811
    return make_child
