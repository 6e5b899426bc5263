"""docker-compose.yml's health checks pass under the production settings it gives: gunicorn, a
worker and beat started with the environment compose gives them (with .env.example's values),
each service's health-check command run as written there, and expected to succeed.

There is no Docker engine here: the processes run on this host, with the compose hostnames
`postgres` and `redis` replaced by the test's own servers and the container's /app/var by a
folder of the test's.
"""

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, database_url, free_port, http_get, postgres_only, process, service_env, wait_for

pytestmark = [pytest.mark.services, postgres_only, pytest.mark.django_db(transaction=True)]


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def dotenv() -> dict:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def interpolate(value: str, variables: dict) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?message}."""

    def one(match):
        name, op, rest = match.group(1), match.group(2), match.group(3)
        if variables.get(name):
            return variables[name]
        if op == ":-":
            return rest
        if op == ":?":
            raise AssertionError(f"{name} must be set: {rest}")
        return ""

    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", one, value)


def environment(service: str, tmp_path: Path) -> dict:
    variables = dotenv()
    env = {
        name: interpolate(str(value), variables)
        for name, value in compose()["services"][service]["environment"].items()
    }
    assert env["PRODUCTION"] == "1"
    redis_url = os.environ.get("REDIS_URL") or pytest.skip("the compose health checks need Redis (CI has it)")
    env |= {
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "VAR_DIR": str(tmp_path / "var"),
        "HOSTNAME": socket.gethostname(),
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
    }  # `celery` as the image has it
    return service_env(**env)


def health_command(service: str, replacements: dict) -> list[str]:
    test = compose()["services"][service]["healthcheck"]["test"]
    kind, *command = test
    if kind == "CMD-SHELL":
        command = ["sh", "-c", command[0].replace("$$", "$")]
    command = [part.replace("python", sys.executable, 1) if i == 0 else part for i, part in enumerate(command)]
    for old, new in replacements.items():
        command = [part.replace(old, new) for part in command]
    return command


def healthy(command, env) -> bool:
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, timeout=30).returncode == 0


def test_the_web_health_check_passes_under_production_settings(tmp_path):
    env = environment("web", tmp_path)
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"]
    with process(args, env, tmp_path / "web.log"):
        command = health_command("web", {"127.0.0.1:8000": f"127.0.0.1:{port}"})
        assert wait_for(lambda: healthy(command, env), timeout=60), (tmp_path / "web.log").read_text()[-3000:]
        log = (tmp_path / "web.log").read_text()
    assert "DisallowedHost" not in log and "Traceback" not in log
    # any other path keeps the production checks: an unknown host is refused
    with process(args, env, tmp_path / "web2.log"):
        assert wait_for(lambda: socket.create_connection(("127.0.0.1", port), timeout=1), timeout=30)
        status, _body = http_get(f"http://127.0.0.1:{port}/children/")
    assert status == 400


def test_the_worker_and_beat_health_checks_test_something_real(tmp_path):
    env = environment("worker", tmp_path)
    (tmp_path / "var").mkdir(exist_ok=True)
    worker_args = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "INFO"]
    beat_args = [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "INFO"]
    worker_check = health_command("worker", {})
    beat_check = health_command("beat", {"/app/var": str(tmp_path / "var")})
    assert not healthy(beat_check, env), "no beat yet: no heartbeat"
    with process(worker_args, env, tmp_path / "worker.log"), process(beat_args, env, tmp_path / "beat.log"):
        assert wait_for(lambda: healthy(worker_check, env), timeout=60), (tmp_path / "worker.log").read_text()[-3000:]
        assert wait_for(lambda: healthy(beat_check, env), timeout=60), (tmp_path / "beat.log").read_text()[-3000:]
    os.utime(tmp_path / "var" / "beat-heartbeat", (0, 0))  # a beat that stopped ticking long ago
    assert not healthy(beat_check, env)
    assert not healthy(worker_check, env)  # the worker is gone: the ping through the broker gets no answer
