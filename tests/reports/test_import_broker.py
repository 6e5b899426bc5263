"""An import uploaded while the broker is away, on real processes: the upload is accepted and the
job waits; once the broker is back, beat hands the job over and a worker runs it, once."""

import json
import urllib.request
import uuid

import pytest
from knox.models import AuthToken

from core.models import Role
from registry.models import Child
from reports.models import ImportJob
from tests.conftest import (
    SHARED,
    beat,
    celery_worker,
    database_url,
    free_port,
    postgres_only,
    redis_server,
    service_env,
    wait_for,
    web_server,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, postgres_only, pytest.mark.django_db(transaction=True)]


def upload(url: str, token: str, kind: str, name: str, content: bytes) -> tuple[int, dict]:
    """POST a file as multipart/form-data (what the import page and the API's clients send)."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Authorization": f"Token {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"body": error.read().decode()[:2000]}


def test_an_import_uploaded_while_the_broker_is_away_runs_once_it_is_back(district, tmp_path):
    _, token = AuthToken.objects.create(UserFactory.create(role=Role.MINISTRY))
    sample = (SHARED / "samples" / "children.csv").read_text(encoding="utf-8").replace("<district code>", district.code)
    port = free_port()  # the broker's: nothing listens there yet
    env = service_env(
        DATABASE_URL=database_url(),
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        REQUEUE_IMPORTS_EVERY_SECONDS="2",
        VAR_DIR=str(tmp_path / "var"),
    )
    with web_server(env, tmp_path) as base:
        status, job = upload(f"{base}/api/v1/imports/", token, "children", "children.csv", sample.encode())
    assert (status, job.get("status")) == (201, "pending"), (job, (tmp_path / "web.log").read_text()[-3000:])
    assert ImportJob.objects.get(pk=job["id"]).queued_at is None  # stored, not handed over
    with redis_server(port, tmp_path), celery_worker(env, tmp_path, "w1"), beat(env, tmp_path, "b1"):
        done = wait_for(lambda: ImportJob.objects.get(pk=job["id"]).status == "done", timeout=90)
        assert done, (tmp_path / "w1.log").read_text()[-3000:]
    stored = ImportJob.objects.get(pk=job["id"])
    assert stored.queued_at is not None and stored.created == Child.objects.count() == 2
