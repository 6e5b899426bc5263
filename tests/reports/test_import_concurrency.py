"""Imports run one at a time (`registry.imports.one_at_a_time`): an import validates its file
against what is stored, then writes it, and a second import of the same rows waits for the first
to commit instead of validating them as new beside it. A record a user writes meanwhile that the
file conflicts with ends the import with an error and nothing written."""

import csv
import threading
import time

import pytest
from django.db import connection, transaction

from adoption.models import Case
from consular import services as consular_services
from consular.models import ConsularRegistration
from core import copying
from core.dates import today
from registry import imports as children_import
from registry.models import Child
from reports.imports import COLUMNS, import_adoptions
from tests.adoption.conftest import adopt_abroad
from tests.conftest import postgres_only

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def paused_before_writing(monkeypatch):
    """The next import stops once it has validated its file and found what is stored of it, before
    it writes (`copying.begin_bulk`), until `go` is set."""
    validated, go = threading.Event(), threading.Event()
    begin_bulk = copying.begin_bulk

    def pausing():
        if not validated.is_set():
            validated.set()
            assert go.wait(10)
        begin_bulk()

    monkeypatch.setattr(copying, "begin_bulk", pausing)
    return validated, go


def in_thread(job, results: list):
    def run():
        try:
            results.append(job())
        except Exception as exc:  # surfaced by the test's assertions
            results.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_the_same_file_imported_twice_at_once_is_written_once(district, tmp_path, monkeypatch):
    path = tmp_path / "children.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(children_import.COLUMNS)
        for i in range(3):
            writer.writerow(
                [f"EXT-{i}", f"Name{i}", "Child", "", "F", "2019-01-0" + str(i + 1), f"BR-{i}", district.code]
                + ["2020-01-01", "2020-01-02", "", ""]
            )
    validated, go = paused_before_writing(monkeypatch)
    first: list = []
    second: list = []
    one = in_thread(lambda: children_import.import_children(path), first)
    assert validated.wait(10)  # the first found none of the file stored, and holds the imports' lock
    two = in_thread(lambda: children_import.import_children(path), second)
    two.join(1)
    assert two.is_alive()  # the second waits for it
    go.set()
    one.join(20)
    two.join(20)
    (a,), (b,) = first, second
    assert a.ok and (a.created, a.skipped) == (3, 0)
    assert b.ok and (b.created, b.skipped) == (0, 3)  # it read what is stored after the first committed
    assert Child.objects.filter(external_id__startswith="EXT-").count() == 3


def test_a_number_registered_while_the_file_is_imported_ends_the_import_with_nothing_written(
    district, court, us_post, tmp_path, monkeypatch
):
    _, child = adopt_abroad(district, court, in_force_ago=100)
    path = tmp_path / "adoptions.csv"
    row = {
        "case_ref": "HIST-1",
        "child_last_name": "Old",
        "child_first_name": "Aru",
        "child_sex": "F",
        "child_birth_date": "2015-02-03",
        "district": district.code,
        "relative": "no",
        "applicant1_sex": "F",
        "applicant1_citizenship": "US",
        "applicant1_residence_country": "US",
        "applicant1_marital_status": "single",
        "decided_on": "2019-05-04",
        "in_force_on": "2019-05-20",
        "departed_on": "2019-06-01",
        "residence_country": "US",
        "consular_post_country": "US",
        "consular_registered_on": "2019-06-10",
        "consular_number": "US-77",
    }
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerow(dict.fromkeys(COLUMNS, "") | row)
    validated, go = paused_before_writing(monkeypatch)
    results: list = []
    importing = in_thread(lambda: import_adoptions(path), results)
    assert validated.wait(10)  # the number was free when the file was validated
    consular_services.register_child(actor=None, child=child, post=us_post, number="US-77", registered_on=today())
    go.set()
    importing.join(20)
    (result,) = results
    assert [(e.line, e.column, e.code) for e in result.errors] == [(1, None, "conflict")]
    assert not Case.objects.filter(case_ref="HIST-1").exists() and not Child.objects.filter(last_name="Old").exists()
    assert list(ConsularRegistration.objects.values_list("child_id", "number")) == [(child.pk, "US-77")]
    again = import_adoptions(path)  # imported again: the number is now named by line
    assert [(e.line, e.column, e.code) for e in again.errors] == [(2, "consular_number", "number_taken")]


def test_an_import_waiting_for_another_says_so(api, client, users, district, tmp_path):
    """A second upload while an import runs waited on the imports' lock and its page said
    "running 0/0" until the first ended: it says it is waiting for another import to finish, then
    runs."""
    from django.core.files.base import ContentFile

    from core import locks
    from reports import services
    from reports.models import ImportJob

    job = ImportJob.objects.create(kind="children", file=ContentFile(",".join(children_import.COLUMNS) + "\n", "c.csv"))
    held, go = threading.Event(), threading.Event()

    def other_import():
        with transaction.atomic():
            locks.hold(locks.IMPORTS)
            held.set()
            assert go.wait(20)

    results: list = []
    other = in_thread(other_import, results)
    assert held.wait(10)
    worker = in_thread(lambda: services.run_import_job(job.pk), results)
    ministry = api(users["ministry"])
    deadline = time.monotonic() + 10
    while ministry.get(f"/api/v1/imports/{job.pk}/").json()["status"] != "waiting":
        assert time.monotonic() < deadline, "the job never said it was waiting"
        time.sleep(0.05)
    client.force_login(users["ministry"])
    page = client.get(f"/dashboard/import/{job.pk}/").content.decode()
    assert "waiting for another import to finish" in page
    go.set()
    other.join(20)
    worker.join(20)
    assert ministry.get(f"/api/v1/imports/{job.pk}/").json()["status"] == "done"
