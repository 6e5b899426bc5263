"""Reports read from a replica when one is configured (REPLICA_DATABASE_URL).

Only code run inside `read_replica()` reads there: the report endpoints and the dashboard.
Everything else, and every write, uses the primary, so a clerk always sees what was just
recorded; a report may lag the primary by the replica's replication delay.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_reports = ContextVar("reading_reports", default=False)


@contextlib.contextmanager
def read_replica():
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _reading_reports.get() and REPLICA in settings.DATABASES else None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # a replica follows the primary; it is never migrated itself
