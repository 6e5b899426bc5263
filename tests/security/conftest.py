import pytest

from tests.registry.conftest import days_ago, make_child  # noqa: F401  (fixtures)


@pytest.fixture
def make_child_any(make_child):  # noqa: F811
    return make_child


@pytest.fixture
def no_throttle(monkeypatch):
    """Many requests from one user in a moment: the API's rate limits are not under test here."""
    from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "allow_request", lambda self, request, view: True)
    monkeypatch.setattr(AnonRateThrottle, "allow_request", lambda self, request, view: True)
