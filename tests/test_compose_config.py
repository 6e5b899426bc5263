"""docker-compose.yml is valid with the example environment (`docker-compose config`)."""

import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose is installed by .ci/run")
def test_the_compose_file_is_valid_with_the_example_environment(tmp_path):
    result = subprocess.run(
        [
            "docker-compose",
            "-f",
            str(ROOT / "docker-compose.yml"),
            "--env-file",
            str(ROOT / ".env.example"),
            "config",
            "-q",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": os.environ["PATH"]},
    )
    assert result.returncode == 0, result.stderr
    empty = tmp_path / "empty.env"
    empty.write_text("")
    missing = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "--env-file", str(empty), "config", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": os.environ["PATH"]},
    )
    assert missing.returncode != 0 and "POSTGRES_PASSWORD" in missing.stderr  # a secret left unset stops it
