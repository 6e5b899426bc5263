import csv
import random
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from core.management.commands.seed_demo import load_reference_data
from core.models import District
from registry.imports import COLUMNS, import_children
from registry.models import Child
from reports import services
from reports.models import ImportJob
from tests.conftest import SHARED

pytestmark = pytest.mark.django_db


def children_file(tmp_path, n=300, seed=3):
    rng = random.Random(seed)
    districts = [(d.code, d.region_id) for d in District.objects.all()]
    facts = []
    path = tmp_path / "children.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(n):
            code, region = rng.choice(districts)
            birth = date(2012, 1, 1) + timedelta(days=rng.randrange(3000))
            identified = birth + timedelta(days=rng.randrange(10, 400))
            dates = [identified + timedelta(days=1)]
            for _ in range(rng.randrange(0, 3)):
                dates.append(dates[-1] + timedelta(days=rng.randrange(1, 200)))
            levels = dates[: rng.randrange(0, len(dates) + 1)]
            writer.writerow(
                [
                    f"R-{i}",
                    f"Name{i}",
                    "X",
                    "",
                    rng.choice("MF"),
                    birth,
                    "",
                    code,
                    identified,
                    *[d.isoformat() for d in levels],
                    *[""] * (3 - len(levels)),
                ]
            )
            facts.append((region, levels))
    return path, facts


@pytest.mark.parametrize("as_of", [date(2013, 6, 1), date(2016, 1, 1), date(2030, 1, 1)])
def test_registers_report_counts_the_latest_level_on_the_date(api, users, tmp_path, as_of):
    load_reference_data()
    path, facts = children_file(tmp_path)
    assert import_children(path).ok
    expected: dict[str, dict[str, int]] = {}
    for region, levels in facts:
        on = [d for d in levels if d <= as_of]
        if on:
            level = ["primary", "regional", "central"][len(on) - 1]
            expected.setdefault(region, {"primary": 0, "regional": 0, "central": 0})[level] += 1
    body = api(users["ministry"]).get("/api/v1/reports/registers/", {"as_of": as_of}).json()
    assert body["by_region"] == dict(sorted(expected.items()))
    assert body["total"] == {lvl: sum(r[lvl] for r in expected.values()) for lvl in ("primary", "regional", "central")}


def test_registers_report_on_past_days_follows_placements_and_deregistration_to_the_day(
    api, users, district, other_district
):
    """One child's history through the services, the report read the day before, of and after each entry."""
    from core.dates import today
    from registry import services as registry_services

    def day(n):
        return today() - timedelta(days=n)

    child, elsewhere = (
        registry_services.create_child(
            actor=None,
            district=d,
            last_name="History",
            first_name="A",
            sex="F",
            birth_date=day(2000),
            identified_on=day(100),
        )[0]
        for d in (district, other_district)
    )
    registry_services.place_on_register(
        actor=None, child=elsewhere, level="primary", placed_on=day(95)
    )  # outside the regional user's territory
    registry_services.place_on_register(actor=None, child=child, level="primary", placed_on=day(90))
    registry_services.place_on_register(actor=None, child=child, level="regional", placed_on=day(60))
    registry_services.deregister(actor=None, child=child, on=day(40), reason="returned_to_parents")
    registry_services.place_on_register(actor=None, child=child, level="primary", placed_on=day(20))
    expected = {
        91: None,
        90: "primary",
        89: "primary",
        61: "primary",
        60: "regional",
        41: "regional",
        40: None,
        21: None,
        20: "primary",
    }
    regional = api(users["regional"])
    for n, level in expected.items():
        total = regional.get("/api/v1/reports/registers/", {"as_of": day(n)}).json()["total"]
        assert total == {lvl: int(lvl == level) for lvl in ("primary", "regional", "central")}, (n, total)


def test_an_uploaded_import_runs_once_with_its_progress(api, users, district, capsys):
    sample = (SHARED / "samples" / "children.csv").read_text(encoding="utf-8").replace("<district code>", district.code)
    upload = SimpleUploadedFile("children.csv", sample.encode(), content_type="text/csv")
    response = api(users["ministry"]).post("/api/v1/imports/", {"kind": "children", "file": upload}, format="multipart")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    job_id = response.json()["id"]
    assert services.run_import_job(job_id).status == "done"  # what the worker's task does
    assert services.run_import_job(job_id).created == 2  # a redelivered task does nothing more
    progress = api(users["ministry"]).get(f"/api/v1/imports/{job_id}/").json()
    assert (progress["status"], progress["percent"], progress["created"], progress["done"]) == ("done", 100, 2, 2)
    assert api(users["guardianship"]).get(f"/api/v1/imports/{job_id}/").status_code == 403


def test_an_import_with_errors_fails_and_lists_them_by_line_and_column(api, users, district):
    bad = "external_id,last_name,first_name,patronymic,sex,birth_date,birth_registration_number,district,identified_on,primary_on,regional_on,central_on\n"
    bad += f"X1,A,B,,M,2019-02-30,,{district.code},2020-01-01,,,\n"
    bad += f"X2,A,C,,M,2019-02-01,,{district.code},2200-01-01,,,\n"  # past the service's calendar
    upload = SimpleUploadedFile("bad.csv", bad.encode(), content_type="text/csv")
    job_id = (
        api(users["ministry"])
        .post("/api/v1/imports/", {"kind": "children", "file": upload}, format="multipart")
        .json()["id"]
    )
    job = services.run_import_job(job_id)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {"line": 2, "column": "birth_date", "code": "invalid_date", "message": job.errors[0]["message"]},
        {
            "line": 3,
            "column": "identified_on",
            "code": "date_out_of_range",
            "message": "A date from 1900-01-01 to 2199-12-31.",
        },
    ]


def test_an_import_that_stops_on_an_error_leaves_its_job_failed_not_running(api, users, district, monkeypatch):
    sample = (SHARED / "samples" / "children.csv").read_text(encoding="utf-8").replace("<district code>", district.code)
    upload = SimpleUploadedFile("children.csv", sample.encode(), content_type="text/csv")
    job_id = api(users["ministry"]).post("/api/v1/imports/", {"kind": "children", "file": upload}, format="multipart")
    job_id = job_id.json()["id"]

    def stops(path, **kwargs):
        import_children(path, **kwargs)  # written, then stopped before its transaction commits
        raise RuntimeError("the worker's soft time limit")

    monkeypatch.setitem(services.IMPORTERS, ImportJob.Kind.CHILDREN, stops)
    with pytest.raises(RuntimeError):  # on to the worker's log
        services.run_import_job(job_id)
    progress = api(users["ministry"]).get(f"/api/v1/imports/{job_id}/").json()
    assert progress["status"] == "failed" and [e["code"] for e in progress["errors"]] == ["import_stopped"]
    assert not Child.objects.exists()  # nothing written
    monkeypatch.undo()
    assert services.run_import_job(job_id).status == "failed"  # a redelivery leaves it as it is


def test_uploads_must_be_csv_or_xlsx(api, users):
    upload = SimpleUploadedFile("evil.exe", b"MZ", content_type="application/octet-stream")
    response = api(users["ministry"]).post("/api/v1/imports/", {"kind": "children", "file": upload}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"


def test_the_registers_today_from_current_state_agree_with_the_history(api, users, district, other_district):
    from core.dates import today
    from registry import services as registry_services
    from registry.models import Child, RegisterEntry
    from reports.queries import current_levels, levels_on
    from tests.adoption.conftest import ago, make_child

    make_child(district, last_name="Central")
    left = make_child(other_district, last_name="Left")
    registry_services.deregister(actor=None, child=left, on=ago(30), reason="returned_to_parents")
    back = make_child(district, last_name="Back")
    registry_services.deregister(actor=None, child=back, on=ago(30), reason="returned_to_parents")
    registry_services.place_on_register(
        actor=None, child=Child.objects.get(pk=back.pk), level="primary", placed_on=ago(10)
    )
    registry_services.create_child(
        actor=None,
        district=district,
        last_name="Identified",
        first_name="A",
        sex="M",
        birth_date=ago(900),
        identified_on=ago(1),
    )  # on no register yet
    assert (
        sorted(current_levels(Child.objects.all()))
        == sorted(levels_on(RegisterEntry.objects.all(), today()))
        == [("KZ-71", "central", 1), ("KZ-71", "primary", 1)]
    )
    assert api(users["ministry"]).get("/api/v1/reports/registers/").json()["total"] == {
        "primary": 1,
        "regional": 0,
        "central": 1,
    }


def test_the_import_page_gives_each_files_header_row_and_an_empty_file_that_imports(client, users, tmp_path):
    from reports.imports import COLUMNS as ADOPTION_COLUMNS
    from reports.imports import import_adoptions

    load_reference_data()
    client.force_login(users["ministry"])
    page = client.get("/dashboard/import/").content.decode()
    for kind, columns in (("children", COLUMNS), ("adoptions", ADOPTION_COLUMNS)):
        assert ", ".join(columns) in page and f'href="/dashboard/import/{kind}.csv"' in page
    # each empty file, with the sample's rows below its header, is a file the import takes
    for kind, importer in (("children", import_children), ("adoptions", import_adoptions)):
        header = client.get(f"/dashboard/import/{kind}.csv")
        assert header.status_code == 200 and header["Content-Type"].startswith("text/csv")
        sample = (SHARED / "samples" / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[1:]
        rows = "\n".join(line.replace("<district code>", "KZ-71-ESI") for line in sample)
        path = tmp_path / f"{kind}.csv"
        path.write_text(header.content.decode() + rows + "\n", encoding="utf-8")
        checked = importer(path, dry_run=True)
        assert checked.ok and checked.rows == len(sample), (kind, checked.errors[:3])
    assert client.get("/dashboard/import/other.csv").status_code == 404
    client.force_login(users["regional"])
    assert client.get("/dashboard/import/children.csv").status_code == 403


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_an_upload_is_answered_in_the_language_of_whoever_uploaded_it(api, users, language):
    """The worker runs the file in its own default language (English); the errors and flags it
    stores are read by the ministry user who uploaded the file, in the language of the upload."""
    load_reference_data()
    code = District.objects.order_by("code").values_list("code", flat=True)[0]
    ministry = api(users["ministry"])

    def upload(kind: str, text: str) -> ImportJob:
        file = SimpleUploadedFile(f"{kind}.csv", text.encode(), content_type="text/csv")
        response = ministry.post(
            "/api/v1/imports/", {"kind": kind, "file": file}, format="multipart", HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.status_code == 201, response.content
        with translation.override("en"):  # as the worker does: outside any request, in its default language
            return services.run_import_job(response.json()["id"])

    header = ",".join(COLUMNS)
    refused = upload("children", f"{header}\nX1,A,B,,M,2019-02-30,,{code},2020-01-01,,,\n")
    with translation.override(language):
        not_a_date = _("Not a date in the form YYYY-MM-DD: %(value)s") % {"value": "2019-02-30"}
    assert refused.errors[0]["message"] == not_a_date != "Not a date in the form YYYY-MM-DD: 2019-02-30"

    sample = (SHARED / "samples" / "adoptions.csv").read_text(encoding="utf-8").replace("<district code>", code)
    flagged = upload("adoptions", sample)
    assert flagged.status == ImportJob.Status.DONE
    with translation.override(language):
        expected = [
            _("line %(line)s (%(case)s): %(flag)s") % {"line": 4, "case": "H-2003-003", "flag": flag}
            for flag in (
                _("departed with no consular registration"),
                _("foreign adoption with no consular registration"),
            )
        ]
    assert flagged.flagged == expected
    assert not any("consular registration" in text for text in flagged.flagged)  # no English left
    page = Client()
    page.force_login(users["ministry"])
    html = page.get(f"/dashboard/import/{flagged.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all(escape(text) in html for text in expected)  # as stored, whoever reads them
