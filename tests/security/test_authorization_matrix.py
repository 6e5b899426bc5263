"""The authorization matrix: every operation of the API schema x every role x (an object of the
caller's own territory, court or post; the same object elsewhere), against ROLES.md.

The expectations are written here from ROLES.md, not read from the code: `MAY` says which roles
may call each operation, `sees` which objects a role may see. A role that may act on an object it
sees must get through authorization (any answer but 401/403/404, never a 5xx); one that may not
act gets 403; an object it does not see answers 404. A new operation without a row here fails
the test. Every answer to a territorial role is also searched for the other territory's names:
nothing of another file may leak through lists, search, history, reports or exports.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from drf_spectacular.generators import SchemaGenerator

from adoption import services as adoption_services
from consular import services as consular_services
from core.dates import today
from core.models import ROLE_ORGANISATION, Agency, Court, District, Reminder, User
from databank.models import Proposal
from registry import services as registry_services
from registry.models import DuplicateFlag
from reports.models import ImportJob
from tests.adoption.conftest import adopt_abroad, make_applicant, make_child

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_throttle")]

G, R, M, C, K, A = "guardianship", "regional", "ministry", "court", "consular", "auditor"
ROLES = (G, R, M, C, K, A)
EVERYONE = set(ROLES)
FILE_READERS = {G, R, M, C, A}  # the case file and the registry (ROLES.md "sees")
ADOPTED_READERS = {G, R, M, K, A}  # children adopted abroad, their registrations and reports
REPORT_READERS = {R, M, A}

# (method, path) -> the roles that may call it (ROLES.md "may do"; reads: "sees").
MAY = {
    ("POST", "/api/v1/auth/logout/"): EVERYONE,
    ("GET", "/api/v1/regions/"): EVERYONE,
    ("GET", "/api/v1/courts/"): EVERYONE,
    ("GET", "/api/v1/consular-posts/"): EVERYONE,
    ("GET", "/api/v1/policy/"): EVERYONE,
    ("GET", "/api/v1/work/"): {G, R, M, C, K},  # each role's own work; the auditor has none
    ("PUT", "/api/v1/policy/"): {M},
    ("GET", "/api/v1/citations/"): EVERYONE,
    ("PATCH", "/api/v1/citations/{code}/"): {M},
    ("GET", "/api/v1/agencies/"): EVERYONE,
    ("POST", "/api/v1/agencies/"): {M},
    ("PATCH", "/api/v1/agencies/{id}/"): {M},
    ("GET", "/api/v1/countries/"): EVERYONE,
    ("PATCH", "/api/v1/countries/{code}/"): {M},
    ("GET", "/api/v1/children/"): FILE_READERS,
    ("POST", "/api/v1/children/"): {G},
    ("GET", "/api/v1/children/{id}/"): FILE_READERS,
    ("PATCH", "/api/v1/children/{id}/"): {G},
    ("GET", "/api/v1/children/{id}/grounds/"): FILE_READERS,
    ("POST", "/api/v1/children/{id}/grounds/"): {G},
    ("GET", "/api/v1/children/{id}/register/"): FILE_READERS,
    ("POST", "/api/v1/children/{id}/register/"): {G, R, M},  # each its own level
    ("POST", "/api/v1/children/{id}/deregister/"): {G},
    ("GET", "/api/v1/children/{id}/consents/"): FILE_READERS,
    ("POST", "/api/v1/children/{id}/consents/"): {G},
    ("POST", "/api/v1/children/{id}/consents/{consent_id}/withdraw/"): {G},
    ("GET", "/api/v1/children/{id}/history/"): FILE_READERS,
    ("GET", "/api/v1/duplicates/"): {G, R, M, A},
    ("POST", "/api/v1/duplicates/{id}/different/"): {G, R, M},
    ("GET", "/api/v1/applicants/"): FILE_READERS,
    ("POST", "/api/v1/applicants/"): {G},
    ("GET", "/api/v1/applicants/{id}/"): FILE_READERS,
    ("PATCH", "/api/v1/applicants/{id}/"): {G},  # the agency that recorded the applicant
    ("POST", "/api/v1/applicants/{id}/registrations/"): {G, M},  # residents: the district; others: the ministry
    ("GET", "/api/v1/applicants/{id}/wishes/"): FILE_READERS,  # the databank (issue 19)
    ("PUT", "/api/v1/applicants/{id}/wishes/"): {G},
    ("GET", "/api/v1/children/{id}/matches/"): {G, R, M, A},
    ("GET", "/api/v1/children/{id}/proposals/"): FILE_READERS,
    ("POST", "/api/v1/children/{id}/proposals/"): {G},
    ("POST", "/api/v1/children/{id}/proposals/{proposal_id}/answer/"): {G},
    ("GET", "/api/v1/cases/"): FILE_READERS,
    ("POST", "/api/v1/cases/"): {G},
    ("GET", "/api/v1/cases/{id}/"): FILE_READERS,
    ("POST", "/api/v1/cases/{id}/documents/"): {G},
    ("POST", "/api/v1/cases/{id}/contacts/"): {G},
    ("POST", "/api/v1/cases/{id}/consents/"): {G},
    ("POST", "/api/v1/cases/{id}/consents/{consent_id}/withdraw/"): {G},
    ("POST", "/api/v1/cases/{id}/domestic-search/"): {G},
    ("GET", "/api/v1/cases/{id}/eligibility/"): FILE_READERS,
    ("POST", "/api/v1/cases/{id}/referral/"): {G},
    ("POST", "/api/v1/cases/{id}/withdraw/"): {G},
    ("POST", "/api/v1/cases/{id}/hearings/"): {C},
    ("POST", "/api/v1/cases/{id}/decision/"): {C},
    ("PATCH", "/api/v1/cases/{id}/decision/"): {C},  # (civil registration: also the district, RULES v2 §6)
    ("POST", "/api/v1/cases/{id}/appeal/"): {C},
    ("POST", "/api/v1/cases/{id}/hague/"): {M},  # Kazakhstan's Central Authority (RULES v2 §7a)
    ("POST", "/api/v1/cases/{id}/hague-certificate/"): {M},
    ("GET", "/api/v1/cases/{id}/parties/"): FILE_READERS,
    ("POST", "/api/v1/cases/{id}/parties/"): {G, M},
    ("POST", "/api/v1/cases/{id}/fees/"): {G, M},
    ("POST", "/api/v1/cases/{id}/departure/"): {G},
    ("GET", "/api/v1/adopted-children/"): ADOPTED_READERS,
    ("GET", "/api/v1/adopted-children/{id}/"): ADOPTED_READERS,
    ("POST", "/api/v1/adopted-children/{id}/death/"): {K, M},
    ("GET", "/api/v1/consular-registrations/"): ADOPTED_READERS,
    ("POST", "/api/v1/consular-registrations/"): {K, M},
    ("GET", "/api/v1/consular-registrations/{id}/"): ADOPTED_READERS,
    ("POST", "/api/v1/consular-registrations/{id}/transfer/"): {K, M},
    ("POST", "/api/v1/consular-registrations/{id}/passport-stamp/"): {K, M},
    ("GET", "/api/v1/monitoring-reports/"): ADOPTED_READERS,
    ("POST", "/api/v1/monitoring-reports/"): {K, M},
    ("GET", "/api/v1/monitoring-reports/{id}/file/"): ADOPTED_READERS,
    ("GET", "/api/v1/reminders/"): EVERYONE,  # each their own
    ("POST", "/api/v1/reminders/{id}/done/"): EVERYONE - {A},
    ("GET", "/api/v1/imports/"): {M, A},
    ("POST", "/api/v1/imports/"): {M},
    ("GET", "/api/v1/imports/{id}/"): {M, A},
    ("GET", "/api/v1/audit-events/"): {A},
    ("GET", "/api/v1/reports/adoptions/"): REPORT_READERS,
    ("GET", "/api/v1/reports/adoptions/children/"): REPORT_READERS,
    ("GET", "/api/v1/reports/consular-registrations/"): REPORT_READERS,
    ("GET", "/api/v1/reports/intercountry/"): REPORT_READERS,
    ("GET", "/api/v1/reports/registers/"): REPORT_READERS,
    ("GET", "/api/v1/reports/safeguards/"): REPORT_READERS,
    ("GET", "/api/v1/reports/databank/"): REPORT_READERS,
    ("GET", "/api/v1/reports/safeguards/cases/"): REPORT_READERS,
    ("GET", "/api/v1/reports/unregistered-children/"): REPORT_READERS,
}
PUBLIC = {("POST", "/api/v1/auth/token/")}

# Query strings that make a read meaningful (a report needs its period).
PARAMS = {
    "/api/v1/reports/adoptions/": "from=2000-01-01&to={today}",
    "/api/v1/reports/adoptions/children/": "from=2000-01-01&to={today}&figure=total",
    "/api/v1/reports/intercountry/": "year={year}",
    "/api/v1/reports/safeguards/": "from=2000-01-01&to={today}",
    "/api/v1/reports/safeguards/cases/": "from=2000-01-01&to={today}&flag=INTERMEDIARY_NOT_ACCREDITED",
}
# More reads searched for leaks: search, filters and exports of a territorial caller.
LEAK_PROBES = [
    "/api/v1/children/?search={away_name}",
    "/api/v1/children/?last_name={away_name}",
    "/api/v1/cases/?child={away_child}",
    "/api/v1/consular-registrations/?country=GB",
    "/api/v1/monitoring-reports/?child={away_child}",
    "/api/v1/reports/unregistered-children/?format=csv",
    "/api/v1/reports/registers/?format=csv",
    "/api/v1/reports/consular-registrations/?format=csv",
    "/api/v1/reports/adoptions/children/?from=2000-01-01&to={today}&figure=total&format=csv",
    "/api/v1/reminders/?kind=matrix",
]


@dataclass(frozen=True)
class Obj:
    """An object of one side, with what decides who sees it."""

    id: int | tuple[int, int]  # a nested object: its parent's and its own
    district: District | None  # None: a national object
    court: Court | None = None  # the court a case (and its children, applicants) was referred to
    country: str = ""  # the country a child was adopted into (consular posts see it)
    national: bool = False  # no territory: only national roles


def sees(user, obj: Obj) -> bool:
    """ROLES.md "sees", for an object of a side."""
    if obj.national or user.role in (M, A):
        return user.role in (M, A)
    assert obj.district is not None  # every object of a side but the national ones
    match user.role:
        case "guardianship":
            return obj.district.pk == user.district_id
        case "regional":
            return obj.district.region_id == user.region_id
        case "court":
            return obj.court is not None and obj.court.pk == user.court_id
        case "consular":
            return bool(obj.country) and obj.country == user.consular_post.country
    return False


def build_side(district, court, post, name: str) -> dict[str, list[Obj]]:
    """One territory's files: a child adopted into `post`'s country (registered there), an open case
    with a consent, a possible duplicate, a reminder to every organisation of the side."""
    case, adopted = adopt_abroad(district, court, country=post.country, last_name=f"{name}ova", applicant_name=name)
    registration = consular_services.register_child(
        actor=None, child=adopted, post=post, number=f"{name}-REG", registered_on=today() - datetime.timedelta(days=30)
    )
    report = consular_services.record_monitoring_report(  # with its file
        actor=None,
        child=adopted,
        due_on=consular_services.schedule_for(adopted, adopted.adoption)[0]["due_on"],
        received_on=today(),
        attachment=ContentFile(b"A report.", name="report.txt"),
    )
    child = make_child(district, birth_days_ago=11 * 365, last_name=f"{name}openova")
    make_child(
        district, birth_days_ago=11 * 365, last_name=f"{name}openova"
    )  # same name and birth: a possible duplicate
    couple = [make_applicant(district, last_name=f"{name}er"), make_applicant(district, last_name=f"{name}er", sex="M")]
    open_case = adoption_services.open_case(
        actor=None, children=[child], applicants=couple, opened_on=today() - datetime.timedelta(days=20)
    )
    consent = adoption_services.record_consent(
        actor=None, case=open_case, child=child, given_on=today() - datetime.timedelta(days=5)
    )
    parental_consent = registry_services.record_parental_consent(
        actor=None,
        child=child,
        parent="mother",
        given_on=today() - datetime.timedelta(days=6),
        form="notarised",
        document={"number": f"{name}-N", "date": today() - datetime.timedelta(days=6), "issued_by": "Notary"},
    )
    proposal = Proposal.objects.create(child=child, applicant=couple[0], proposed_on=today())
    reminder = Reminder.objects.create(
        kind="matrix",
        subject_type="child",
        subject_id=child.pk,
        due_on=today(),
        district=district,
        region=district.region,
        court=court,
        consular_post=post,
    )
    adopted_file = {"district": district, "court": court, "country": post.country}
    return {
        "child": [Obj(child.pk, district), Obj(adopted.pk, **adopted_file)],
        "case": [Obj(open_case.pk, district), Obj(case.pk, **adopted_file)],
        "consent": [Obj((open_case.pk, consent.pk), district)],
        "parental_consent": [Obj((child.pk, parental_consent.pk), district)],
        "proposal": [Obj((child.pk, proposal.pk), district)],
        "adopted": [Obj(adopted.pk, **adopted_file)],
        "applicant": [Obj(case.applicants.first().pk, **adopted_file)],
        "registration": [Obj(registration.pk, **adopted_file)],
        "report": [Obj(report.pk, **adopted_file)],
        "duplicate": [
            Obj(
                DuplicateFlag.objects.get(child__last_name=f"{name}openova", other__last_name=f"{name}openova").pk,
                district,
            )
        ],
        "reminder": [Obj(reminder.pk, **adopted_file)],
    }


def kind_of(path: str) -> str | None:
    for prefix, kind in (
        ("/api/v1/children/{id}/consents/{consent_id}", "parental_consent"),
        ("/api/v1/children/{id}/proposals/{proposal_id}", "proposal"),
        ("/api/v1/children/{id}", "child"),
        ("/api/v1/cases/{id}/consents/{consent_id}", "consent"),
        ("/api/v1/cases/{id}", "case"),
        ("/api/v1/adopted-children/{id}", "adopted"),
        ("/api/v1/applicants/{id}", "applicant"),
        ("/api/v1/consular-registrations/{id}", "registration"),
        ("/api/v1/monitoring-reports/{id}", "report"),
        ("/api/v1/duplicates/{id}", "duplicate"),
        ("/api/v1/reminders/{id}", "reminder"),
        ("/api/v1/imports/{id}", "import"),
        ("/api/v1/agencies/{id}", "agency"),
    ):
        if path.startswith(prefix):
            return kind
    return None


def url_of(path: str, obj: Obj | None) -> str:
    if obj is not None:
        case_id, consent_id = obj.id if isinstance(obj.id, tuple) else (obj.id, None)
        path = path.replace("{id}", str(case_id)).replace("{consent_id}", str(consent_id))
        path = path.replace("{proposal_id}", str(consent_id))
    path = path.replace("{code}", "CHILD_MINOR" if "citations" in path else "US")  # a citation, a country
    query = PARAMS.get(path.split("?")[0], "")
    return f"{path}?{query.format(today=today(), year=today().year)}" if query else path


def allowed(status: int) -> bool:
    """Got through authorization: a success or a refusal of the input or of a business rule."""
    return status < 500 and status not in (401, 403, 404)


def call(client, method: str, url: str):
    """One request, rolled back afterwards: every role meets the same world."""
    with transaction.atomic():
        response = getattr(client, method.lower())(url, {}, format="json") if method != "GET" else client.get(url)
        transaction.set_rollback(True)
    return response


def test_every_operation_for_every_role_on_own_and_other_objects(
    api, users, district, court, us_post, other_district, other_court, gb_post
):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert operations - PUBLIC == set(MAY), "every operation needs its row in MAY (ROLES.md)"

    home = build_side(district, court, us_post, "Homeside")
    away = build_side(other_district, other_court, gb_post, "Farside")
    job = ImportJob.objects.create(kind="children", file=SimpleUploadedFile("c.csv", b"x"), created_by=users[M])
    home["import"] = away["import"] = [Obj(job.pk, None, national=True)]
    agency = Agency.objects.create(
        name="Matrix", country="US", accreditation_number="M-1", accredited_from=today(), accredited_until=today()
    )
    home["agency"] = away["agency"] = [Obj(agency.pk, None, national=True)]
    away_markers = ["Farside", "Farside-REG"]

    checked, wrong, leaks = 0, [], []
    for role in ROLES:
        user, client = users[role], api(users[role])
        for method, path in sorted(MAY):
            kind = kind_of(path)
            targets = [None] if kind is None else [*home[kind], *away[kind]]
            for obj in targets:
                url = url_of(path, obj)
                response = call(client, method, url)
                checked += 1
                may, seen = role in MAY[method, path], obj is None or sees(user, obj)
                if may and seen:
                    ok = allowed(response.status_code) and (
                        method != "GET" or response.status_code in (200, 204)
                    )  # 204: nothing recorded
                elif may:
                    ok = response.status_code == 404
                elif seen:
                    ok = response.status_code == 403
                else:
                    ok = response.status_code in (403, 404)
                if not ok:
                    wrong.append(f"{role} {method} {url}: {response.status_code} (may={may}, sees={seen})")
                body = response.getvalue()  # a file (a monitoring report's) streams
                if role not in (M, A) and any(m in body.decode(errors="replace") for m in away_markers):
                    leaks.append(f"{role} {method} {url}")
        if role not in (M, A):
            away_child = away["child"][0].id
            for probe in LEAK_PROBES:
                url = probe.format(away_name="Farsideopenova", away_child=away_child, today=today())
                response = call(client, "GET", url)
                checked += 1
                if response.status_code >= 500:
                    wrong.append(f"{role} GET {url}: {response.status_code}")
                if any(m in response.content.decode(errors="replace") for m in away_markers):
                    leaks.append(f"{role} GET {url}")

    assert not wrong, "\n".join(wrong)
    assert not leaks, "another territory's file leaked:\n" + "\n".join(leaks)
    # The leak search can find something: a national role does see the other territory.
    assert "Farsideopenova" in api(users[M]).get("/api/v1/children/?search=Farsideopenova").content.decode()
    print(f"authorization matrix: {len(MAY)} operations, {len(ROLES)} roles, {checked} requests checked")


# The web pages answer alike (ROLES.md: "in the API and in the web UI alike").
WEB_PAGES = {
    "/children/{id}/": ("child", FILE_READERS),
    "/cases/{id}/": ("case", FILE_READERS),
    "/applicants/{id}/": ("applicant", FILE_READERS),
    "/adopted/{id}/": ("adopted", ADOPTED_READERS),
}
WEB_LISTS = [
    "/",
    "/children/",
    "/children/?q=openova",
    "/cases/",
    "/adopted/",
    "/adopted/?q=side",  # both sides' adoptive parents (Homeside, Farside) hold the word
    "/search/?q=side",
    "/dashboard/",
    "/dashboard/safeguards/",
]


def test_every_page_for_every_role_on_own_and_other_objects(
    client, users, district, court, us_post, other_district, other_court, gb_post
):
    home = build_side(district, court, us_post, "Homeside")
    away = build_side(other_district, other_court, gb_post, "Farside")
    wrong, leaks = [], []
    for role in ROLES:
        user = users[role]
        client.force_login(user)
        for page, (kind, readers) in WEB_PAGES.items():
            for obj in [*home[kind], *away[kind]]:
                status = client.get(page.replace("{id}", str(obj.id))).status_code
                expected = (200,) if role in readers and sees(user, obj) else (404,) if role in readers else (403, 404)
                if status not in expected:
                    wrong.append(f"{role} {page} {obj.id}: {status}, expected {expected}")
        for page in WEB_LISTS:
            response = client.get(page)
            if response.status_code >= 500:
                wrong.append(f"{role} {page}: {response.status_code}")
            if role not in (M, A) and "Farside" in response.content.decode():
                leaks.append(f"{role} {page}")
    assert not wrong, "\n".join(wrong)
    assert not leaks, "another territory's file leaked:\n" + "\n".join(leaks)
    client.force_login(users[M])
    assert "Farsideopenova" in client.get("/children/?q=Farsideopenova").content.decode()
    assert "Farside Ann" in client.get("/adopted/?q=side").content.decode()  # the leak search can find it


@pytest.mark.parametrize("role", ROLES)
def test_no_account_is_without_its_organisation_or_with_another(role, district, court, us_post):
    """The scopes read a user's organisation: a court account without its court saw every case never
    referred, a consular one without its post failed on every list. The database refuses both, and
    an organisation of another kind, whoever writes the row."""
    organisations = {"district": district, "region": district.region, "court": court, "consular_post": us_post}
    required = ROLE_ORGANISATION[role]
    wrong: list[dict] = [{}] if required else []
    wrong += [{field: org} for field, org in organisations.items() if field != required]
    for fields in wrong:
        own = {required: organisations[required]} if required and fields else {}
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username=f"{role}-{sorted(fields)}", role=role, **own, **fields)
    kept = User.objects.create(
        username=f"{role}-ok", role=role, **({required: organisations[required]} if required else {})
    )
    assert kept.organisation == (organisations[required] if required else None)
