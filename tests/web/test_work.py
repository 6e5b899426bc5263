"""Each role's work queue (issue 20): what falls due, soonest first, naming the child and the
applicants and linking to the page where it is done; from the same definitions as the sweeps; in a
constant number of queries; every child and case it names is a read in the audit trail."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adoption import services as adoption_services
from adoption.models import Decision
from core.models import AuditEvent
from registry import services as registry_services
from tests.adoption.conftest import adopt_abroad, ago
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db


def lines(api, user, **params):
    response = api(user).get("/api/v1/work/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def new_child(district, last_name, identified_ago, levels=()):
    child, _ = registry_services.create_child(
        actor=None,
        district=district,
        last_name=last_name,
        first_name="Али",
        sex="M",
        birth_date=datetime.date(2020, 1, 1),
        identified_on=ago(identified_ago),
    )
    for level, placed_ago in levels:
        registry_services.place_on_register(actor=None, child=child, level=level, placed_on=ago(placed_ago))
    return child


def test_the_district_sees_its_register_steps_soonest_first_by_name(api, users, district, other_district):
    late = new_child(district, "Поздний", 10)  # primary entry due on day 3: 7 days late
    soon = new_child(district, "Скорый", 40, [("primary", 20)])  # due on the regional register in 10 days
    new_child(district, "Далёкий", 40, [("primary", 0)])  # due in 30 days: at the horizon's end
    new_child(other_district, "Чужой", 10)  # another district's: not in this queue
    found = lines(api, users["guardianship"])
    assert [(line["subject"].split()[0], line["due_on"], line["late"]) for line in found] == [
        ("Поздний", (ago(10) + datetime.timedelta(days=3)).isoformat(), True),
        ("Скорый", (ago(20) + datetime.timedelta(days=30)).isoformat(), False),
        ("Далёкий", (ago(0) + datetime.timedelta(days=30)).isoformat(), False),
    ]
    assert found[0]["title"] == "Place on the primary register" and found[0]["url"] == f"/children/{late.pk}/"
    assert found[1]["title"] == "Send to the regional register" and found[1]["url"] == f"/children/{soon.pk}/"
    assert len(lines(api, users["guardianship"], days=29)) == 2  # the horizon, a day shorter
    # the region places on the central register: only the regional step is its own
    new_child(district, "Областной", 100, [("primary", 90), ("regional", 25)])
    regional = lines(api, users["regional"])
    assert [line["subject"].split()[0] for line in regional] == ["Областной"]
    assert regional[0]["title"] == "Place on the central register"
    assert all("Областной" not in line["subject"] for line in lines(api, users["other_regional"]))


def test_the_court_sees_referrals_decisions_awaiting_force_and_civil_registrations(api, users, district, court):
    waiting, _child = adopt_abroad(district, court, in_force=False, last_name="Ожидающий", applicant_name="Brown")
    done, _ = adopt_abroad(district, court, in_force_ago=10, last_name="Вступивший", applicant_name="Green")
    found = {line["kind"]: line for line in lines(api, users["court"])}
    expected = adoption_services.expected_in_force_on(Decision.objects.get(case=waiting))
    in_force = found["decision_in_force_due"]
    assert (in_force["due_on"], in_force["url"]) == (expected.isoformat(), f"/cases/{waiting.pk}/")
    assert "Ожидающий" in in_force["subject"] and "Brown" in in_force["people"]
    civil = found["civil_registration_due"]
    assert civil["due_on"] == (ago(10) + datetime.timedelta(days=3)).isoformat() and civil["late"]
    # in force: the child's birth identity is sealed, in the queue too
    assert civil["subject"] == f"Adopted child #{done.children.get().pk}" and "Green" in civil["people"]
    assert "Вступивший" not in str(lines(api, users["court"]))
    assert lines(api, users["other_court"]) == []  # another court's cases are not its work


def test_the_consular_post_sees_registrations_and_reports_due(api, users, district, court):
    _case, child = adopt_abroad(district, court, in_force_ago=40, last_name="Уехавший", applicant_name="White")
    found = lines(api, users["consular"], days=200)
    kinds = [line["kind"] for line in found]
    assert kinds[0] == "consular_registration_due" and found[0]["late"]  # 30 days after entry into force
    assert found[0]["url"] == f"/adopted/{child.pk}/" and "White" in found[0]["people"]
    assert "monitoring_report_overdue" in kinds  # the first report, due within the 200 days
    assert lines(api, users["other_consular"], days=200) == []  # another country's post
    # the district is reminded of the registration too, not of the reports
    district_lines = [line["kind"] for line in lines(api, users["guardianship"], days=200)]
    assert "consular_registration_due" in district_lines and "monitoring_report_overdue" not in district_lines


def test_the_queue_page_reads_in_constant_queries_and_audits_what_it_names(client, users, district, court):
    login(client, users["guardianship"])
    new_child(district, "Первый", 10)
    adopt_abroad(district, court, in_force_ago=40, last_name="Усыновлённый")
    client.get("/work/")  # warm (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        page = client.get("/work/").content.decode()
    assert "Первый" in page and "late" in page
    for i in range(5):
        new_child(district, f"Ребёнок{i}", 10 + i)
        adopt_abroad(district, court, in_force_ago=41 + i, last_name=f"Усыновлённый{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/work/").content.decode()
    assert page.count("<tr data-kind=") == 12  # 6 children to place, 6 adopted to register at the post
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    read = AuditEvent.objects.filter(action="read", actor=users["guardianship"], purpose="work queue").latest("id")
    assert read.object_type == "registry.child" and len(read.object_ids.strip(",").split(",")) >= 6


@pytest.mark.parametrize("role", ["auditor"])
def test_the_auditor_has_no_queue(api, client, users, role):
    assert api(users[role]).get("/api/v1/work/").status_code == 403
    assert login(client, users[role]).get("/work/").status_code == 403


def test_a_late_line_in_the_page_links_where_the_step_is_taken(client, users, district):
    child = new_child(district, "Ссылка", 10)
    page = login(client, users["guardianship"]).get("/work/").content.decode()
    assert f'<a href="/children/{child.pk}/">Ссылка Али</a>' in page
    assert f'<time datetime="{(ago(10) + datetime.timedelta(days=3)).isoformat()}">' in page


def test_the_court_sees_a_referral_then_the_decision_due_from_the_last_hearing(api, users, foreign_case, court):
    from tests.adoption.test_court import hear, refer

    refer(api(users["guardianship"]), foreign_case, court, on=ago(12))
    line = next(line for line in lines(api, users["court"]) if line["kind"] == "hearing_due")
    assert (line["due_on"], line["url"]) == (ago(12).isoformat(), f"/cases/{foreign_case.pk}/")
    hear(api(users["court"]), foreign_case, on=ago(10))
    hear(api(users["court"]), foreign_case, on=ago(4))  # adjourned, heard again
    kinds = {line["kind"]: line for line in lines(api, users["court"])}
    assert "hearing_due" not in kinds and kinds["decision_due"]["due_on"] == ago(4).isoformat()


def test_the_region_and_the_ministry_see_children_adopted_abroad_not_registered_in_time(
    api, client, users, district, court, us_post
):
    from consular import services as consular_services

    _case, late = adopt_abroad(district, court, in_force_ago=40, applicant_name="White")  # due 10 days ago
    _case, soon = adopt_abroad(district, court, in_force_ago=5, applicant_name="Black")  # due in 25 days
    _case, done = adopt_abroad(district, court, in_force_ago=50, applicant_name="Grey")
    consular_services.register_child(actor=None, child=done, post=us_post, number="US-5", registered_on=ago(20))
    for role in ("regional", "ministry"):
        found = [line for line in lines(api, users[role]) if line["kind"] == "consular_registration_due"]
        assert [(line["url"], line["late"]) for line in found] == [
            (f"/adopted/{late.pk}/", True),
            (f"/adopted/{soon.pk}/", False),
        ], role
        assert found[0]["subject"] == f"Adopted child #{late.pk}" and "White" in found[0]["people"]
    shorter = [
        line["url"] for line in lines(api, users["regional"], days=20) if line["kind"] == "consular_registration_due"
    ]
    assert shorter == [f"/adopted/{late.pk}/"]  # the one due in 25 days is past a 20-day horizon
    assert lines(api, users["other_regional"]) == []  # another region's children
    login(client, users["ministry"])
    client.get("/work/")
    with CaptureQueriesContext(connection) as few:
        client.get("/work/")
    for i in range(3):
        adopt_abroad(district, court, in_force_ago=41 + i, applicant_name=f"Brown{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/work/").content.decode().count('data-kind="consular_registration_due"') == 5
    assert len(many) == len(few)
