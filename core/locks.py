"""Locks held by name until the current transaction ends (PostgreSQL's advisory locks), for work
that must run one at a time: an import validates its file against what is stored and then
writes it, so a second import of the same rows must wait for the first to commit, not validate
beside it; the audit chain's sealer continues where the last run ended. On the embedded SQLite
there is no such lock: a second writer waits for the first one's commit or fails."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection

AUDIT_CHAIN = 7_316_001
IMPORTS = 7_316_002


def hold(key: int, *, waiting: Callable[[], None] | None = None) -> None:
    """Wait for the lock `key`, then hold it until the transaction ends (inside `atomic`); if it is
    held by another, call `waiting` first (e.g. to tell the user why nothing moves)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if waiting is not None:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [key])
                if cursor.fetchone()[0]:
                    return
                waiting()
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
