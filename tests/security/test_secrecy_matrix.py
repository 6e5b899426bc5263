"""The secrecy matrix (RULES §9): every API operation and every web page, for every role, with a
sealed child in scope: the child's pre-adoption names, birth registration number and health notes
never appear in the answer (JSON, HTML, CSV, XLSX), unless the request is an unseal with a valid
purpose by a role allowed to. A new operation or page without a row here fails the test.

And the read-audit matrix: every operation and page that shows a child's record or a case file
adds a read event naming it.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from openpyxl import load_workbook
from pypdf import PdfReader

from adoption import services as adoption_services
from consular import services as consular_services
from core.audit import reads_of_q
from core.dates import today
from core.models import AuditEvent
from registry import services as registry_services
from tests.adoption.conftest import adopt_abroad, make_child
from tests.security.test_authorization_matrix import MAY, PARAMS, PUBLIC, ROLES
from tests.web.crawl import forms_of
from tests.web.test_safeguard_page import fee_to_a_fixer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_throttle")]

# The pre-adoption identity of the sealed child: none of these may leave through any path.
SECRETS = ("Sekretova", "Tainagul", "Zakrytovna", "BRN-SEALED-9041", "HEALTH-SEALED-NOTE", "Sekretovka")
# the identity a court may give (RULES v2 §6): the child is known by it, its birth identity sealed
NEW_IDENTITY = {"last_name": "Novikova", "first_name": "Aruzhan", "patronymic": "Erlanovna", "birth_place": "Astana"}
RENAMED = pytest.mark.parametrize("renamed", [False, True], ids=["birth names sealed", "renamed by the court"])
PURPOSE = "court request no. 2-117 about an inheritance"


def sealed_world(district, court, us_post, *, renamed: bool = False) -> dict:
    """A child adopted into the US, identity sealed (`renamed`: known by the new identity the court
    gave it, else as "Adopted child #id"), with a history that names it everywhere:
    an edited record, a ground whose document carries the birth registration number, a ground and
    a placement withdrawn and corrections made with reasons that name the child, a sister of the case who died before
    the decision, a consular registration and its schedule."""

    def history(child):  # before the adoption: edits that put every secret into audit snapshots
        from registry.models import Child

        Child.objects.filter(pk=child.pk).update(
            first_name="Tainagul",
            patronymic="Zakrytovna",
            birth_place="Sekretovka village",
            birth_registration_number="BRN-SEALED-9041",
            health_notes="HEALTH-SEALED-NOTE",
        )
        registry_services.add_ground(
            actor=None,
            child=child,
            parent="both",
            ground="abandoned_in_institution",
            documents=[
                {
                    "kind": "birth_registration",
                    "number": "BRN-SEALED-9041",
                    "date": child.identified_on,
                    "issued_by": "Sekretova maternity home",
                },
                {
                    "kind": "institution_statement",
                    "number": "IS-1",
                    "date": child.identified_on,
                    "issued_by": "Maternity home no. 2",
                },
            ],
        )
        # records withdrawn before the adoption, whose reasons the staff typed naming the child
        mistaken = registry_services.add_ground(
            actor=None,
            child=child,
            parent="both",
            ground="parents_unknown",
            documents=[{"kind": "certificate", "number": "C-9", "date": child.identified_on, "issued_by": "Police"}],
        )
        registry_services.withdraw_ground(
            actor=None, child=child, ground=mistaken, reason="Tainagul Sekretova's sister's certificate"
        )
        case = child.cases.get()
        document = adoption_services.add_document(
            actor=None, case=case, kind="application", issued_on=child.identified_on, issuer="the applicants"
        )
        adoption_services.withdraw_document(
            actor=None, case=case, document=document, reason="the application for Tainagul Sekretova's sister"
        )
        from databank.models import Proposal

        Proposal.objects.create(  # a family proposed the child declined, with the reason the district typed
            child=child,
            applicant=case.applicants.first(),
            proposed_on=child.identified_on,
            answer="declined",
            answered_on=child.identified_on,
            reason="they had met Tainagul Sekretova and wanted a boy",
        )
        # a sister in the case, who met the family and died before the decision: her name is the
        # birth family's, and the case file holds the adoptive family
        from adoption.models import CaseChild

        sister = make_child(child.district, last_name="Sestrova", central_days_ago=400)
        CaseChild.objects.create(case=case, child=sister)
        adoption_services.record_contact(
            actor=None, case=case, applicant=case.applicants.first(), child=sister, on=case.opened_on
        )
        registry_services.deregister(actor=None, child=sister, on=case.opened_on, reason="died")
        central = child.register_entries.get(level="central")
        registry_services.withdraw_placement(actor=None, child=child, reason="read Tainagul Sekretova for her sister")
        registry_services.place_on_register(actor=None, child=child, level="central", placed_on=central.on)
        registry_services.correct_placement(  # a correction, whose reason (the event's purpose) names the child
            actor=None,
            child=child,
            placed_on=central.on - datetime.timedelta(days=1),
            reason="Tainagul Sekretova came to the central register a day earlier",
        )
        registry_services.record_parental_consent(  # a consent whose document names the birth family's institution
            actor=None,
            child=child,
            parent="mother",
            given_on=child.identified_on,
            form="institution_head",
            document={
                "number": "BRN-SEALED-9041",
                "date": child.identified_on,
                "issued_by": "Sekretova maternity home",
            },
        )

    case, child = adopt_abroad(
        district,
        court,
        last_name="Sekretova",
        country="US",
        before_the_decision=history,
        new_identity=NEW_IDENTITY if renamed else None,
        age_gap_reason="Tainagul Sekretova has lived with the applicants since birth",
    )
    decision = case.decision
    adoption_services.correct_in_force(  # a correction of the case, whose reason names the child
        actor=None,
        case=case,
        in_force_on=decision.in_force_on + datetime.timedelta(days=1),
        reason="the court's letter on Tainagul Sekretova gives the next day",
    )
    child.refresh_from_db()
    registration = consular_services.register_child(
        actor=None, child=child, post=us_post, number="US-REG-1", registered_on=today() - datetime.timedelta(days=20)
    )
    report = consular_services.record_monitoring_report(  # with a file, read on the child's page
        actor=None,
        child=child,
        due_on=consular_services.schedule_for(child, child.adoption)[0]["due_on"],
        received_on=today(),
        summary="Visited at home.",
        attachment=ContentFile(b"A report on the living conditions.", name="report.txt"),
    )
    fee_to_a_fixer(case, child.identified_on)  # a red flag: the safeguards report's drill-downs name the case
    child.refresh_from_db()
    assert child.sealed_on is not None
    applicant = case.applicants.first()
    _, unregistered = adopt_abroad(
        district, court, last_name="Sekretova", country="US", in_force_ago=200, applicant_name="Brown"
    )
    return {
        "child": child.pk,
        "case": case.pk,
        "adopted": child.pk,
        "applicant": applicant.pk,
        "registration": registration.pk,
        "report": report.pk,
        "unregistered": unregistered.pk,
    }


def kind_of(path: str) -> str | None:
    for prefix, kind in (
        ("/api/v1/children/{id}/consents/{consent_id}", "none"),
        ("/api/v1/children/{id}/proposals/{proposal_id}", "none"),
        ("/api/v1/children/{id}", "child"),
        ("/api/v1/cases/{id}/consents/{consent_id}", "consent"),
        ("/api/v1/cases/{id}", "case"),
        ("/api/v1/adopted-children/{id}", "adopted"),
        ("/api/v1/applicants/{id}", "applicant"),
        ("/api/v1/consular-registrations/{id}", "registration"),
        ("/api/v1/monitoring-reports/{id}", "report"),
        ("/api/v1/duplicates/{id}", "none"),
        ("/api/v1/reminders/{id}", "none"),
        ("/api/v1/imports/{id}", "none"),
        ("/api/v1/agencies/{id}", "none"),
    ):
        if path.startswith(prefix):
            return kind
    return None


def url(path: str, world: dict, extra: str = "") -> str:
    kind = kind_of(path)
    if kind is not None:
        path = path.replace("{id}", str(world.get(kind, 0))).replace("{consent_id}", "0").replace("{proposal_id}", "0")
    query = PARAMS.get(path, "").format(today=today(), year=today().year)
    query = "&".join(q for q in (query, extra) if q)
    return f"{path}?{query}" if query else path


def text_of(response) -> str:
    """The answer as text, whatever its format (an XLSX's every cell, a PDF's every page, a file)."""
    if response.streaming:  # a file received (a monitoring report's), read once
        return response.getvalue().decode(errors="replace")
    if response.get("Content-Type", "") == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(cell)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return response.content.decode(errors="replace")


def leaked(response) -> list[str]:
    body = text_of(response)
    return [secret for secret in SECRETS if secret in body]


def api_operations() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        (m.upper(), p)
        for p, ops in schema["paths"].items()
        for m in ops
        if m in ("get", "post", "put", "patch", "delete")
    }


def in_rollback(fn):
    with transaction.atomic():
        try:
            return fn()
        finally:
            transaction.set_rollback(True)


@RENAMED
def test_no_operation_shows_a_sealed_identity_to_any_role(api, users, district, court, us_post, renamed):
    world = sealed_world(district, court, us_post, renamed=renamed)
    operations = api_operations()
    assert operations - PUBLIC == set(MAY), "every operation needs its row in the authorization matrix's MAY"
    leaks, checked, browsable = [], 0, 0
    kept = []  # answers a browser or a proxy may keep (RULES §9: the next user of the computer)
    for role in ROLES:
        client = api(users[role])
        for method, path in sorted(operations):
            formats = [""]
            if method == "GET":  # also the browsable API's page, with its forms filled from the record
                formats += ["format=api"] + (
                    ["format=csv", "format=xlsx"] if path.startswith("/api/v1/reports/") else []
                )
            for extra in formats:
                target = url(path, world, extra)
                if method == "GET":
                    response = in_rollback(lambda target=target, client=client: client.get(target))
                else:
                    response = in_rollback(
                        lambda method=method, target=target, client=client: getattr(client, method.lower())(
                            target, {}, format="json"
                        )
                    )
                checked += 1
                browsable += extra == "format=api" and response.get("Content-Type", "").startswith("text/html")
                assert response.status_code < 500, f"{role} {method} {target}: {response.status_code}"
                if "no-store" not in response.get("Cache-Control", ""):
                    kept.append(f"{role} {method} {target}")
                if found := leaked(response):
                    leaks.append(f"{role} {method} {target}: {found}")
        for probe in (
            "/api/v1/children/?q=Sekretova",
            "/api/v1/children/?q=Tainagul",
            "/api/v1/children/?q=BRN-SEALED-9041",
            f"/api/v1/cases/?child={world['child']}",
            f"/api/v1/cases/{world['case']}/?purpose=short",
            f"/api/v1/monitoring-reports/?child={world['child']}",
            "/api/v1/audit-events/",
            f"/api/v1/audit-events/?object_id={world['child']}",
            "/api/v1/audit-events/?verb=withdraw_document",  # a case's event: the file of a sealed child
        ):
            response = in_rollback(lambda probe=probe, client=client: client.get(probe))
            checked += 1
            if found := leaked(response):
                leaks.append(f"{role} GET {probe}: {found}")
    assert not leaks, "a sealed identity left through:\n" + "\n".join(leaks)
    assert not kept, "answers without Cache-Control: no-store:\n" + "\n".join(kept)
    assert browsable > 100, "the browsable API's pages were read"
    # A sealed name never matches a search, for any role.
    for role in ("guardianship", "regional", "ministry", "auditor"):
        assert api(users[role]).get("/api/v1/children/", {"q": "Sekretova"}).json()["results"] == []
    # The search for leaks can find something: an unseal with a purpose by a role allowed to.
    opened = api(users["ministry"]).get(f"/api/v1/children/{world['child']}/", {"purpose": PURPOSE})
    assert opened.status_code == 200 and opened.json()["birth_identity"]["last_name"] == "Sekretova" and leaked(opened)
    shown = api(users["consular"]).get(f"/api/v1/adopted-children/{world['child']}/").json()
    assert shown["last_name"] == ("Novikova" if renamed else None)  # the identity it is known by
    opened_file = api(users["guardianship"]).get(f"/api/v1/cases/{world['case']}/", {"purpose": PURPOSE})
    assert "Tainagul Sekretova" in opened_file.content.decode()
    history = api(users["guardianship"]).get(f"/api/v1/children/{world['child']}/history/", {"purpose": PURPOSE})
    assert "BRN-SEALED-9041" in history.content.decode()
    assert (
        api(users["regional"]).get(f"/api/v1/children/{world['child']}/history/", {"purpose": PURPOSE}).status_code
        == 403
    )
    print(
        f"secrecy matrix: {len(operations)} operations, {len(ROLES)} roles, {checked} requests checked, {browsable} as pages"
    )


# Every page of the staff application, with the object its {pk} stands for (None: no object).
PAGES = {
    "": None,
    "children/": None,
    "children/new/": None,
    "children/<int:pk>/": "child",
    "children/<int:pk>/grounds/": "child",
    "children/<int:pk>/correct/": "child",
    "children/<int:pk>/register/": "child",
    "children/<int:pk>/register/correct/": "child",
    "children/<int:pk>/register/withdraw/": "child",
    "children/<int:pk>/deregister/": "child",
    "children/<int:pk>/consents/": "child",
    "children/<int:pk>/consents/<int:consent_id>/withdraw/": "child",
    "children/<int:pk>/grounds/<int:ground_id>/withdraw/": "child",
    "duplicates/<int:pk>/different/": "none",
    "cases/": None,
    "cases/new/": None,
    "applicants/new/": None,
    "applicants/<int:pk>/": "applicant",
    "applicants/<int:pk>/register/": "applicant",
    "applicants/<int:pk>/correct/": "applicant",
    "cases/<int:pk>/": "case",
    "cases/<int:pk>/<slug:name>/": "case",
    "adopted/": None,
    "adopted/<int:pk>/": "child",
    "adopted/<int:pk>/reports/<int:report_id>/file/": "child",
    "dashboard/": None,
    "dashboard/policy/": None,
    "dashboard/import/": None,
    "dashboard/import/<int:pk>/": "none",
    "dashboard/import/<slug:kind>.csv": None,
    "dashboard/agencies/": None,
    "dashboard/safeguards/": None,
    "dashboard/agencies/<int:pk>/suspend/": "none",
    "dashboard/agencies/<int:pk>/accreditation/": "none",
    "dashboard/countries/": None,
    "cases/<int:pk>/parties/": "case",
    "databank/families/": None,
    "databank/families/<int:pk>/": "applicant",
    "children/<int:pk>/matches/": "child",
    "audit/": None,
    "work/": None,
    "search/": None,
    "cases/<int:pk>/print/eligibility/": "case",
    "cases/<int:pk>/print/conclusion/": "case",
    "adopted/<int:pk>/print/registration/": "child",
    "adopted/<int:pk>/print/schedule/": "child",
    "verify/": None,
    "cases/<int:pk>/departure/": "case",
    "verify/<str:code>/": "none",
}
NOT_STAFF_PAGES = ("admin/", "api/", "accounts/", "i18n/", "healthz", "static/", "media/")


def staff_pages() -> set[str]:
    found = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(NOT_STAFF_PAGES):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                found.add(route)

    walk(get_resolver().url_patterns, "")
    return found


def page_url(route: str, world: dict) -> str:
    kind = PAGES[route]
    path = "/" + route.replace("<slug:name>", "documents").replace("<slug:kind>", "children")
    path = path.replace("<int:consent_id>", "0").replace("<int:ground_id>", "0").replace("<str:code>", "0")
    path = path.replace("<int:report_id>", str(world["report"]))
    return path.replace("<int:pk>", str(world.get(kind, 0))) if kind else path


@RENAMED
def test_no_page_shows_a_sealed_identity_to_any_role(client, users, district, court, us_post, renamed):
    world = sealed_world(district, court, us_post, renamed=renamed)
    assert staff_pages() == set(PAGES), "every page needs its row in PAGES"
    leaks, printed = [], set()
    # answers a browser or a proxy may keep, and forms whose typed names the browser offers the
    # next user of the computer (RULES §9: a guardianship office shares its computers)
    kept, remembered, forms = [], [], 0
    for role in ROLES:
        client.force_login(users[role])
        for route in sorted(PAGES):
            target = page_url(route, world)
            for response in (
                in_rollback(lambda target=target: client.get(target)),
                in_rollback(lambda target=target: client.post(target, {})),
            ):
                assert response.status_code < 500, f"{role} {target}: {response.status_code}"
                if response.get("Content-Type") == "application/pdf":
                    printed.add(route)
                if "no-store" not in response.get("Cache-Control", ""):
                    kept.append(f"{role} {response.request['REQUEST_METHOD']} {target}")
                if "text/html" in response.get("Content-Type", ""):
                    offered = forms_of(target, response.content.decode())
                    forms += len(offered)
                    remembered += [
                        f"{role} {target}: {f.method} {f.action}" for f in offered if f.autocomplete != "off"
                    ]
                if found := leaked(response):
                    leaks.append(f"{role} {response.request['REQUEST_METHOD']} {target}: {found}")
        for probe in (
            f"/children/{world['child']}/?purpose=short",
            f"/cases/{world['case']}/?purpose=short",
            f"/audit/?object_id={world['child']}",  # the file's own events, past the log's first page
            f"/audit/?object_id={world['case']}",
            f"/audit/?object_id={world['child']}&format=csv",
        ):
            if found := leaked(in_rollback(lambda probe=probe: client.get(probe))):
                leaks.append(f"{role} GET {probe}: {found}")
        # the search box echoes what the user typed; the sealed child must not be among the results
        if f'href="/children/{world["child"]}/"' in client.get("/children/?q=Sekretova").content.decode():
            leaks.append(f"{role} GET /children/?q=Sekretova: the sealed child matched")
        for text in ("Sekretova", "Tainagul Sekretova", "BRN-SEALED-9041"):  # the search box: name or number
            answer = client.get("/search/", {"q": text}).content.decode()
            if any(f'href="/{page}/{world["child"]}/"' in answer for page in ("children", "adopted")):
                leaks.append(f"{role} GET /search/?q={text}: the sealed child matched")
    assert not leaks, "a sealed identity left through:\n" + "\n".join(leaks)
    assert not kept, "pages without Cache-Control: no-store:\n" + "\n".join(kept)
    assert not remembered, "forms the browser remembers what was typed into:\n" + "\n".join(remembered)
    assert forms > 200, "the pages' forms were read"
    # the sealed child's documents were printed and read, page by page, not merely refused
    assert printed == {route for route in PAGES if "/print/" in route} - {"cases/<int:pk>/print/conclusion/"}
    client.force_login(users["guardianship"])
    assert "Sekretova" in client.get(f"/children/{world['child']}/", {"purpose": PURPOSE}).content.decode()
    assert "Tainagul Sekretova" in client.get(f"/cases/{world['case']}/", {"purpose": PURPOSE}).content.decode()


# --- read audit -------------------------------------------------------------------------

# GET operations that show a child's record or a case file, with the record a read event must name.
RECORD_READS = {
    "/api/v1/children/": "child",
    "/api/v1/children/{id}/": "child",
    "/api/v1/children/{id}/grounds/": "child",
    "/api/v1/children/{id}/register/": "child",
    "/api/v1/children/{id}/history/": "child",
    "/api/v1/children/{id}/consents/": "child",
    "/api/v1/children/{id}/matches/": "child",
    "/api/v1/children/{id}/proposals/": "child",
    "/api/v1/applicants/{id}/wishes/": "applicant",
    "/api/v1/applicants/": "applicant",
    "/api/v1/applicants/{id}/": "applicant",
    "/api/v1/cases/": "case",
    "/api/v1/cases/{id}/": "case",
    "/api/v1/cases/{id}/eligibility/": "case",
    "/api/v1/cases/{id}/parties/": "case",
    "/api/v1/reports/safeguards/cases/": "case",
    "/api/v1/adopted-children/": "child",
    "/api/v1/adopted-children/{id}/": "child",
    "/api/v1/consular-registrations/": "child",
    "/api/v1/consular-registrations/{id}/": "child",
    "/api/v1/monitoring-reports/": "child",
    "/api/v1/monitoring-reports/{id}/file/": "child",
    "/api/v1/reports/adoptions/children/": "child",
    "/api/v1/reports/unregistered-children/": "unregistered",
    "/api/v1/audit-events/": "child",
}
# GET operations that show no child's record nor case file (reference data, counts, the caller's own work).
NO_RECORD = {
    "/api/v1/regions/",
    "/api/v1/courts/",
    "/api/v1/consular-posts/",
    "/api/v1/policy/",
    "/api/v1/citations/",
    "/api/v1/agencies/",
    "/api/v1/countries/",
    "/api/v1/reports/safeguards/",
    "/api/v1/reports/databank/",
    "/api/v1/reminders/",
    "/api/v1/work/",  # the caller's own work (its reads are audited: tests/web/test_work.py)
    "/api/v1/imports/",
    "/api/v1/imports/{id}/",
    "/api/v1/duplicates/",
    "/api/v1/reports/adoptions/",
    "/api/v1/reports/consular-registrations/",
    "/api/v1/reports/intercountry/",
    "/api/v1/reports/registers/",
}
LABELS = {
    "child": "registry.child",
    "unregistered": "registry.child",
    "case": "adoption.case",
    "applicant": "adoption.applicant",
}
RECORD_PAGES = {
    "/cases/{case}/parties/": "case",
    "/children/{child}/matches/": "child",
    "/children/": "child",
    "/children/{child}/": "child",
    "/cases/": "case",
    "/cases/{case}/": "case",
    "/adopted/": "child",
    "/adopted/{child}/": "child",
    "/adopted/{child}/reports/{report}/file/": "child",
    "/search/?q={case}": "case",
    "/dashboard/safeguards/": "case",  # the world's case has a red flag
    "/applicants/{applicant}/": "applicant",
}


def reader_of(method: str, path: str):
    """A role that may read `path` and sees the world (national roles first)."""
    allowed = MAY[method, path]
    return next(role for role in ("auditor", "ministry", "guardianship", "consular") if role in allowed)


def test_every_read_of_a_record_is_audited_naming_it(api, client, users, district, court, us_post):
    world = sealed_world(district, court, us_post)
    reads = {path for method, path in api_operations() if method == "GET"}
    assert reads == set(RECORD_READS) | NO_RECORD, "every read needs its row in RECORD_READS or NO_RECORD"
    missing = []
    for path, kind in sorted(RECORD_READS.items()):
        role = reader_of("GET", path)
        record = str(world[kind])
        target = url(path, world, "figure=by_foreigners" if "adoptions/children" in path else "")

        def named(role=role, target=target, record=record, kind=kind):
            response = api(users[role]).get(target)
            assert response.status_code in (200, 204), f"{role} GET {target}: {response.status_code}"  # 204: no wishes
            return AuditEvent.objects.filter(
                reads_of_q(record), action="read", object_type=LABELS[kind], actor=users[role]
            ).exists()

        if not in_rollback(named):
            missing.append(f"{role} GET {target}: no read event naming {LABELS[kind]} {record}")
    for page, kind in RECORD_PAGES.items():
        target = page.format(**world)
        client.force_login(users["ministry"])

        def named_on_page(target=target, kind=kind):
            assert client.get(target).status_code == 200
            return AuditEvent.objects.filter(
                reads_of_q(str(world[kind])), action="read", object_type=LABELS[kind]
            ).exists()

        if not in_rollback(named_on_page):
            missing.append(f"ministry GET {target}: no read event naming {LABELS[kind]} {world[kind]}")
    assert not missing, "\n".join(missing)


def test_a_list_is_one_read_event_naming_every_record_in_the_answer(api, users, district, court, us_post):
    sealed_world(district, court, us_post)
    shown = [c["id"] for c in api(users["ministry"]).get("/api/v1/children/").json()["results"]]
    assert len(shown) >= 1
    event = AuditEvent.objects.filter(action="read", object_type="registry.child", actor=users["ministry"]).latest("id")
    named = [int(pk) for pk in (event.object_ids.strip(",").split(",") if event.object_ids else [event.object_id])]
    assert sorted(named) == sorted(shown)
    assert AuditEvent.objects.filter(action="read", actor=users["ministry"], object_type="registry.child").count() == 1
    # a refused request shows nothing and records no read
    before = AuditEvent.objects.filter(action="read").count()
    assert api(users["regional"]).get("/api/v1/children/999999/").status_code == 404
    assert AuditEvent.objects.filter(action="read").count() == before


@RENAMED
def test_no_admin_page_shows_a_sealed_identity_even_to_a_superuser(client, district, court, us_post, renamed):
    """Every page of every model the admin offers (its list, its form, each row's page and its
    history), read by a superuser: none shows a sealed identity. The audit log, whose snapshots
    hold it, is read only on the auditor's page and through the API, both redacted."""
    from django.contrib import admin

    from consular.deadlines import sweep_consular_deadlines
    from core.models import Role
    from tests.factories import UserFactory

    sealed_world(district, court, us_post, renamed=renamed)
    sweep_consular_deadlines()  # reminders about the sealed child registered late
    client.force_login(UserFactory.create(role=Role.MINISTRY, is_staff=True, is_superuser=True))
    leaks, read = [], set()
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        paths = [base, f"{base}add/"]
        for pk in model._default_manager.values_list("pk", flat=True):
            paths += [f"{base}{pk}/change/", f"{base}{pk}/history/"]
            read.add(model._meta.label)
        for path in paths:
            response = client.get(path)
            assert response.status_code in (200, 403), f"{path}: {response.status_code}"
            if found := leaked(response):
                leaks.append(f"GET {path}: {found}")
    assert {"core.Reminder", "core.User", "core.ConsularPost"} <= read, "the walk read the world's rows"
    assert not leaks, "a sealed identity left through the admin:\n" + "\n".join(leaks)
