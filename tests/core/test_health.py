"""/healthz and the worker path, on real processes: gunicorn, celery worker, the real broker."""

import json

import pytest
from django.conf import settings

from tests.conftest import celery_worker, http_get, service_env, web_server

pytestmark = pytest.mark.services


def test_healthz_is_200_when_database_and_broker_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_503_when_the_database_is_down(tmp_path):
    env = service_env(DATABASE_URL="postgres://nobody@127.0.0.1:1/none", VAR_DIR=str(tmp_path / "var"))
    with web_server(env, tmp_path) as base:
        status, body = http_get(f"{base}/healthz")
    assert status == 503
    report = json.loads(body)
    assert report["database"].startswith("error") and report["status"] == "unavailable"


def test_healthz_is_503_when_the_broker_is_down(tmp_path):
    env = service_env(REDIS_URL="redis://127.0.0.1:1/0", VAR_DIR=str(tmp_path / "var"))
    with web_server(env, tmp_path) as base:
        status, body = http_get(f"{base}/healthz")
    assert status == 503
    assert json.loads(body)["broker"].startswith("error")


@pytest.mark.parametrize("broker", ["embedded", "configured"])
def test_a_real_worker_runs_a_task_end_to_end(tmp_path, broker):
    """`embedded`: no servers, filesystem broker under var/; `configured`: this run's broker (Redis in CI)."""
    if broker == "embedded":
        env = service_env(DATABASE_URL=None, REDIS_URL=None, VAR_DIR=str(tmp_path / "var"))
    else:
        env = service_env(VAR_DIR=str(tmp_path / "var"))
    with celery_worker(env, tmp_path), web_server(env, tmp_path) as base:
        status, body = http_get(f"{base}/healthz?deep=1", timeout=60)
    assert status == 200, body + (tmp_path / "worker.log").read_text()[-2000:]
    assert json.loads(body)["worker"] == "ok"
    if broker == "configured" and settings.REDIS_URL:
        assert "redis://" in (tmp_path / "worker.log").read_text()
