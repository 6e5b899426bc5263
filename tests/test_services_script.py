"""scripts/services.sh fails loudly: a server that cannot start makes it exit non-zero, print
nothing to export (`false`, so `eval "$(...)" && make test` stops), and stop what it started."""

import glob
import shutil
import subprocess
import tempfile

import pytest

from tests.conftest import ROOT, free_port

PGBINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
pytestmark = pytest.mark.skipif(not PGBINS, reason="the PostgreSQL server is installed by .ci/run")


def run(tmp_path, command, **env):
    # PGDATA where the postgres user can reach it (pytest's tmp_path is root's alone)
    pgdata = tempfile.mkdtemp(prefix="adoption-services-test-", dir="/tmp")
    base = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "PGPORT": str(free_port()),
        "REDIS_PORT": str(free_port()),
        "PGDATA": pgdata,
        "REDIS_LOG": str(tmp_path / "redis.log"),
    }
    return subprocess.run(
        ["bash", str(ROOT / "scripts/services.sh"), command],
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **env},
    ), base


@pytest.fixture(autouse=True)
def _remove_data_folders():
    yield
    for folder in glob.glob("/tmp/adoption-services-test-*"):
        shutil.rmtree(folder, ignore_errors=True)


def pg_running(env) -> bool:
    status = subprocess.run(
        [f"{PGBINS[-1]}/pg_isready", "-h", "127.0.0.1", "-p", env["PGPORT"]], capture_output=True, text=True
    )
    return status.returncode == 0


def test_a_missing_redis_fails_loudly_exports_nothing_and_leaves_no_server(tmp_path):
    result, env = run(tmp_path, "start", REDIS_SERVER="/nonexistent/redis-server")
    assert result.returncode != 0
    assert result.stdout.strip() == "false" and "export" not in result.stdout
    assert "redis-server not found" in result.stderr
    assert not pg_running(env)


def test_a_port_taken_by_something_else_stops_the_postgresql_it_started(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is installed by .ci/run")
    import socket

    with socket.socket() as busy:  # something else holds the Redis port: Redis cannot start
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result, env = run(tmp_path, "start", REDIS_PORT=str(busy.getsockname()[1]))
        assert result.returncode != 0 and result.stdout.strip() == "false", result.stderr
    assert "Redis" in result.stderr and "initdb" not in result.stderr  # PostgreSQL did start, then Redis failed
    assert not pg_running(env), "the PostgreSQL this run started is stopped again"
