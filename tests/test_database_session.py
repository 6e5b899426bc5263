"""The service's PostgreSQL sessions plan with the costs config/settings.py sets for them
(docs/decisions.md): they are what the measured plans of docs/performance.md assume."""

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_the_service_sessions_plan_with_the_services_costs():
    if connection.vendor != "postgresql":
        pytest.skip("the embedded SQLite default has no planner costs")
    with connection.cursor() as cursor:
        shown = {}
        for name in ("jit", "random_page_cost", "parallel_setup_cost"):
            cursor.execute(f"SHOW {name}")
            shown[name] = cursor.fetchone()[0]
    assert shown["parallel_setup_cost"] == settings.PG_PARALLEL_SETUP_COST == "5000"
    assert float(shown["random_page_cost"]) == float(settings.PG_RANDOM_PAGE_COST) == 1.1
    assert shown["jit"] == "off"
