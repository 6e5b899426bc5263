"""Faults on real processes: PostgreSQL restarted under load, a worker killed in the middle of a
task. (Redis stopped during writes: tests/consular/test_beat.py.) No record is lost, nothing
happens twice, and the service recovers without being restarted."""

import datetime
import json
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import psycopg
import pytest
import redis
from django.core.files.base import ContentFile

from registry.models import Child
from reports.models import ImportJob
from reports.services import progress_key
from tests.conftest import (
    ROOT,
    celery_worker,
    database_url,
    free_port,
    http_get,
    postgres_cluster,
    postgres_only,
    redis_server,
    service_env,
    wait_for,
    web_server,
)

pytestmark = [pytest.mark.services, postgres_only]


def post_json(url, body, token=None):
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **({"Authorization": f"Token {token}"} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_postgres_restarted_under_load_the_service_recovers_without_a_restart(tmp_path):
    with postgres_cluster() as pg:
        with psycopg.connect(pg.url(), autocommit=True) as admin:
            admin.execute("CREATE DATABASE adoption")
        env = service_env(DATABASE_URL=pg.url("adoption"), VAR_DIR=str(tmp_path / "var"))
        manage(env, "migrate", "-v0")
        manage(env, "seed_demo", "--no-users")
        manage(
            env,
            "create_staff",
            "--role",
            "guardianship",
            "--org",
            "KZ-71-ESI",
            "--password",
            "a long test password 1",
            "clerk",
        )

        with web_server(env, tmp_path) as base:
            status, body = post_json(
                f"{base}/api/v1/auth/token/", {"username": "clerk", "password": "a long test password 1"}
            )
            assert status == 200, body
            token, outcomes, stop = body["token"], [], threading.Event()

            def writer():
                n = 0
                while not stop.is_set():
                    n += 1
                    child = {
                        "last_name": f"Loadova{n}",
                        "first_name": "Aru",
                        "sex": "F",
                        "birth_date": "2020-01-01",
                        "identified_on": "2024-01-01",
                        "district": "KZ-71-ESI",
                    }
                    outcomes.append((post_json(f"{base}/api/v1/children/", child, token)[0], child["last_name"]))

            thread = threading.Thread(target=writer)
            thread.start()
            try:
                assert wait_for(lambda: sum(s == 201 for s, _ in outcomes) >= 5)
                pg.stop()
                assert wait_for(
                    lambda: http_get(f"{base}/healthz")[0] == 503, timeout=10
                )  # health reports it meanwhile
                assert wait_for(lambda: any(s == 503 for s, _ in outcomes), timeout=10)
                time.sleep(1)
                pg.start()  # the same web server, not restarted
                assert wait_for(lambda: http_get(f"{base}/healthz")[0] == 200, timeout=30)
                after = len(outcomes)
                assert wait_for(lambda: sum(s == 201 for s, _ in outcomes[after:]) >= 5, timeout=30)
            finally:
                stop.set()
                thread.join(timeout=30)

        statuses = {s for s, _ in outcomes}
        assert statuses <= {201, 503}, statuses  # never a 500: refused with "retry", or done
        acknowledged = {name for s, name in outcomes if s == 201}
        with psycopg.connect(pg.url("adoption")) as db:
            stored = {row[0] for row in db.execute("SELECT last_name FROM registry_child")}
        assert acknowledged <= stored  # records lost: 0
        print(
            f"PostgreSQL restart: {len(outcomes)} writes, {len(acknowledged)} acknowledged and stored, "
            f"{sum(s == 503 for s, _ in outcomes)} refused with 503 while it was down"
        )


CHILDREN_HEADER = "external_id,last_name,first_name,patronymic,sex,birth_date,birth_registration_number,district,identified_on,primary_on,regional_on,central_on\n"


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_is_redelivered_and_the_import_happens_once(district, tmp_path):
    rows = 8000  # four batches of the set-based import: the kill lands after the first
    born = [datetime.date(2006, 3, 1) + datetime.timedelta(days=n % 6000) for n in range(rows)]  # minors on 2024-01-02
    content = CHILDREN_HEADER + "".join(
        f"KILL-{n:05},Killova{n},Aru,,{'MF'[n % 2]},{born[n]},,{district.code},2024-01-01,2024-01-02,,\n"
        for n in range(rows)
    )
    job = ImportJob.objects.create(kind="children", file=ContentFile(content.encode(), name="children.csv"))
    port = free_port()
    with redis_server(port, tmp_path):
        env = service_env(
            DATABASE_URL=database_url(), REDIS_URL=f"redis://127.0.0.1:{port}/0", CELERY_VISIBILITY_TIMEOUT="3"
        )
        from config.celery import app
        from reports.tasks import run_import

        with app.connection_for_write(f"redis://127.0.0.1:{port}/0") as broker:
            run_import.apply_async(args=[job.pk], connection=broker)
        with celery_worker(env, tmp_path, "doomed") as doomed:
            progress = redis.Redis(port=port)
            key = f":1:{progress_key(job.pk)}"  # the cache entry the import page reads (Django's key format)

            def rows_done() -> int:
                raw = progress.get(key)
                return pickle.loads(raw)[0] if isinstance(raw, bytes) else 0

            assert wait_for(lambda: rows_done() >= 1000, timeout=120, interval=0.02)  # well into it
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=10)
        job.refresh_from_db()
        assert job.status == "running", "the import finished before the kill: make the file bigger"
        assert not Child.objects.filter(external_id__startswith="KILL-").exists()  # its transaction died with it

        with celery_worker(env, tmp_path, "survivor"):
            assert wait_for(lambda: ImportJob.objects.get(pk=job.pk).status == "done", timeout=240), (
                tmp_path / "survivor.log"
            ).read_text()
    job.refresh_from_db()
    assert job.created == rows
    assert Child.objects.filter(external_id__startswith="KILL-").count() == rows  # once, not twice, none lost
