import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from openpyxl import Workbook

from core.audit import snapshot
from core.models import AuditEvent, District
from registry.imports import COLUMNS, import_children
from registry.models import Child, DuplicateFlag, RegisterEntry
from tests.conftest import SHARED

pytestmark = pytest.mark.django_db
SAMPLE = SHARED / "samples" / "children.csv"


def sample_file(tmp_path: Path, district) -> Path:
    """The shared sample, with its placeholder replaced by a real district code."""
    path = tmp_path / "children.csv"
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace("<district code>", district.code), encoding="utf-8")
    return path


def write_csv(tmp_path, rows, name="children.csv"):
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({c: r.get(c, "") for c in COLUMNS} for r in rows)
    return path


def row(n, district_obj, **overrides):
    return {
        "external_id": f"EX-{n}",
        "last_name": f"Family{n}",
        "first_name": "Dana",
        "sex": "F",
        "birth_date": "2019-04-12",
        "district": district_obj.code,
        "identified_on": "2023-02-01",
        "primary_on": "2023-02-03",
        **overrides,
    }


def test_the_sample_file_imports_with_its_register_history(tmp_path, district, capsys):
    call_command("import_children", str(sample_file(tmp_path, district)))
    assert "imported: 2 created" in capsys.readouterr().out
    serikov = Child.objects.get(external_id="EX-0001")
    assert (serikov.last_name, serikov.register_level, str(serikov.level_since)) == ("Сериков", "central", "2023-04-07")
    assert list(serikov.register_entries.values_list("level", flat=True)) == ["primary", "regional", "central"]
    assert Child.objects.get(external_id="EX-0002").register_level == "primary"
    assert AuditEvent.objects.filter(verb="create_child").count() == 2


def test_importing_the_same_file_twice_changes_nothing(tmp_path, district, capsys):
    path = sample_file(tmp_path, district)
    call_command("import_children", str(path))
    counts = (Child.objects.count(), RegisterEntry.objects.count(), AuditEvent.objects.count())
    call_command("import_children", str(path))
    assert "0 created, 2 already present" in capsys.readouterr().out
    assert (Child.objects.count(), RegisterEntry.objects.count(), AuditEvent.objects.count()) == counts


def test_one_bad_cell_writes_nothing_and_names_its_line_and_column(tmp_path, district, capsys):
    rows = [row(1, district), row(2, district), row(3, district, birth_date="2019-02-30"), row(4, district)]
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_children", str(write_csv(tmp_path, rows)))
    assert "line 4, column birth_date" in capsys.readouterr().err  # line 1 is the header
    assert Child.objects.count() == 0 and AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "overrides, column, code",
    [
        ({"primary_on": "", "regional_on": "2023-03-01"}, "regional_on", "level_skipped"),
        ({"regional_on": "2023-02-02"}, "regional_on", "out_of_order"),
        ({"district": "NOPE"}, "district", "unknown_district"),
        ({"sex": "boy"}, "sex", "invalid_choice"),
        ({"identified_on": "2019-04-11"}, "birth_date", "born_after_identified"),
        ({"birth_date": "2001-01-01", "identified_on": "2019-01-01", "primary_on": ""}, "identified_on", "not_a_minor"),
        ({"external_id": ""}, "external_id", "required"),
    ],
)
def test_each_rule_is_checked_per_row(tmp_path, district, overrides, column, code):
    result = import_children(write_csv(tmp_path, [row(1, district, **overrides)]))
    assert [(e.line, e.column, e.code) for e in result.errors] == [(2, column, code)]
    assert Child.objects.count() == 0


@pytest.mark.parametrize(
    "column, limit",
    [
        ("last_name", 100),
        ("first_name", 100),
        ("patronymic", 100),
        ("external_id", 64),
        ("birth_registration_number", 64),
    ],
)
def test_a_cell_longer_than_its_field_is_named_by_line_and_column(tmp_path, district, column, limit):
    """The database refused the whole import on writing it (a DataError: the command's traceback,
    the upload's failed job with no line named); at its field's length it is stored."""
    longest = {"external_id": "E" * 64, column: "Щ" * limit}
    result = import_children(
        write_csv(tmp_path, [row(1, district, **longest), row(2, district, **{column: "Щ" * (limit + 1)})])
    )
    assert [(e.line, e.column, e.code) for e in result.errors] == [(3, column, "max_length")]
    assert f"{limit} characters" in result.errors[0].message
    assert Child.objects.count() == 0
    result = import_children(write_csv(tmp_path, [row(1, district, **longest)]))
    assert result.ok and getattr(Child.objects.get(), column) == longest[column]


def test_an_external_id_twice_in_one_file_is_an_error(tmp_path, district):
    result = import_children(write_csv(tmp_path, [row(1, district), row(1, district)]))
    assert [(e.line, e.code) for e in result.errors] == [(3, "duplicate_in_file")]


def test_dry_run_validates_and_writes_nothing(tmp_path, district, capsys):
    call_command("import_children", str(sample_file(tmp_path, district)), dry_run=True)
    assert "valid: 2 row(s)" in capsys.readouterr().out
    assert Child.objects.count() == 0


def test_xlsx_files_import_the_same_way(tmp_path, district):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    import datetime

    values = row(1, district, birth_date=datetime.date(2019, 4, 12), identified_on=datetime.date(2023, 2, 1))
    sheet.append([values.get(c, None) for c in COLUMNS])
    path = tmp_path / "children.xlsx"
    workbook.save(path)
    result = import_children(path)
    assert result.ok and result.created == 1
    assert str(Child.objects.get().birth_date) == "2019-04-12"


def test_a_file_missing_a_column_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("external_id,last_name\nX,Y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Missing columns"):
        call_command("import_children", str(path))


def _stored():
    """What an import leaves, independent of ids: children with their state, entries, flags."""
    key = dict(Child.objects.values_list("pk", "external_id"))
    key = {pk: ext or f"#{pk}" for pk, ext in key.items()}
    children = sorted(
        Child.objects.values_list(
            "external_id",
            "last_name",
            "search_name",
            "sex",
            "birth_date",
            "district_id",
            "register_level",
            "level_since",
            "status",
        ),
        key=str,
    )
    entries = sorted(
        (key[c], level, on) for c, level, on in RegisterEntry.objects.values_list("child_id", "level", "on")
    )
    flags = sorted(
        (key[c], key[o], reason) for c, o, reason in DuplicateFlag.objects.values_list("child_id", "other_id", "reason")
    )
    return children, entries, flags


@pytest.mark.parametrize(
    "set_based",
    [
        pytest.param(
            True,
            id="set-based",
            marks=pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based writer is PostgreSQL's"),
        ),
        pytest.param(False, id="orm-bulk"),
    ],
)
def test_the_bulk_import_stores_what_the_services_would(tmp_path, district, other_district, set_based, monkeypatch):
    """Both ways of writing: set by set (PostgreSQL), and the ORM's bulk path (the embedded SQLite)."""
    from django.db import transaction

    from core import copying
    from registry import services
    from registry.imports import validate

    services.create_child(
        actor=None,
        district=other_district,
        last_name="Омарова",
        first_name="Айгерим",
        sex="F",
        birth_date=date(2019, 4, 12),
        identified_on=date(2023, 1, 1),
        external_id="OLD-1",
    )
    rows = [
        row(
            n,
            district,
            birth_date=str(date(2015, 1, 1) + timedelta(days=n % 7)),
            sex="MF"[n % 2],
            last_name=f"Family{n % 9}",
            primary_on=("" if n % 3 == 0 else "2023-02-03"),
            regional_on=("2023-03-03" if n % 3 == 2 else ""),
            # the same number in either case is the same number (as the search finds it)
            birth_registration_number=(f"BR-{n % 11}" if n % 8 == 0 else f"br-{n % 11}" if n % 4 == 0 else ""),
        )
        for n in range(2 * 200 + 30)
    ]  # more than one batch (of 200 here); many alike: duplicates within the file
    rows += [
        row(
            "omarova", district, last_name="Omarova", first_name="Aigerim", birth_date="2019-04-12"
        ),  # the stored one, in Latin
        row("brn", district, last_name="Other", birth_registration_number="br-3"),
    ]
    rows += [  # spellings of the stored one: similar, or passing the import's bound but not the rule
        row(f"variant-{n}", district, last_name=last, first_name=first, birth_date="2019-04-12")
        for n, (last, first) in enumerate([("Omarova", "Aygerim"), ("Omarova", "Arieigm")])
    ]
    path = write_csv(tmp_path, rows)

    with transaction.atomic():  # what creating and placing each row through the services gives
        parsed, errors = validate(path)
        assert not errors
        for parsed_row in parsed:
            values = dict(parsed_row.values)
            child, _ = services.create_child(
                actor=None,
                district=District.objects.get(code=values.pop("district_id")),
                external_id=parsed_row.external_id,
                **values,
            )
            for level, on in parsed_row.placements:
                services.place_on_register(actor=None, child=child, level=level, placed_on=on)
        expected = _stored()
        transaction.set_rollback(True)

    monkeypatch.setattr(copying, "available", lambda: set_based)
    monkeypatch.setattr("registry.imports.SET_BATCH", 200)
    monkeypatch.setattr("registry.imports.BATCH", 200)
    result = import_children(path)
    assert result.ok and result.created == len(rows)
    assert _stored() == expected
    children, entries, flags = expected
    assert (
        len(flags) > len(rows) and ("EX-omarova", "OLD-1", "name_and_birth_date") in flags
    )  # the comparison means something
    assert ("EX-variant-0", "OLD-1", "name_and_birth_date") in flags
    assert ("EX-variant-1", "OLD-1", "name_and_birth_date") not in flags  # the bound passes, the rule refuses
    # the same number in either case: br-3 (row 36, and "brn") and BR-3 (row 80)
    assert {("EX-80", "EX-36", "birth_registration_number"), ("EX-brn", "EX-80", "birth_registration_number")} <= set(
        flags
    )
    assert len(result.flagged) == len(flags)
    # each child's creation event holds the stored child as the services' snapshot would (PostgreSQL
    # writes it with to_jsonb; times compared as times: PostgreSQL drops trailing zeros of a fraction)
    imported = Child.objects.get(external_id="EX-omarova")
    after = AuditEvent.objects.get(verb="create_child", object_id=str(imported.pk)).after
    assert after is not None
    expected_after = json.loads(json.dumps(snapshot(imported), cls=DjangoJSONEncoder))
    for moment in ("created_at", "updated_at"):
        assert datetime.fromisoformat(after.pop(moment)) == datetime.fromisoformat(expected_after.pop(moment))
    assert after == expected_after
    audited = AuditEvent.objects.filter(verb="create_child", actor_role="system").count()
    assert audited == len(rows) + 1 and AuditEvent.objects.filter(verb="place_on_register").count() == len(
        entries
    )  # + OLD-1
