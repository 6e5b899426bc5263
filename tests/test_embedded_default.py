"""`make run` on a fresh machine: with no environment at all the service runs on its embedded
SQLite, so every migration must apply there too, not only on PostgreSQL."""

import subprocess
import sys

from tests.conftest import ROOT, service_env


def test_the_embedded_default_migrates_and_loads_its_demo_from_nothing(tmp_path):
    env = service_env(DATABASE_URL=None, REDIS_URL=None, VAR_DIR=str(tmp_path))
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "db.sqlite3").stat().st_size > 0
