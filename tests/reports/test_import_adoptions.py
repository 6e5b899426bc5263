"""`import_adoptions` on PostgreSQL writes set by set what the services write case by case: the
same rows in every table and the same audit events, compared here row by row on one file."""

import csv
import json
from collections import Counter
from datetime import date, datetime

import pytest
from django.db import connection, transaction

from adoption.models import Adoption, Applicant, Case, CaseApplicant, CaseChild, Decision
from bench.history import generate, write_csv
from consular.models import ConsularRegistration, Departure
from core import copying
from core.management.commands.seed_demo import load_reference_data
from core.models import AuditEvent, District
from registry import services
from registry.models import Child, DuplicateFlag, RegisterEntry
from reports.imports import COLUMNS, SET_BATCH, import_adoptions
from tests.reports.conftest import HISTORICAL_CASE, NEW_CHILD, stored_child

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the set-based writer is PostgreSQL's"),
]


def fields(obj, *skip) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in ("id", "created_at", "updated_at", *skip)
    }


def stored_state() -> dict:
    """Every row the import writes, with ids replaced by natural keys (a child by its name, a
    case by its case_ref), and the audit events as a multiset of their normalized contents."""
    child = {c.pk: f"{c.last_name} {c.first_name}" for c in Child.objects.all()}
    case = dict(Case.objects.values_list("id", "case_ref"))
    applicant = {
        a: f"{case[k]}/{n}"
        for n, (a, k) in enumerate(
            CaseApplicant.objects.order_by("case_id", "applicant_id").values_list("applicant_id", "case_id")
        )
    }
    decision = {d.pk: case[d.case_id] for d in Decision.objects.all()}
    keys: dict[str, dict] = {
        "child_id": child,
        "other_id": child,
        "case_id": case,
        "applicant_id": applicant,
        "decision_id": decision,
    }

    def keyed(data: dict) -> dict:
        out = {}
        for name, value in data.items():
            if name in ("created_at", "updated_at") and isinstance(value, str):
                datetime.fromisoformat(value)  # a real time (it differs between the two imports)
            if name in ("id", "created_at", "updated_at"):
                continue
            if name in keys and value is not None:
                value = keys[name][value]
            elif name in ("children", "relative_of"):
                value = [child[v] for v in value]
            elif name == "applicants":
                value = [applicant[v] for v in value]
            out[name] = value
        return out

    def rows(model, *skip):
        return sorted(json.dumps(keyed(fields(o, *skip)), sort_keys=True, default=str) for o in model.objects.all())

    objects: dict[str, dict] = {
        "registry.child": child,
        "adoption.case": case,
        "adoption.applicant": applicant,
        "adoption.decision": decision,
    }

    def event(e: AuditEvent) -> str:
        ids = objects.get(e.object_type)
        return json.dumps(
            {
                "verb": e.verb,
                "action": e.action,
                "actor": e.actor_role,
                "object": [e.object_type, ids[int(e.object_id)] if ids else "-"],
                "subject": [e.subject_type, objects[e.subject_type][int(e.subject_id)]],
                "before": e.before and keyed(e.before),
                "after": e.after and keyed(e.after),
            },
            sort_keys=True,
            default=str,
        )

    return {
        "children": rows(Child),
        "entries": rows(RegisterEntry),
        "flags": rows(DuplicateFlag),
        "applicants": rows(Applicant),
        "cases": rows(Case),
        "case_children": rows(CaseChild),
        "case_applicants": rows(CaseApplicant),
        "decisions": rows(Decision),
        "adoptions": rows(Adoption),
        "registrations": rows(ConsularRegistration),
        "departures": rows(Departure),
        "events": Counter(event(e) for e in AuditEvent.objects.exclude(verb__in=["read", "read_list"])),
    }


@pytest.fixture
def history_file(tmp_path):
    load_reference_data()
    districts = [(d.code, d.region_id) for d in District.objects.order_by("code")]
    rows = generate(SET_BATCH + 300, districts, seed=11)  # more than one batch
    path = write_csv(rows, tmp_path / "adoptions.csv")
    district = District.objects.get(code=rows[0].district)
    # a child on the register whose identity resembles the first imported child: flagged as a
    # possible duplicate; a registered child named by its external number in a case of two, beside
    # a new child: that case goes through the services in both ways
    services.create_child(
        actor=None,
        district=district,
        last_name="Child",
        first_name="Synth",
        sex=rows[0].sex,
        birth_date=rows[0].birth,
        identified_on=rows[0].birth,
    )
    stored = stored_child(district)
    services.place_on_register(actor=None, child=stored, level="primary", placed_on=date(2018, 1, 12))
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        mixed = dict.fromkeys(COLUMNS, "") | HISTORICAL_CASE | {"district": district.code}
        writer.writerow(mixed | {"child_external_id": "OLD-1"})
        writer.writerow(mixed | NEW_CHILD)
    return path, len(rows) + 2


def test_the_set_based_import_stores_what_the_services_would(history_file, monkeypatch):
    path, n = history_file
    with transaction.atomic():  # every case through the services, as on the embedded SQLite
        with monkeypatch.context() as patch:
            patch.setattr(copying, "available", lambda: False)
            by_services = import_adoptions(path)
        expected = stored_state()
        transaction.set_rollback(True)

    result = import_adoptions(path)
    assert result.ok and result.created == by_services.created == n
    assert sorted(result.flagged) == sorted(by_services.flagged) and result.flagged
    stored = stored_state()
    for table, rows in expected.items():  # table by table, naming the rows that differ
        missing, extra = Counter(rows) - Counter(stored[table]), Counter(stored[table]) - Counter(rows)
        assert not missing and not extra, (table, sorted(missing.elements())[:3], sorted(extra.elements())[:3])
    # the comparison means something: every kind of row and event is there
    assert any('"Child Synth"' in f for f in expected["flags"])
    assert len(expected["registrations"]) > 100 and len(expected["departures"]) > 100
    verbs = Counter(json.loads(e)["verb"] for e in expected["events"].elements())
    assert verbs["seal_identity"] == n and verbs["deregister"] == 2 * n  # its register entry, its record
    assert verbs["open_case"] == Case.objects.count() and verbs["create_applicant"] == Applicant.objects.count()
    assert Child.objects.get(external_id="OLD-1").status == "deregistered"


def test_a_consular_number_used_twice_is_refused_by_line(tmp_path):
    load_reference_data()
    districts = [(d.code, d.region_id) for d in District.objects.all()]
    registered = [r for r in generate(200, districts) if r.consular_registered_on]
    rows = [registered[0], next(r for r in registered if r.case_ref != registered[0].case_ref)]
    path = write_csv(rows, tmp_path / "twice.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    for column in ("consular_post_country", "consular_number"):
        lines[1][column] = lines[0][column]  # the second child registered under the first one's number
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(lines)
    result = import_adoptions(path)
    assert [(e.line, e.column, e.code) for e in result.errors] == [(3, "consular_number", "duplicate_in_file")]
    assert not Case.objects.exists()
    import_adoptions(write_csv(rows[:1], tmp_path / "first.csv"))  # the number is then stored
    result = import_adoptions(write_csv(rows[1:], tmp_path / "second.csv"), dry_run=True)
    assert result.ok  # another number
    lines[1]["case_ref"] = "OTHER-1"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(lines[1:])
    result = import_adoptions(path)
    assert [(e.line, e.column, e.code) for e in result.errors] == [(2, "consular_number", "number_taken")]


def test_a_stored_case_is_skipped_but_its_child_and_number_are_not_reused(tmp_path):
    load_reference_data()
    districts = [(d.code, d.region_id) for d in District.objects.all()]
    row = next(r for r in generate(50, districts) if r.consular_registered_on)
    district = District.objects.get(code=row.district)
    stored = stored_child(district)
    path = write_csv([row], tmp_path / "one.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        (line,) = list(csv.DictReader(handle))
    line |= {"child_external_id": "OLD-1"} | dict.fromkeys(
        ("child_last_name", "child_first_name", "child_sex", "child_birth_date"), ""
    )

    def write(*lines):
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(lines)
        return path

    assert import_adoptions(write(line)).created == 1
    again = import_adoptions(write(line))  # the same file again: its case is stored, nothing changes
    assert again.ok and (again.created, again.skipped) == (0, 1)
    other = import_adoptions(write(line | {"case_ref": "OTHER-1"}))  # the same child in another case
    assert [(e.line, e.column, e.code) for e in other.errors] == [
        (2, "child_external_id", "already_adopted"),
        (2, "consular_number", "number_taken"),
    ]
    assert Case.objects.count() == 1 and stored.pk == Adoption.objects.get().child_id
