"""What migrations share: statements only PostgreSQL has (trigram indexes, expression operator
classes), which the embedded SQLite default skips (it scans, fine at its size)."""

from __future__ import annotations

from django.db import migrations


def postgres_only(forward: list[str], backward: list[str]) -> migrations.RunPython:
    """An operation running `forward` (and `backward` to reverse it) on PostgreSQL, nothing elsewhere."""

    def run(statements: list[str]):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                for sql in statements:
                    schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(backward))
