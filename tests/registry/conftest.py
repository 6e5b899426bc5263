import datetime

import pytest

from core.dates import today
from registry import services
from registry.models import Child


@pytest.fixture
def days_ago():
    return lambda n: today() - datetime.timedelta(days=n)


@pytest.fixture
def make_child(district):
    """A child recorded through the service, as guardianship staff would."""

    def make(*, on_register: tuple[str, ...] = (), district_=None, **fields) -> Child:
        values = {
            "last_name": "Serikov",
            "first_name": "Almaz",
            "sex": "M",
            "birth_date": today() - datetime.timedelta(days=5 * 365),
            "identified_on": today() - datetime.timedelta(days=200),
            **fields,
        }
        child, _ = services.create_child(actor=None, district=district_ or district, **values)
        placed = values["identified_on"]
        for level in on_register:
            placed = placed + datetime.timedelta(days=1)
            services.place_on_register(actor=None, child=child, level=level, placed_on=placed)
        child.refresh_from_db()
        return child

    return make
