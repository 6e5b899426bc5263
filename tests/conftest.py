"""Shared fixtures: organisations in two regions, one user per role, API clients, real processes."""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from core.models import Role

from .factories import (
    ConsularPostFactory,
    CourtFactory,
    DistrictFactory,
    RegionFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parent.parent
# The team's shared folder (spec, samples, contract checker) lies beside the repository, in CI too.
SHARED = Path(os.environ.get("SHARED_DIR", ROOT.parent / "shared"))

# Row locks and concurrent transactions are PostgreSQL's; CI always runs there (tests/test_ci_services.py).
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL; SQLite serialises all writers"
)


def race(n, action):
    """Run `action(i)` in n threads released at once; returns the results (or exceptions)."""
    barrier, results = threading.Barrier(n), list[object]([None] * n)

    def run(i):
        try:
            barrier.wait()
            results[i] = action(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture(autouse=True)
def _reference_rows(request):
    """The reference rows the migrations put in (the countries' HC93 status): a transactional test
    empties every table when it ends, so a later test on the same database would miss them."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("db")
    from core.models import Country
    from core.reference import HAGUE_COUNTRIES

    Country.objects.bulk_create(
        [Country(code=c, name=n, hague_party_since=s, central_authority=a) for c, n, s, a in HAGUE_COUNTRIES],
        ignore_conflicts=True,
    )


@pytest.fixture(autouse=True, scope="session")
def _no_stale_rate_limits():
    """The API's rate-limit counters live in the cache (Redis), keyed by user id; a new test
    database gives out the same ids again, so counters left by an earlier run would answer 429 to
    this one's first requests (after `make bench`, whose requests count under a raised limit, an
    hour of 429s). Each run starts without them (only they: the broker's keys stay)."""
    from django.core.cache import cache

    client = getattr(cache, "client", None)  # django-redis's (until session 38 `_cache`, which it has not)
    if client is None or not hasattr(client, "get_client"):
        return  # the file-based cache of the embedded default: a run's own folder
    redis = client.get_client(write=True)
    for key in redis.scan_iter(match="*throttle_*", count=1000):
        redis.delete(key)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in Russian or Kazakh leaves its language
    active in the thread (LocaleMiddleware), and the next test in that worker would read it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Files received (monitoring reports, imports) go to the test's own folder, never var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2's deliberate slowness is for attackers, not for fixtures.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def region(db):
    return RegionFactory.create(code="KZ-71", name="Astana")


@pytest.fixture
def district(region):
    return DistrictFactory.create(code="KZ-71-ESI", name="Yesil district", region=region)


@pytest.fixture
def neighbour_district(region):
    """Same region, another district."""
    return DistrictFactory.create(code="KZ-71-SAR", name="Saryarka district", region=region)


@pytest.fixture
def other_region(db):
    return RegionFactory.create(code="KZ-75", name="Almaty")


@pytest.fixture
def other_district(other_region):
    return DistrictFactory.create(code="KZ-75-ALM", name="Almaly district", region=other_region)


@pytest.fixture
def court(district):
    return CourtFactory.create(district=district)


@pytest.fixture
def other_court(other_district):
    return CourtFactory.create(district=other_district)


@pytest.fixture
def us_post(db):
    return ConsularPostFactory.create(country="US", city="Washington")


@pytest.fixture
def gb_post(db):
    return ConsularPostFactory.create(country="GB", city="London")


@pytest.fixture
def users(district, court, us_post, other_district, other_court, gb_post):
    """One user per role in the home territory, and their counterparts elsewhere."""
    return {
        "guardianship": UserFactory.create(role=Role.GUARDIANSHIP, district=district),
        "regional": UserFactory.create(role=Role.REGIONAL, region=district.region),
        "ministry": UserFactory.create(role=Role.MINISTRY),
        "court": UserFactory.create(role=Role.COURT, court=court),
        "consular": UserFactory.create(role=Role.CONSULAR, consular_post=us_post),
        "auditor": UserFactory.create(role=Role.AUDITOR),
        "other_guardianship": UserFactory.create(role=Role.GUARDIANSHIP, district=other_district),
        "other_regional": UserFactory.create(role=Role.REGIONAL, region=other_district.region),
        "other_court": UserFactory.create(role=Role.COURT, court=other_court),
        "other_consular": UserFactory.create(role=Role.CONSULAR, consular_post=gb_post),
    }


@pytest.fixture
def no_throttle(monkeypatch):
    """Many requests from one user in a moment: the API's rate limits are not under test here."""
    from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "allow_request", lambda self, request, view: True)
    monkeypatch.setattr(AnonRateThrottle, "allow_request", lambda self, request, view: True)


@pytest.fixture
def api():
    """api(user) -> an APIClient authenticated as `user` (None: anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


# --- real processes: servers and workers -------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(**overrides) -> dict:
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["MEDIA_ROOT"] = str(settings.MEDIA_ROOT)  # the test's own (`_media_root`): a worker reads what it stored
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def wait_for(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return True
        time.sleep(interval)
    return False


@contextlib.contextmanager
def process(args, env, log_path: Path):
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def web_server(env, tmp_path: Path):
    """gunicorn serving the project on a free loopback port; yields its base URL."""
    port = free_port()
    args = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "--timeout", "60"]
    with process(args, env, tmp_path / "web.log"):
        base = f"http://127.0.0.1:{port}"

        def up():
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True

        assert wait_for(up), (tmp_path / "web.log").read_text()
        yield base


@contextlib.contextmanager
def celery_worker(env, tmp_path: Path, name="worker"):
    args = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "INFO", "-n", f"{name}@%h"]
    with process(args, env, tmp_path / f"{name}.log") as proc:
        yield proc


@contextlib.contextmanager
def beat(env, tmp_path: Path, name="beat"):
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "beat",
        "-l",
        "INFO",
        "-s",
        str(tmp_path / f"{name}-schedule"),
    ]
    with process(args, env, tmp_path / f"{name}.log") as proc:
        yield proc


def http_get(url, timeout=30):
    """(status, body) of a GET, without raising on 4xx/5xx."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def database_url() -> str:
    """The URL of the test database, for processes started by a test."""
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@contextlib.contextmanager
def redis_server(port: int, tmp_path: Path):
    """A throwaway Redis of the test's own (to stop and start it at will)."""
    assert shutil.which("redis-server"), "redis-server is installed by .ci/run"
    with process(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        None,
        tmp_path / f"redis-{time.monotonic_ns()}.log",
    ) as proc:
        assert wait_for(
            lambda: (
                subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() == b"PONG"
            )
        )
        yield proc


class PostgresCluster:
    """A throwaway PostgreSQL server of the test's own (to stop and start it at will)."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
        assert bins, "the PostgreSQL server is installed by .ci/run"
        self.bin, self.port = bins[-1], free_port()
        self.data = tempfile.mkdtemp(prefix="adoption-fault-pg-", dir="/tmp")
        self.as_root = os.geteuid() == 0  # initdb and postgres refuse root: run them as postgres
        if self.as_root:
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync")

    def _run(self, tool, *args):
        command = [f"{self.bin}/{tool}", *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self):
        options = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-l", f"{self.data}/server.log", "-w", "-o", options, "start")

    def stop(self):
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, name="postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def remove(self):
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.data, ignore_errors=True)


@contextlib.contextmanager
def postgres_cluster():
    cluster = PostgresCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
