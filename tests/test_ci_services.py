"""CI must run the suite on PostgreSQL and Redis, never silently on the embedded fallbacks."""

import os
import shutil

import pytest
import redis
from django.conf import settings
from django.db import connection


@pytest.mark.skipif(not os.environ.get("CI"), reason="only CI is required to run on the real components")
@pytest.mark.django_db
def test_ci_runs_on_postgresql_and_redis():
    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert settings.REDIS_URL and redis.Redis.from_url(settings.REDIS_URL).ping()
    # what the Redis-dependent tests skip without (tests/test_compose_health.py, tests/test_services_script.py)
    assert os.environ.get("REDIS_URL"), "the compose health checks would be skipped"
    assert shutil.which("redis-server"), "the services script's port test would be skipped"


@pytest.mark.skipif(not os.environ.get("CI"), reason="only CI is required to have the browser")
def test_ci_has_the_browser_for_the_ui_tests():
    assert shutil.which("chromium"), "the browser tests would be skipped: .ci/run installs Debian's chromium"
