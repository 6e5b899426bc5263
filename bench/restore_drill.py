"""The restore drill (docs/deployment.md): back up, destroy, restore, check, and time each step.

    python -m bench.restore_drill --scale 100000      (make restore-drill)

On a scratch database beside DATABASE_URL's (`<name>_drill`): the benchmark's national history
at `--scale` children, their creation audit events and a sealed audit chain; then `pg_dump -Fc`,
DROP DATABASE, CREATE DATABASE + `pg_restore`, and `check_consistency` with the chain head
recorded before the backup. The drill fails (exit 1) if the restored database is not the same:
other counts, a broken invariant, or a chain that lost its head. Figures in
bench/results/restore-drill.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CREATION_EVENTS = """
INSERT INTO core_auditevent (at, actor_role, request_id, action, verb, object_type, object_id, subject_type, subject_id,
                             purpose, object_ids, chain_hash)
SELECT now(), 'system', 'restore-drill', 'create', %(verb)s, %(label)s, id::text, %(label)s, id::text, '', '', ''
FROM {table}
"""


def tool(name: str) -> str:
    """The PostgreSQL client program of the newest installed server (same major version)."""
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    return str(candidates[-1]) if candidates else name


def timed(step: str, figures: dict, command: list[str]) -> None:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    figures[step] = round(time.perf_counter() - started, 2)
    print(f"  {step:<10} {figures[step]:>8.2f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100_000)
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        sys.exit('restore drill: DATABASE_URL must point to PostgreSQL (e.g. eval "$(make -s services)")')
    parsed = urlparse(base)
    url = parsed._replace(path=parsed.path.rstrip("/") + "_drill").geturl()
    name, admin = urlparse(url).path.lstrip("/"), parsed._replace(path="/postgres").geturl()
    sys.path.insert(0, str(ROOT))
    from bench.run import recreate_database

    recreate_database(url)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings", LOG_LEVEL="WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from bench import generate
    from core.audit_chain import head, seal
    from core.management.commands.seed_demo import load_reference_data

    print(f"restore drill: {args.scale:,} children on {name}", flush=True)
    call_command("migrate", verbosity=0)
    load_reference_data()
    generate.generate(args.scale, seed=1)
    with connection.cursor() as cursor:
        cursor.execute(
            CREATION_EVENTS.format(table="registry_child"), {"verb": "create_child", "label": "registry.child"}
        )
        cursor.execute(CREATION_EVENTS.format(table="adoption_case"), {"verb": "open_case", "label": "adoption.case"})
    seal()
    chain = head()
    before = io.StringIO()
    call_command("check_consistency", f"--audit-head={chain.seq}:{chain.hash}", stdout=before)
    connections.close_all()

    figures: dict = {"scale": args.scale, "audit_head_seq": chain.seq}
    with tempfile.TemporaryDirectory() as folder:
        dump = str(Path(folder) / f"{name}.dump")
        timed("backup", figures, [tool("pg_dump"), "-Fc", "-f", dump, url])
        figures["dump_mb"] = round(Path(dump).stat().st_size / 1e6, 1)
        timed("destroy", figures, [tool("psql"), admin, "-c", f'DROP DATABASE "{name}" WITH (FORCE)'])
        timed("create", figures, [tool("psql"), admin, "-c", f'CREATE DATABASE "{name}"'])
        timed("restore", figures, [tool("pg_restore"), "--no-owner", "-j", "2", "-d", url, dump])
    started = time.perf_counter()
    after = io.StringIO()
    call_command("check_consistency", f"--audit-head={chain.seq}:{chain.hash}", stdout=after)  # raises on a problem
    figures["check"] = round(time.perf_counter() - started, 2)
    print(f"  {'check':<10} {figures['check']:>8.2f} s", flush=True)
    figures["same_counts"] = before.getvalue() == after.getvalue()
    figures["destroy_to_checked_s"] = round(
        figures["destroy"] + figures["create"] + figures["restore"] + figures["check"], 2
    )
    print(after.getvalue(), end="")
    print(
        f"restore drill: backup {figures['backup']} s ({figures['dump_mb']} MB), destroyed to restored and checked in "
        f"{figures['destroy_to_checked_s']} s; same counts: {figures['same_counts']}",
        flush=True,
    )
    out = ROOT / "bench" / "results" / "restore-drill.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["same_counts"] else 1


if __name__ == "__main__":
    sys.exit(main())
