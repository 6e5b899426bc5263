"""Production mode refuses an unsafe configuration (Django system checks)."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT, service_env

GOOD = {
    "PRODUCTION": "1",
    "SECRET_KEY": "q8Zr1-vXn0bT5yKw3LhUe7Jc9GdPsM2aFi6oR4tNjBxQ_lEuYzWkHgVmCpDf",
    "ALLOWED_HOSTS": "adoption.example.kz",
    "DATABASE_URL": "postgres://u@127.0.0.1:1/db",
    "REDIS_URL": "redis://127.0.0.1:1/0",
    "SITE_URL": "https://adoption.example.kz",
}


def run_check(tmp_path, **overrides):
    env = service_env(**{**GOOD, "VAR_DIR": str(tmp_path), **overrides})
    return subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)


def test_a_safe_production_configuration_passes(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr


def test_production_refuses_debug(tmp_path):
    result = run_check(tmp_path, DEBUG="1")
    assert result.returncode != 0 and "adoption.E001" in result.stderr


def test_production_refuses_the_default_secret_key(tmp_path):
    result = run_check(tmp_path, SECRET_KEY=None)
    assert result.returncode != 0 and "adoption.E002" in result.stderr


def test_production_refuses_missing_allowed_hosts(tmp_path):
    result = run_check(tmp_path, ALLOWED_HOSTS=None)
    assert result.returncode != 0 and "adoption.E003" in result.stderr


@pytest.mark.parametrize("site_url", [None, "http://adoption.example.kz"])
def test_production_warns_while_the_e_mails_cannot_link_to_the_service(tmp_path, site_url):
    """Not a refusal: the reminders' e-mails still go, saying to open the registry, with no link."""
    result = run_check(tmp_path, SITE_URL=site_url)
    assert result.returncode == 0 and "adoption.W001" in result.stderr


def test_a_safe_production_configuration_has_no_warning_of_its_own(tmp_path):
    assert "adoption.W" not in run_check(tmp_path).stderr


def test_secrets_are_read_from_files(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(GOOD["SECRET_KEY"][::-1] + "\n")
    result = run_check(tmp_path, SECRET_KEY=None, SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr


def test_the_wsgi_application_does_not_start_with_an_unsafe_configuration(tmp_path):
    env = service_env(**{**GOOD, "VAR_DIR": str(tmp_path), "DEBUG": "1"})
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "adoption.E001" in result.stderr


@pytest.mark.parametrize(
    "variable, value", [("DEBUG", "ture"), ("PRODUCTION", "yes please"), ("TOKEN_TTL_HOURS", "twelve")]
)
def test_a_setting_that_is_not_what_it_should_be_stops_the_start_up_naming_it(tmp_path, variable, value):
    result = run_check(tmp_path, **{variable: value})
    assert result.returncode != 0 and f"{variable}={value!r}" in result.stderr


def test_the_wsgi_application_keeps_what_it_loaded_out_of_the_cycle_collector(tmp_path):
    """The service's long-lived objects (Django, the apps, the views behind every URL) are loaded
    and frozen at start-up, so a request building many objects does not have them walked by each
    of its full collections."""
    env = service_env(VAR_DIR=str(tmp_path))
    probe = (
        "import gc, sys; before = gc.get_freeze_count(); import config.wsgi; "
        "print(before, gc.get_freeze_count(), 'reports.api.views' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    before, frozen, views_loaded = result.stdout.split()
    assert (before, views_loaded) == ("0", "True") and int(frozen) > 100_000
