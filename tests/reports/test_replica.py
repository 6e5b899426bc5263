"""Reports read from a replica when one is configured (REPLICA_DATABASE_URL); nothing else does."""

from types import SimpleNamespace

import pytest

from config import routers
from registry.models import Child
from reports import queries

pytestmark = pytest.mark.django_db


def test_only_report_code_reads_from_the_replica_and_nothing_writes_there(settings, monkeypatch):
    router = routers.ReplicaRouter()
    configured = SimpleNamespace(DATABASES={**settings.DATABASES, "replica": dict(settings.DATABASES["default"])})
    monkeypatch.setattr(routers, "settings", configured)  # as with REPLICA_DATABASE_URL set
    assert router.db_for_read(Child) is None  # the primary
    with routers.read_replica():
        assert router.db_for_read(Child) == "replica"
        assert router.db_for_write(Child) is None
    assert router.db_for_read(Child) is None
    assert router.allow_migrate("replica", "registry") is False and router.allow_migrate("default", "registry") is True


def test_without_a_replica_reports_read_the_primary(settings):
    assert "replica" not in settings.DATABASES
    with routers.read_replica():
        assert routers.ReplicaRouter().db_for_read(Child) is None


@pytest.mark.parametrize("path", ["/api/v1/reports/registers/", "/dashboard/"])
def test_the_report_endpoints_and_the_dashboard_read_through_the_replica_route(api, client, users, monkeypatch, path):
    seen = []
    real = queries.registers_report

    def spy(*args, **kwargs):
        seen.append(routers._reading_reports.get())
        return real(*args, **kwargs)

    monkeypatch.setattr(queries, "registers_report", spy)
    if path.startswith("/api/"):
        response = api(users["ministry"]).get(path)
    else:
        client.force_login(users["ministry"])
        response = client.get(path)
    assert response.status_code == 200 and seen == [True]
    assert routers._reading_reports.get() is False  # and not after the request
