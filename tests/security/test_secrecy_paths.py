"""The smaller promises of RULES §9 and issue 14, each at its edge: the PATCH answer of a sealed
child, refused web actions, the deep health check, a figure that would shape a header, imports
that read a sheet's real size and refuse too many rows, staff passwords, DEBUG off by default."""

import datetime
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from adoption import services as adoption_services
from core.audit import reads_of_q
from core.dates import right_arises
from core.models import AuditEvent
from core.tabular import FileFormatError, read_rows
from registry.models import Child, DuplicateFlag
from tests.adoption.conftest import adopt_abroad, ago, complete_file, hear_and_decide, make_applicant, make_child
from tests.adoption.test_court import refer
from tests.conftest import ROOT, service_env
from tests.web.test_pages import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_throttle")]


def test_patch_of_a_sealed_child_answers_the_sealed_record_and_is_a_read(api, users, district, court):
    _, child = adopt_abroad(district, court, last_name="Zhaksylykova")
    client = api(users["guardianship"])
    response = client.patch(f"/api/v1/children/{child.pk}/", {}, format="json")
    assert response.status_code == 200 and response.json()["last_name"] is None and response.json()["sealed"] is True
    assert AuditEvent.objects.filter(action="read", object_id=str(child.pk), actor=users["guardianship"]).exists()
    refused = client.patch(f"/api/v1/children/{child.pk}/", {"last_name": "Other"}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"][0] == {
        "field": "last_name",
        "code": "sealed",
        "message": "The identity of an adopted child is sealed: it cannot be changed here.",
    }
    child.refresh_from_db()
    assert child.last_name == "Zhaksylykova" and child.search_name == ""


def test_what_was_typed_in_a_case_before_the_adoption_is_not_answered_once_its_child_is_sealed(
    api, users, district, court
):
    """A search's notes and a withdrawal's reason, typed while the child was known by its birth
    name, are answered null in the file of a case whose child is sealed; a case whose child is
    not (referred only) answers them."""
    from adoption.models import DomesticSearch

    sealed_case, _child = adopt_abroad(district, court, last_name="Zhaksylykova")
    open_case, _other = adopt_abroad(district, court, last_name="Zhaksylykova", referred_only=True)
    DomesticSearch.objects.update(notes="No family in Akmola asked for Dana Zhaksylykova")
    client = api(users["guardianship"])
    sealed = client.get(f"/api/v1/cases/{sealed_case.pk}/").json()
    assert [s["notes"] for s in sealed["domestic_searches"]] == [None]
    assert "Zhaksylykova" not in str(sealed)
    known = client.get(f"/api/v1/cases/{open_case.pk}/").json()
    assert [s["notes"] for s in known["domestic_searches"]] == ["No family in Akmola asked for Dana Zhaksylykova"]


def test_the_auditor_cannot_resolve_a_duplicate_on_the_web(client, users, district):
    from tests.adoption.conftest import make_child

    make_child(district, last_name="Twin")
    make_child(district, last_name="Twin")
    flag = DuplicateFlag.objects.get()
    action = f'action="/duplicates/{flag.pk}/different/"'
    client.force_login(users["guardianship"])
    assert action in client.get(f"/children/{flag.child_id}/").content.decode()
    client.force_login(users["auditor"])
    page = client.get(f"/children/{flag.child_id}/").content.decode()
    told = f'Possible duplicate of <a href="/children/{flag.other_id}/">child #{flag.other_id}</a>'
    assert told in page and action not in page  # told (the other record a click away), not offered
    assert client.post(f"/duplicates/{flag.pk}/different/").status_code == 403
    flag.refresh_from_db()
    assert flag.status == DuplicateFlag.Status.OPEN


def test_the_deep_health_check_is_for_staff_or_the_host_itself(client, users):
    assert client.get("/healthz?deep=1", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/healthz", REMOTE_ADDR="203.0.113.9").status_code in (200, 503)  # the plain check stays open


@pytest.mark.parametrize("figure", ["by_region.KZ-71\r\nX-Injected: 1", "total\n", "by_region.a b", "x" * 81])
def test_a_figure_that_could_shape_a_header_is_refused(api, users, figure):
    response = api(users["ministry"]).get(
        "/api/v1/reports/adoptions/children/",
        {"from": "2020-01-01", "to": "2020-12-31", "figure": figure, "format": "csv"},
    )
    assert response.status_code == 400 and "X-Injected" not in response
    assert response.get("Content-Disposition") is None


def test_an_xlsx_is_read_to_its_real_size_whatever_dimension_it_declares(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name"])
    for i in range(5):
        sheet.append([f"row {i}"])
    path = tmp_path / "children.xlsx"
    workbook.save(path)
    # shrink the declared dimension to the header alone, as a crafted file would
    import zipfile

    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:A6" />', b'<dimension ref="A1:A1" />')
                assert b'<dimension ref="A1:A1" />' in data
            target.writestr(item, data)
    assert [values["name"] for _, values in read_rows(patched, ["name"])] == [f"row {i}" for i in range(5)]


def test_a_file_over_the_row_limit_is_refused(tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    path = tmp_path / "children.csv"
    path.write_text("name\n" + "".join(f"child {i}\n" for i in range(3)))
    assert len(read_rows(path, ["name"])) == 3  # at the limit
    path.write_text("name\n" + "".join(f"child {i}\n" for i in range(4)))
    with pytest.raises(FileFormatError, match="more than 3 rows"):
        read_rows(path, ["name"])


def test_a_file_that_cannot_be_read_is_a_format_error_naming_why(tmp_path):
    """An .xlsx that is no workbook (not a zip; a zip without a workbook's parts) and a CSV cell
    over the csv module's limit raised BadZipFile, KeyError or csv.Error: a traceback for the
    command and an upload stopped with no reason given."""
    import csv
    import zipfile

    not_a_zip = tmp_path / "children.xlsx"
    not_a_zip.write_bytes(b"not a zip")
    no_workbook = tmp_path / "other.xlsx"
    with zipfile.ZipFile(no_workbook, "w") as archive:
        archive.writestr("notes.txt", "hello")
    for path in (not_a_zip, no_workbook):
        with pytest.raises(FileFormatError, match="not an XLSX workbook"):
            read_rows(path, ["name"])
    limit = csv.field_size_limit()
    long_cell = tmp_path / "children.csv"
    long_cell.write_text(f"name\nfirst\n{'a' * limit}\n")
    assert read_rows(long_cell, ["name"])[1] == (3, {"name": "a" * limit})  # at the limit
    long_cell.write_text(f"name\nfirst\n{'a' * (limit + 1)}\n")
    with pytest.raises(FileFormatError, match=f"Line 3 cannot be read: no cell may be longer than {limit}"):
        read_rows(long_cell, ["name"])


@pytest.mark.parametrize("password", ["1", "password123", "short"])
def test_create_staff_refuses_a_weak_password(password, db):
    with pytest.raises(CommandError, match="password"):
        call_command("create_staff", "weakling", role="ministry", password=password)


def test_the_embedded_default_runs_with_debug_off(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG)"
    env = service_env(
        VAR_DIR=str(tmp_path),
        DEBUG=None,
        PRODUCTION=None,
        DATABASE_URL=None,
        REDIS_URL=None,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    off = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert off.stdout.strip() == "False", off.stderr
    on = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        capture_output=True,
        text=True,
    )
    assert on.stdout.strip() == "True", on.stderr


def test_reminders_and_their_emails_never_name_a_sealed_child(users, district, court, mailoutbox, settings):
    from consular.deadlines import sweep_consular_deadlines
    from core.models import Reminder
    from core.services import send_reminder_emails

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _, child = adopt_abroad(district, court, last_name="Sekretova", in_force_ago=400)  # unregistered, reports overdue
    users["guardianship"].email = "district@example.kz"
    users["guardianship"].save()
    sweep_consular_deadlines()
    reminders = Reminder.objects.filter(subject_id=child.pk)
    assert reminders.exists()
    assert send_reminder_emails() >= 1 and mailoutbox
    texts = [r.detail for r in reminders] + [m.subject + m.body for m in mailoutbox]
    assert not [t for t in texts if "Sekretova" in t or "Yulia" in t]


def test_the_import_service_checks_the_files_type_and_size_whatever_the_path(api, client, users, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.errors import RuleError
    from reports import services

    settings.IMPORT_MAX_BYTES = 10
    with pytest.raises(RuleError) as too_large:
        services.start_import(actor=users["ministry"], kind="children", file=SimpleUploadedFile("c.csv", b"x" * 11))
    assert too_large.value.errors[0].code == "file_too_large"
    at_limit = services.start_import(
        actor=users["ministry"], kind="children", file=SimpleUploadedFile("c.csv", b"x" * 10), dry_run=True
    )
    assert at_limit.pk
    api_answer = api(users["ministry"]).post(
        "/api/v1/imports/", {"kind": "children", "file": SimpleUploadedFile("c.txt", b"x")}, format="multipart"
    )
    assert api_answer.status_code == 400 and api_answer.json()["errors"][0]["code"] == "file_type"
    client.force_login(users["ministry"])
    page = client.post("/dashboard/import/", {"kind": "children", "file": SimpleUploadedFile("c.csv", b"x" * 11)})
    assert page.status_code == 200 and "larger than" in page.content.decode()


def test_a_workbook_that_expands_past_the_limit_is_refused_before_it_is_read(tmp_path, settings):
    """An XLSX is a zip: a few megabytes can hold gigabytes of sheet (a decompression bomb that
    would hold a worker's memory). Its parts' declared sizes are summed before anything is read."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name"])
    for _ in range(2000):
        sheet.append(["the same long text that compresses well " * 5])
    path = tmp_path / "children.xlsx"
    workbook.save(path)
    assert len(read_rows(path, ["name"])) == 2000
    settings.IMPORT_MAX_EXPANDED_BYTES = 100_000
    with pytest.raises(FileFormatError, match="expands to more than"):
        read_rows(path, ["name"])


def test_a_workbook_is_read_no_wider_than_its_columns_can_be(tmp_path):
    """A row of 16,384 cells was read whole, each row of the file; cells past the widest layout's
    columns (and a margin) are not read at all: a column that far is missing."""
    from core.tabular import MAX_COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", *[""] * (MAX_COLUMNS - 1), "far"])
    sheet.append(["Kim", *[""] * (MAX_COLUMNS - 1), "beyond"])
    path = tmp_path / "wide.xlsx"
    workbook.save(path)
    assert [values["name"] for _, values in read_rows(path, ["name"])] == ["Kim"]
    with pytest.raises(FileFormatError, match="Missing columns: far"):
        read_rows(path, ["far"])


@pytest.mark.parametrize("role", ["guardianship", "regional", "ministry", "court", "auditor"])  # who read case files
def test_a_sister_who_died_before_her_adoption_is_not_named_in_the_case_that_adopted_the_other(
    api, client, users, district, court, role
):
    """Two sisters granted to a US family; one dies before the grant enters into force and leaves the
    case, which enters into force for the other. The case file names the adoptive family: beside it,
    the dead sister's name would be the sealed sister's birth name (RULES §9: the secret is that
    link). The file names her as "another child", without her number (which leads to her record),
    and her name finds no case."""
    sisters = [make_child(district, last_name=name) for name in ("Sekretova", "Sestrova")]
    couple = [make_applicant(district), make_applicant(district, sex="M", last_name="Smith-Jones")]
    case = adoption_services.open_case(actor=None, children=sisters, applicants=couple, opened_on=ago(100))
    complete_file(case, sisters, couple)
    assert refer(api(users["guardianship"]), case, court, on=ago(39)).status_code == 201
    hear_and_decide(case, days_ago=38)
    died = api(users["guardianship"]).post(
        f"/api/v1/children/{sisters[1].pk}/deregister/", {"on": ago(20).isoformat(), "reason": "died"}, format="json"
    )
    assert died.status_code == 201
    in_force = api(users["court"]).patch(
        f"/api/v1/cases/{case.pk}/decision/", {"in_force_on": right_arises(ago(38), 1).isoformat()}, format="json"
    )
    assert in_force.status_code == 200, in_force.json()
    assert Child.objects.get(pk=sisters[0].pk).sealed_on is not None

    answers = {
        "api": api(users[role]).get(f"/api/v1/cases/{case.pk}/").content.decode(),
        "api list": api(users[role]).get("/api/v1/cases/").content.decode(),
    }
    assert f'"id":{case.pk},' in answers["api list"].replace(" ", "")
    login(client, users[role])
    answers["page"] = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Another child" in answers["page"] and f'href="/children/{sisters[1].pk}/"' not in answers["page"]
    assert "before its adoption, and left the case" in answers["page"]
    file = api(users[role]).get(f"/api/v1/cases/{case.pk}/").json()
    assert {c["child"] for c in file["contacts"]} == {sisters[0].pk, None}  # her contacts, without her id
    assert [c["child"] for c in file["children"]] == [sisters[0].pk]
    answers["list"] = client.get("/cases/").content.decode()
    search = client.get("/cases/", {"q": "Sestrova"}).content.decode()  # (the box holds the word typed)
    assert f'href="/cases/{case.pk}/"' not in search and f'href="/cases/{case.pk}/"' in answers["list"]
    assert [name for name, body in answers.items() if "Sestrova" in body or "Sekretova" in body] == []


def test_a_sealed_childs_case_does_not_name_its_brothers_and_sisters_still_on_a_register(
    api, client, users, district, court
):
    """A sister left on the register when the other was adopted abroad: the adopted child's case,
    judged on its decision day, warned that the sisters were separated, naming the sister, beside
    the adoptive family: her name is the sealed child's birth family (RULES §9). The warning stays,
    naming no one; before the adoption it names her, as the district needs."""
    case, adopted = adopt_abroad(district, court, last_name="Sekretova")
    sister = make_child(district, last_name="Sestrova")
    sister.siblings.add(adopted)
    for role in ("guardianship", "regional", "ministry", "court", "auditor"):
        login(client, users[role])
        page = client.get(f"/cases/{case.pk}/").content.decode()
        answer = api(users[role]).get(f"/api/v1/cases/{case.pk}/eligibility/").json()
        warning = next(w for w in answer["warnings"] if w["code"] == "SIBLINGS_SEPARATED")
        assert warning["detail"] == f"Child #{adopted.pk} has a sibling on a register who is not in this case."
        assert "has a sibling on a register who is not in this case." in page
        assert [role for body in (page, str(answer)) if "Sestrova" in body or f"#{sister.pk}" in body] == []
    assert not AuditEvent.objects.filter(reads_of_q(str(sister.pk)), action="read").exists()  # her record unread

    waiting = make_child(district, last_name="Waiting")
    waiting.siblings.add(sister)
    open_case = adoption_services.open_case(
        actor=None, children=[waiting], applicants=[make_applicant(district)], opened_on=ago(10)
    )
    answer = api(users["guardianship"]).get(f"/api/v1/cases/{open_case.pk}/eligibility/").json()
    warning = next(w for w in answer["warnings"] if w["code"] == "SIBLINGS_SEPARATED")
    assert "Sestrova" in warning["detail"]  # not adopted: the district is told whom the case leaves out


def test_a_corrections_reason_is_sealed_with_the_child_and_opened_with_it(api, client, users, district, court):
    """A correction's reason, the audit event's purpose, is typed while the child is known by its
    birth name. Once the child is sealed, its file's history and the auditor's log (its API, page
    and CSV) answer it null, shown "sealed", for a correction of the child's record and of its
    case; the history opened with a purpose shows it. A read's purpose stays in the log: why a
    sealed identity was opened is what the audit of the unsealing reads."""
    from registry import services as registry_services

    def correct(child):
        central = child.register_entries.get(level="central")
        registry_services.correct_placement(
            actor=None,
            child=child,
            placed_on=central.on - datetime.timedelta(days=1),
            reason=f"{child.first_name} {child.last_name} came a day earlier",
        )

    case, adopted = adopt_abroad(district, court, last_name="Zhaksylykova", before_the_decision=correct)
    adoption_services.correct_in_force(
        actor=None,
        case=case,
        in_force_on=case.decision.in_force_on + datetime.timedelta(days=1),
        reason="The court's letter on Zhaksylykova gives the next day",
    )
    _, known = adopt_abroad(district, court, last_name="Aliyeva", referred_only=True)
    correct(known)
    typed = f"{known.first_name} Aliyeva came a day earlier"
    purpose = "Inquiry no. 12 of the procurator"

    def purposes(answer, verb):
        return [event["purpose"] for event in answer if event["verb"] == verb and event["purpose"] != ""]

    history = api(users["guardianship"]).get(f"/api/v1/children/{adopted.pk}/history/")
    assert purposes(history.json(), "correct_placement") == [None] and "Zhaksylykova" not in history.content.decode()
    opened = api(users["guardianship"]).get(f"/api/v1/children/{adopted.pk}/history/", {"purpose": purpose})
    assert purposes(opened.json(), "correct_placement") == [f"{adopted.first_name} Zhaksylykova came a day earlier"]
    assert purposes(
        api(users["guardianship"]).get(f"/api/v1/children/{known.pk}/history/").json(), "correct_placement"
    ) == [typed]

    api(users["ministry"]).get(f"/api/v1/children/{adopted.pk}/", {"purpose": purpose})  # an unsealing
    auditor = api(users["auditor"])

    def logged(**query):
        return auditor.get("/api/v1/audit-events/", query).json()["results"]

    assert purposes(logged(subject_id=adopted.pk, verb="correct_placement"), "correct_placement") == [None]
    assert purpose in [e["purpose"] for e in logged(object_id=adopted.pk, action="read")]
    assert purposes(logged(subject_id=case.pk, verb="correct_in_force"), "correct_in_force") == [None]
    assert purposes(logged(subject_id=known.pk, verb="correct_placement"), "correct_placement") == [typed]

    login(client, users["auditor"])
    for verb, shown in (("correct_placement", [typed]), ("correct_in_force", [])):  # the unsealed child's as typed
        for query in ({"verb": verb}, {"verb": verb, "format": "csv"}):
            body = client.get("/audit/", query).content.decode()
            assert "Zhaksylykova" not in body and "sealed" in body and [t for t in [typed] if t in body] == shown
    assert purpose in client.get("/audit/", {"object_id": adopted.pk, "action": "read"}).content.decode()


def test_a_case_file_holding_a_sealed_child_is_opened_with_a_purpose(api, client, users, district, court):
    """What a case file hides while its child is sealed (a withdrawal's reason typed before the
    adoption) is opened as the child's identity is: with a purpose of at least 10 characters, by a
    role that may open the child's (the child's district, the court of the adoption, the ministry,
    the auditor), the read recorded with the purpose for the file and the child. A regional office
    may not (403), and a short purpose is refused (400); neither opens anything."""

    def withdrawn_application(child):
        case = child.cases.get()
        document = adoption_services.add_document(
            actor=None, case=case, kind="application", issued_on=child.identified_on, issuer="the applicants"
        )
        adoption_services.withdraw_document(
            actor=None, case=case, document=document, reason=f"the application for {child.first_name} Zhaksylykova"
        )

    case, adopted = adopt_abroad(
        district,
        court,
        last_name="Zhaksylykova",
        before_the_decision=withdrawn_application,
        age_gap_reason="Zhaksylykova has lived with her aunt since birth",
    )
    typed = f"the application for {adopted.first_name} Zhaksylykova"
    purpose = "Inquiry no. 12 of the procurator"

    def reasons(answer):
        file = answer.json()
        withdrawn = [d["withdrawn_reason"] for d in file["documents"] if d["withdrawn_at"]]
        return [*withdrawn, file["decision"]["age_gap_reason"]]

    for role in ("guardianship", "court", "ministry", "auditor"):
        reader = api(users[role])
        assert reasons(reader.get(f"/api/v1/cases/{case.pk}/")) == [None, None]
        opened = reader.get(f"/api/v1/cases/{case.pk}/", {"purpose": purpose})
        assert reasons(opened) == [typed, "Zhaksylykova has lived with her aunt since birth"], role
        for record in (case, adopted):
            assert AuditEvent.objects.filter(
                action="read", actor=users[role], object_id=str(record.pk), purpose=purpose
            ).exists(), (role, record)
    short = api(users["guardianship"]).get(f"/api/v1/cases/{case.pk}/", {"purpose": "curious"})
    assert short.status_code == 400 and short.json()["errors"][0]["code"] == "purpose_required"
    refused = api(users["regional"]).get(f"/api/v1/cases/{case.pk}/", {"purpose": purpose})
    assert refused.status_code == 403 and "Zhaksylykova" not in refused.content.decode()

    login(client, users["auditor"])
    closed = client.get(f"/cases/{case.pk}/").content.decode()
    assert (
        "Open the sealed file" in closed and "Zhaksylykova" not in closed and "The court reduced the age gap" in closed
    )
    opened = client.get(f"/cases/{case.pk}/", {"purpose": purpose}).content.decode()
    assert typed in opened and "The file is opened for this read" in opened and "Open the sealed file" not in opened
    assert "Zhaksylykova has lived with her aunt since birth" in opened
    from adoption.api.serializers import DecisionSerializer  # the decision's own answers (POST, PATCH)
    from adoption.models import Decision

    answered = DecisionSerializer(Decision.objects.get(case=case)).data
    assert answered["outcome"] == "granted" and answered["age_gap_reason"] is None
    login(client, users["regional"])
    page = client.get(f"/cases/{case.pk}/", {"purpose": purpose})
    body = page.content.decode()
    assert page.status_code == 200 and "Open the sealed file" not in body and "Zhaksylykova" not in body
    assert "your role may not open it" in body


@pytest.mark.parametrize("role", ["guardianship", "regional", "ministry", "auditor"])
def test_another_case_of_a_sealed_child_does_not_show_it_beside_its_sister(api, client, users, district, court, role):
    """Two sisters in a case of one family; the elder is adopted abroad by another in a case of her
    own, which closes the first. The first case holds the sealed child beside her sister: its id
    there (which leads to the adoptive family) would tell the sister's name, the birth family's,
    to whoever reads the case or finds it by the sister's name. It shows "a child adopted in
    another case", with no id or link, and the sister as before; the adopted child's record (its
    timeline, the cases found by it) leads only to the case that adopted it."""
    sister = make_child(district, last_name="Sestrova")
    first = {}

    def with_her_sister_in_another_case(child):
        family = [make_applicant(district, last_name="Other")]
        first["case"] = adoption_services.open_case(
            actor=None, children=[child, sister], applicants=family, opened_on=ago(60)
        )

    adoption, adopted = adopt_abroad(
        district, court, last_name="Sekretova", before_the_decision=with_her_sister_in_another_case
    )
    case = first["case"]
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_reason == "child_adopted_in_other_case"

    file = api(users[role]).get(f"/api/v1/cases/{case.pk}/").json()
    assert sorted(c["child"] or 0 for c in file["children"]) == [0, sister.pk]
    login(client, users[role])
    for body in (
        client.get(f"/cases/{case.pk}/").content.decode(),
        client.get("/cases/", {"q": "Sestrova"}).content.decode(),
    ):
        assert "child adopted in another case" in body and "Sestrova" in body
        assert f"Adopted child #{adopted.pk}" not in body and f'href="/children/{adopted.pk}/"' not in body
    checks = api(users[role]).get(f"/api/v1/cases/{case.pk}/eligibility/").json()["checks"]  # judged today
    details = {check["code"]: check["detail"] for check in checks}
    assert details["NO_COMPETING_ADOPTION"] == "Adoption already granted in another case."
    assert "(adopted in another case)" in details["CENTRAL_REGISTER_WAIT"] and "Sestrova" in details["PERSONAL_CONTACT"]
    assert [code for code, detail in details.items() if f"#{adopted.pk}" in detail or f"#{adoption.pk}" in detail] == []
    # nor does the adopted child's record lead to that case, which names her sister
    theirs = client.get(f"/children/{adopted.pk}/").content.decode()
    assert f'href="/cases/{adoption.pk}/"' in theirs and f'href="/cases/{case.pk}/"' not in theirs
    by_child = api(users[role]).get("/api/v1/cases/", {"child": adopted.pk}).json()["results"]
    assert [c["id"] for c in by_child] == [adoption.pk]
    assert [c["id"] for c in api(users[role]).get("/api/v1/cases/", {"child": sister.pk}).json()["results"]] == [
        case.pk
    ]
    own = client.get(f"/children/{sister.pk}/").content.decode()  # her record lists the case, not who was in it
    assert f'href="/cases/{case.pk}/"' in own and "Adopted child" not in own and f"/children/{adopted.pk}/" not in own
