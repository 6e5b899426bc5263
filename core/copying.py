"""Set-based writes on PostgreSQL: rows go to a temporary table with COPY, then into the model's
table with one `INSERT ... SELECT` whose columns are the model's own (what the caller gives,
the model's defaults for the rest), and their audit events with one more, each event's `after`
the stored row itself (`to_jsonb`: the same keys and values as core.audit.snapshot). The
imports use it; the embedded SQLite default keeps the ORM's bulk path."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from .audit import Verb
from .context import current_request_id
from .models import AuditEvent


def available() -> bool:
    return connection.vendor == "postgresql"


BULK_WORK_MEM = "64MB"  # an import's sorts and groupings of the whole file stay in memory


def begin_bulk() -> None:
    """Settings for the rest of the current transaction (an import's), on PostgreSQL."""
    if available():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [BULK_WORK_MEM])


def analyze(*tables: type[models.Model]) -> None:
    """Fresh statistics for the tables a bulk write has just grown (PostgreSQL's advice after a bulk
    load): until autovacuum comes by, the planner still sees them as they were, and a query over
    what was just written can choose a nested loop of scans (the settling after an import of
    2,300 adoptions into an empty database ran for minutes). On PostgreSQL, whichever way the rows
    were written."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t._meta.db_table) for t in tables)}")


def copy_into_temp(name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence]) -> None:
    """A temporary table `name` (dropped at commit, or by the next call) holding `rows`, written with COPY."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        cursor.execute(
            f"CREATE TEMP TABLE {quote(name)} ({', '.join(f'{quote(c)} {t}' for c, t in columns)}) ON COMMIT DROP"
        )
        raw = cursor.cursor  # psycopg's own cursor: COPY
        with raw.copy(f"COPY {quote(name)} ({', '.join(quote(c) for c, _ in columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {quote(name)}")  # never analyzed by autovacuum: joins need its size


Expression = str | tuple[str, Sequence]  # SQL, or SQL with its parameters


def insert_select(
    model: type[models.Model],
    given: dict[str, Expression],
    source: str,
    params: Sequence = (),
    *,
    returning: str = "id",
) -> list[tuple]:
    """INSERT INTO the model's table every concrete column: the SQL expression in `given` (by
    column), now() for auto_now fields, the model's default (a parameter) or NULL for the rest; the
    rows of `source` (`FROM ... [WHERE ...] [ORDER BY ...]`, with `params`). Returns the
    `returning` rows, in the order inserted."""
    quote = connection.ops.quote_name
    columns: list[str] = []
    selects: list[str] = []
    values: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in given:
            continue
        if field.column in given:
            expression = given[field.column]
            sql, args = (expression, ()) if isinstance(expression, str) else expression
            selects.append(sql)
            values.extend(args)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            selects.append("now()")
        elif field.has_default():
            selects.append("%s")
            values.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.has_db_default():
            continue
        elif field.null:
            selects.append("NULL")
        elif field.empty_strings_allowed:  # as the ORM stores a text field left blank
            selects.append("''")
        else:
            raise ValueError(f"{model._meta.label}.{field.name}: no value given and no default")
        columns.append(quote(str(field.column)))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selects)} {source} RETURNING {returning}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return cursor.fetchall()


def update_each(model: type[models.Model], rows: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Set `fields` of each of `rows` (instances of `model` with their pk) to its own values. On
    PostgreSQL one statement, each column's values as one array (`UPDATE ... FROM unnest(...)`):
    Django's `bulk_update` builds a CASE of every row for every field, in Python, which took 30 of
    the 50 s of a consular sweep's 99,476 adoptions at 1,000,000 children. The embedded SQLite
    keeps `bulk_update`."""
    if not rows:
        return
    if not available():
        model._default_manager.bulk_update(rows, fields, batch_size=500)
        return
    quote = connection.ops.quote_name
    columns: list[tuple[str, str, models.Field]] = []  # (quoted column, its array type, field): the pk first
    for field in [model._meta.pk, *(model._meta.get_field(name) for name in fields)]:
        assert isinstance(field, models.Field) and field.column  # a concrete column of the model's table
        columns.append((quote(field.column), f"{field.db_type(connection)}[]", field))
    arrays = [
        [field.get_db_prep_value(getattr(row, field.attname), connection) for row in rows] for *_, field in columns
    ]
    (pk, *_), *values = columns
    sets = ", ".join(f"{column} = v.c{i}" for i, (column, *_) in enumerate(values, 1))
    casts = ", ".join(f"%s::{array}" for _, array, _ in columns)
    aliases = ", ".join(f"c{i}" for i in range(len(columns)))
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS t SET {sets} FROM unnest({casts}) AS v({aliases}) WHERE t.{pk} = v.c0", arrays
        )


def new_ids(model: type[models.Model], n: int) -> list[int]:
    """`n` ids for new rows of `model`, taken from its table's sequence, increasing: rows staged
    with their ids can be linked to each other before they are written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [model._meta.db_table, n]
        )
        return sorted(pk for (pk,) in cursor.fetchall())


def _events(
    model, verb: str, subject: tuple[str, str] | None, *, action: str, before: Expression, after: Expression
) -> dict:
    """The columns of a system event about the row `r` of `model` (core.audit.audit_event's, in SQL)."""
    verb = Verb(verb)  # an unknown verb is a bug, as in core.audit.audit_event
    label = model._meta.label_lower
    subject_label, subject_id = subject or (label, "r.id")
    return {
        "actor_id": "NULL",
        "actor_role": "'system'",
        "request_id": ("%s", [current_request_id()]),
        "action": ("%s", [action]),
        "verb": ("%s", [verb]),
        "object_type": ("%s", [label]),
        "object_id": "r.id::text",
        "subject_type": ("%s", [subject_label]),
        "subject_id": f"({subject_id})::text",
        "before": before,
        "after": after,
    }


def audit_created(
    model: type[models.Model],
    ids: list[int],
    verb: str,
    *,
    subject: tuple[str, str] | None = None,
    after: Expression = "to_jsonb(r)",
    join: str = "",
) -> int:
    """One `create` event by the system for each row `ids` of `model`, its `after` the stored row
    (or the SQL `after` over the row `r` and the rows of `join`); `subject`: (label, SQL expression
    of the subject's id over `r`), default the row."""
    return _audit_rows(model, ids, verb, AuditEvent.Action.CREATE, "NULL", after, subject, join)


def audit_passed(
    model: type[models.Model],
    ids: list[int],
    verb: str,
    *,
    before: Expression,
    after: Expression = "to_jsonb(r)",
    join: str = "",
) -> int:
    """One `update` event by the system for each row `ids` of `model`, from the SQL `before` to the
    SQL `after` over the row `r` (and the rows of `join`): the record of a step that a row written
    once, in the state its last step leaves it, passed through in the services (each event as
    `core.audit.audited_update` would have written it). Returns how many."""
    return _audit_rows(model, ids, verb, AuditEvent.Action.UPDATE, before, after, None, join)


def _audit_rows(model, ids, verb, action, before: Expression, after: Expression, subject, join: str) -> int:
    rows = insert_select(
        AuditEvent,
        _events(model, verb, subject, action=action, before=before, after=after),
        f"FROM {connection.ops.quote_name(model._meta.db_table)} r {join} WHERE r.id = ANY(%s) ORDER BY r.id",
        [ids],
        returning="1",
    )
    return len(rows)
