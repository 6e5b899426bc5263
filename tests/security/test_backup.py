"""Backups: a pg_dump of the database restored into a fresh one passes the consistency check
with the same counts and audit chain (docs/reliability.md has the procedure)."""

import shutil
import subprocess
import sys

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from core import audit_chain
from tests.adoption.conftest import adopt_abroad
from tests.conftest import ROOT, postgres_only, service_env

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def url(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}@{s['HOST']}:{s['PORT']}/{name}"


def test_a_restored_dump_passes_the_consistency_check_with_the_same_counts(district, court, us_post, tmp_path, capsys):
    assert shutil.which("pg_dump") and shutil.which("pg_restore")
    for n in range(3):
        adopt_abroad(district, court, last_name=f"Kim{n}", in_force_ago=40 + n)
    assert audit_chain.seal() > 0
    call_command("check_consistency")
    original = capsys.readouterr().out
    assert original.strip().endswith("consistent") and f"head {audit_chain.head().seq} " in original

    dump = tmp_path / "adoption.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), url(connection.settings_dict["NAME"])], check=True)
    restored = connection.settings_dict["NAME"] + "_restored"
    with psycopg.connect(url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "-d", url(restored), str(dump)], check=True)
        result = subprocess.run(
            [sys.executable, "manage.py", "check_consistency"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=service_env(DATABASE_URL=url(restored), VAR_DIR=str(tmp_path / "var")),
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout == original  # the same counts, the same audit chain head, and consistent
    finally:
        with psycopg.connect(url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


def test_the_check_finds_a_broken_invariant(district, court, capsys):
    from registry.models import Child

    _, child = adopt_abroad(district, court)
    Child.objects.filter(pk=child.pk).update(status="registered", register_level="central")  # bypassing the services
    with pytest.raises(Exception, match="consistency problem"):
        call_command("check_consistency")
    assert f"child #{child.pk}" in capsys.readouterr().err
