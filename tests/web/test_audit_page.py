"""The auditor's page (issue 20): filters by date, user, record and action; each change as
before -> after; read events with their purpose; the same rows as CSV, with a header row even
when empty. Only the auditor has it (the other roles: 403)."""

import ast
import csv
import datetime
import io
import pathlib

import pytest
from django.apps import apps
from django.utils import timezone

from core.audit_labels import FIELD_LABELS, RECORD_LABELS, field_label
from core.models import AuditEvent
from registry import services as registry_services
from tests.adoption.conftest import ago
from tests.web.test_pages import login


@pytest.fixture
def trail(api, users, district):
    """A child recorded by the district, corrected, then read by the region."""
    child, _ = registry_services.create_child(
        actor=users["guardianship"],
        district=district,
        last_name="Абенова",
        first_name="Дана",
        sex="F",
        birth_date=datetime.date(2020, 2, 2),
        identified_on=ago(30),
    )
    registry_services.update_child(actor=users["guardianship"], child=child, first_name="Данара")
    assert api(users["regional"]).get(f"/api/v1/children/{child.pk}/").status_code == 200
    return child


def rows(page: str) -> int:
    return page.count("<tr data-event=")


def test_the_auditor_filters_the_trail_and_reads_each_change(client, users, trail):
    login(client, users["auditor"])
    home = client.get("/").content.decode()
    assert 'href="/audit/"' in home  # in the auditor's menu
    before = AuditEvent.objects.count()
    everything = client.get("/audit/").content.decode()
    assert rows(everything) == before, list(AuditEvent.objects.values_list("verb", "actor__username"))
    by_reader = client.get("/audit/", {"actor": users["regional"].username}).content.decode()
    assert rows(by_reader) == 1 and "read" in by_reader
    corrected = client.get("/audit/", {"verb": "update_child"}).content.decode()
    assert rows(corrected) == 1
    assert "<del>Дана</del> → <ins>Данара</ins>" in corrected  # the change, before and after
    other, _ = registry_services.create_child(
        actor=users["guardianship"],
        district=trail.district,
        last_name="Другой",
        first_name="Ребёнок",
        sex="M",
        birth_date=datetime.date(2019, 1, 1),
        identified_on=ago(10),
    )
    about_child = client.get("/audit/", {"object_type": "registry.child", "object_id": trail.pk}).content.decode()
    assert "create_child" in about_child and "update_child" in about_child and users["regional"].username in about_child
    assert f"Child&#x27;s record {other.pk}<" not in about_child and "Другой" not in about_child
    assert f"Child&#x27;s record {trail.pk}</a><br>" in about_child  # the kind of record in words, its code beside
    assert f'<a href="/children/{trail.pk}/">' in about_child  # the record's page, one click away (a read of it)
    about_other = client.get("/audit/", {"object_type": "registry.child", "object_id": other.pk}).content.decode()
    assert rows(about_other) == 1 and "Другой" in about_other
    assert rows(client.get("/audit/", {"until": ago(1).isoformat()}).content.decode()) == 0
    backwards = client.get("/audit/", {"since": ago(0).isoformat(), "until": ago(1).isoformat()})
    assert backwards.status_code == 400 and "The period ends before it starts." in backwards.content.decode()


def test_the_trail_downloads_as_csv_with_its_header(client, users, trail):
    login(client, users["auditor"])
    response = client.get("/audit/", {"verb": "update_child", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][0] == "When" and len(table) == 2
    assert table[1][1] == users["guardianship"].username and "First name: Дана → Данара" in table[1][-1]
    assert table[1][4:6] == ["child's record corrected", "update_child"]  # the action in words, and its code
    assert table[1][6:8] == [f"Child's record {trail.pk}", "registry.child"]  # the record in words, and its code
    empty = client.get("/audit/", {"verb": "record_departure", "format": "csv"}).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(empty))) == [table[0]]  # the header row, even with no event
    assert client.get("/audit/", {"verb": "nothing_like_this", "format": "csv"}).status_code == 400


@pytest.mark.parametrize("role", ["guardianship", "regional", "ministry", "court", "consular"])
def test_only_the_auditor_has_the_audit_page(client, users, role):
    response = login(client, users[role]).get("/audit/")
    assert response.status_code == 403
    assert 'href="/audit/"' not in login(client, users[role]).get("/").content.decode()


def test_the_trail_says_each_action_and_the_systems_purposes_in_the_readers_language(client, users, trail):
    login(client, users["guardianship"]).get("/work/")  # the queue names the child: a read, purpose "work queue"
    login(client, users["auditor"])
    page = client.get("/audit/", {"verb": "update_child"}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "сведения о ребёнке исправлены" in page and "<code>update_child</code>" in page
    assert '<option value="update_child" selected>сведения о ребёнке исправлены</option>' in page
    reads = client.get(
        "/audit/", {"actor": users["guardianship"].username, "action": "read"}, HTTP_ACCEPT_LANGUAGE="kk"
    )
    assert "жұмыс кезегі" in reads.content.decode() and "work queue" not in reads.content.decode()
    assert AuditEvent.objects.filter(purpose="work queue").exists()  # stored in one language, shown in the reader's
    corrected = client.get("/audit/", {"verb": "update_child"}, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "Баланың карточкасы" in corrected and "<dt>Аты</dt><dd><del>Дана</del>" in corrected  # record and field
    assert '<option value="registry.child">Баланың карточкасы</option>' in corrected  # the filter by name too


def test_every_field_an_auditor_may_read_has_a_name():
    """A new audited model or field gets its name in core.audit_labels (and so its translations)."""
    unaudited = {"core.auditevent", "adoption.outlook"}
    ours = [
        model
        for model in apps.get_models()
        if model._meta.app_label in {"core", "registry", "adoption", "consular", "intercountry", "databank", "reports"}
        and model._meta.label_lower not in unaudited
    ]
    assert {model._meta.label_lower for model in ours} == set(RECORD_LABELS)
    unnamed = {
        f"{model._meta.label_lower}.{field.name}"
        for model in ours
        for field in model._meta.concrete_fields
        if field.name not in FIELD_LABELS
    }
    assert not unnamed
    assert field_label("district_id") == "District" and field_label("object_ids") == "object_ids"


def test_every_key_a_service_writes_into_a_snapshot_has_a_name():
    """Besides a record's fields, services write their own keys into an event's before/after (a
    case's `applicants`, its `relative_of`): each has its name, so the audit log never shows a key
    (the Russian log read "relative_of" beside "Статус"). Read from the source: every dict written
    as `before=` or `after=`."""
    root = pathlib.Path(__file__).resolve().parents[2]
    written, unnamed = set(), []
    for path in root.glob("*/**/*.py"):
        if {".venv", "tests", "migrations", "bench"} & set(path.relative_to(root).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg in ("before", "after") and isinstance(keyword.value, ast.Dict):
                    for key in keyword.value.keys:
                        if isinstance(key, ast.Constant) and isinstance(key.value, str):
                            written.add(key.value)
                            if field_label(key.value) == key.value:
                                unnamed.append(f"{path.relative_to(root)}:{node.lineno} {key.value}")
    assert {"applicants", "relative_of", "documents", "password"} <= written, "the scan reads the services"
    assert not unnamed


def test_a_list_read_names_its_first_records_and_folds_the_others(client, users):
    """A list read names up to 200 records: the page showed each number, 50 events to a page
    8,000 pixels long. The first twelve are shown, the others folded under "and N more" (still
    in the page, for the browser's search) and whole in the CSV."""
    from core.audit import flush_reads

    flush_reads({("registry.child", "work queue"): {str(n) for n in range(1001, 1031)}}, users["regional"])
    login(client, users["auditor"])
    page = client.get("/audit/").content.decode()
    row = page.split("<tr data-event=")[1].split("</tr>")[0]
    shown, folded = row.split("<details>")
    assert "read: " + ", ".join(str(n) for n in range(1001, 1013)) + "</small>" in shown
    assert "and 18 more" in folded and ", ".join(str(n) for n in range(1013, 1031)) in folded
    csv_rows = list(csv.reader(io.StringIO(client.get("/audit/", {"format": "csv"}).content.decode("utf-8-sig"))))
    assert csv_rows[1][8] == " ".join(str(n) for n in range(1001, 1031))


def test_a_change_reads_its_times_in_local_time_and_leaves_out_what_stayed_empty(client, users, trail):
    """A creation sets every field: its moments are shown as the When column shows them (the
    service's time zone, not the stored UTC), and a field left empty (no patronymic) is no change."""
    login(client, users["auditor"])
    after = AuditEvent.objects.get(verb="create_child", object_id=str(trail.pk)).after or {}
    assert after["patronymic"] == "" and after["created_at"].endswith("+00:00")
    page = client.get("/audit/", {"verb": "create_child"}).content.decode()
    local = timezone.localtime(trail.created_at).strftime("%Y-%m-%d %H:%M:%S")
    assert f"<ins>{local}</ins>" in page and after["created_at"] not in page
    assert f"<dt>{field_label('patronymic')}</dt>" not in page
    assert f"<dt>{field_label('first_name')}</dt>" in page  # what was set is still shown
    download = client.get("/audit/", {"verb": "create_child", "format": "csv"}).content.decode("utf-8-sig")
    assert f"→ {local}" in download and field_label("patronymic") not in download


def test_each_record_named_opens_its_page(client, users, district):
    """A procurator following one record from the trail opened it by its number from the menus; the
    child's, the case's and the applicant's pages are linked (each registered by its app), and a
    record with no page of its own (a register entry) is named only."""
    from adoption import services as adoption_services
    from tests.adoption.conftest import make_applicant, make_child

    child = make_child(district, last_name="Ссылкина")
    applicant = make_applicant(district, last_name="Linkman")
    case = adoption_services.open_case(actor=None, children=[child], applicants=[applicant], opened_on=ago(3))
    login(client, users["auditor"])
    for kind, pk, page in (
        ("registry.child", child.pk, "children"),
        ("adoption.case", case.pk, "cases"),
        ("adoption.applicant", applicant.pk, "applicants"),
    ):
        trail = client.get("/audit/", {"object_type": kind, "object_id": pk}).content.decode()
        assert rows(trail) >= 1 and f'<a href="/{page}/{pk}/">' in trail, kind
    entries = client.get("/audit/", {"object_type": "registry.registerentry"}).content.decode()
    assert rows(entries) >= 1 and 'href="/registerentry' not in entries and "Register entry" in entries
