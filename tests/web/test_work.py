"""Each role's work queue (issue 20): what falls due, soonest first, naming the child and the
applicants and linking to the page where it is done; from the same definitions as the sweeps; in a
constant number of queries; every child and case it names is a read in the audit trail."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adoption import outlook
from adoption import services as adoption_services
from adoption.models import Case, Decision
from core import work
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
    # the region places on its own register the children the districts send it, and sends on to the
    # ministry those on it too long; the ministry places them on the central register
    new_child(district, "Областной", 100, [("primary", 90), ("regional", 25)])
    regional = lines(api, users["regional"])
    assert [(line["subject"].split()[0], line["title"]) for line in regional] == [
        ("Областной", "Send to the central register"),  # due in 5 days
        ("Скорый", "Place on the regional register"),  # in 10
        ("Далёкий", "Place on the regional register"),  # in 30
    ]
    assert all("Областной" not in line["subject"] for line in lines(api, users["other_regional"]))
    ministry = [line for line in lines(api, users["ministry"]) if line["kind"] == found[1]["kind"]]
    assert [(line["subject"].split()[0], line["title"]) for line in ministry] == [
        ("Областной", "Place on the central register")
    ]


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
    assert found[0]["title"] == "Place on the consular register"
    # the district is reminded of the registration too, not of the reports; the post records it
    # (the district may not: consular.services.register_child), the district follows it up
    district_lines = {line["kind"]: line for line in lines(api, users["guardianship"], days=200)}
    assert "consular_registration_due" in district_lines and "monitoring_report_overdue" not in district_lines
    assert district_lines["consular_registration_due"]["title"] == (
        "Not on a consular register: ask the post and the adoptive parents"
    )
    refused = api(users["guardianship"]).post(
        "/api/v1/consular-registrations/",
        {"child": child.pk, "post": users["consular"].consular_post_id, "number": "X-1", "registered_on": ago(1)},
        format="json",
    )
    assert refused.status_code == 403, refused.content


def test_a_child_who_moved_is_followed_by_its_new_post(api, users, district, court, us_post, gb_post):
    from consular import services as consular_services

    _case, child = adopt_abroad(district, court, in_force_ago=40, applicant_name="White")
    registration = consular_services.register_child(
        actor=None, child=child, post=us_post, number="US-7", registered_on=ago(30)
    )
    consular_services.transfer_registration(
        actor=None, registration=registration, post=gb_post, number="GB-7", registered_on=ago(10)
    )
    moved = [line for line in lines(api, users["other_consular"], days=200) if line["url"] == f"/adopted/{child.pk}/"]
    assert [line["kind"] for line in moved] == ["monitoring_report_overdue"] and "White" in moved[0]["people"]


def leaving(district, court, us_post, last_name):
    """A child adopted abroad, on the post's register with the passport stamped: may leave."""
    from consular import services as consular_services

    _case, child = adopt_abroad(district, court, in_force_ago=40, last_name=last_name)
    consular_services.register_child(
        actor=None,
        child=child,
        post=us_post,
        number=f"US-{child.pk}",
        registered_on=ago(10),
        passport_stamped_on=ago(9),
    )


def expiring(district, last_name):
    """An open case whose applicant's medical certificate expires within days."""
    from tests.adoption.conftest import make_applicant, make_child

    applicant = make_applicant(district, last_name=f"{last_name}-parent")
    case = adoption_services.open_case(
        actor=None, children=[make_child(district, last_name=last_name)], applicants=[applicant], opened_on=ago(30)
    )
    adoption_services.add_document(
        actor=None, case=case, kind="medical_certificate", applicant=applicant, issued_on=ago(360), issuer="x"
    )


def proposed(district, last_name, proposed_ago=3):
    """A child of 12 on the central register proposed to a family of the district, its answer
    awaited (a family that wishes a child of 12 or 13: it fits none of the younger children of the
    tests, whose foreign adoptions it would hold)."""
    from databank import services as databank_services
    from tests.adoption.conftest import make_child
    from tests.databank.test_databank import registered_family

    child = make_child(district, last_name=last_name, birth_days_ago=12 * 365 + 30)
    family = registered_family(district, last_name=f"{last_name}-family", age_min=12, age_max=13)
    databank_services.propose(actor=None, child=child, applicant=family, proposed_on=ago(proposed_ago))
    return child, family


def test_the_district_sees_the_families_answers_awaited_until_their_last_day(api, users, district, other_district):
    """A family has `proposal_answer_days` (10) to answer; the next day the sweep records no answer.
    Each proposal awaiting its answer is a line of the child's district, due on the family's last
    day (late from the day after, until the sweep runs), naming the child and the family and
    opening the child's matches, where the answer is recorded. It leaves once answered, lapsed or
    withdrawn (the child left the registers)."""
    from databank import deadlines
    from databank import services as databank_services
    from databank.models import Proposal
    from tests.databank.test_databank import registered_family

    late_child, _family = proposed(district, "Поздняя", proposed_ago=11)  # last day: yesterday
    soon_child, soon_family = proposed(district, "Скорая", proposed_ago=3)  # last day: in 7 days
    proposed(other_district, "Чужая")

    def answers(user, **params):
        return [
            (line["subject"].split()[0], line["people"].split()[0], line["due_on"], line["late"], line["url"])
            for line in lines(api, user, **params)
            if line["kind"] == "proposal_answer_due"
        ]

    assert answers(users["guardianship"]) == [
        ("Поздняя", "Поздняя-family", ago(1).isoformat(), True, f"/children/{late_child.pk}/matches/"),
        ("Скорая", "Скорая-family", ago(-7).isoformat(), False, f"/children/{soon_child.pk}/matches/"),
    ]
    titles = {line["title"] for line in lines(api, users["guardianship"]) if line["kind"] == "proposal_answer_due"}
    assert titles == {"Record the family's answer to the proposal"}
    assert [a[0] for a in answers(users["guardianship"], days=7)] == ["Поздняя", "Скорая"]  # its day, the horizon's
    assert [a[0] for a in answers(users["guardianship"], days=6)] == ["Поздняя"]
    assert [a[0] for a in answers(users["other_guardianship"])] == ["Чужая"]
    assert answers(users["regional"]) == []  # the district proposes and records the answer
    deadlines.sweep_proposals(on=ago(0))  # the late one lapses as no answer
    databank_services.answer(
        actor=None, proposal=Proposal.objects.get(applicant=soon_family), answer="declined", on=ago(0), reason="far"
    )
    assert answers(users["guardianship"]) == []
    third = registered_family(district, last_name="Третья", age_min=12)
    databank_services.propose(actor=None, child=soon_child, applicant=third, proposed_on=ago(0))
    assert [a[1] for a in answers(users["guardianship"])] == ["Третья"]
    registry_services.deregister(actor=None, child=soon_child, on=ago(0), reason="returned_to_parents")
    assert answers(users["guardianship"]) == []  # withdrawn with the child's leaving


def test_the_queue_page_reads_in_constant_queries_and_audits_what_it_names(client, users, district, court, us_post):
    login(client, users["guardianship"])
    new_child(district, "Первый", 10)
    adopt_abroad(district, court, in_force_ago=40, last_name="Усыновлённый")
    leaving(district, court, us_post, "Уезжающий")
    expiring(district, "Справка")
    proposed(district, "Предложенная")
    outlook.refresh(Case.objects.all())  # what a commit would do (this test's transaction never commits)
    client.get("/work/")  # warm (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        page = client.get("/work/").content.decode()
    assert "Первый" in page and "late" in page
    for i in range(5):
        new_child(district, f"Ребёнок{i}", 10 + i)
        adopt_abroad(district, court, in_force_ago=41 + i, last_name=f"Усыновлённый{i}")
        leaving(district, court, us_post, f"Уезжающий{i}")
        expiring(district, f"Справка{i}")
        proposed(district, f"Предложенная{i}")
    outlook.refresh(Case.objects.all())
    with CaptureQueriesContext(connection) as many:
        page = client.get("/work/").content.decode()
    kinds = [
        "register_escalation_due",
        "consular_registration_due",
        "departure_due",
        "document_expiring",
        "case_blocked",
        "proposal_answer_due",
    ]
    assert [page.count(f'<tr data-kind="{kind}"') for kind in kinds] == [6, 6, 6, 6, 6, 6], kinds
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    read = AuditEvent.objects.filter(action="read", actor=users["guardianship"], purpose="work queue").latest("id")
    assert read.object_type == "registry.child" and len(read.object_ids.strip(",").split(",")) >= 6


def test_the_queue_shows_its_soonest_lines_says_when_more_fall_due_and_reads_only_those(
    api, client, users, district, monkeypatch
):
    monkeypatch.setattr(work, "SHOWN", 2)  # a page of two lines; each source gives its soonest three
    monkeypatch.setattr(work, "PER_SOURCE", 3)
    children = [new_child(district, f"Ребёнок{i}", 10 - i) for i in range(2)]  # due 7 and 6 days ago
    found = api(users["guardianship"]).get("/api/v1/work/").json()
    assert (found["count"], found["more"]) == (2, False)  # exactly a page: nothing left off
    later = new_child(district, "Поздний", 5)  # due 2 days ago: the third soonest, left off
    found = api(users["guardianship"]).get("/api/v1/work/").json()
    assert (found["count"], found["more"]) == (2, True)
    assert [line["subject"].split()[0] for line in found["results"]] == ["Ребёнок0", "Ребёнок1"]
    read = AuditEvent.objects.filter(action="read", actor=users["guardianship"], purpose="work queue").latest("id")
    assert read.object_ids == f",{children[0].pk},{children[1].pk},"  # the line left off is not read
    page = login(client, users["guardianship"]).get("/work/").content.decode()
    assert "the soonest 2 lines are shown" in page and "Поздний" not in page
    assert f",{later.pk}," not in AuditEvent.objects.filter(purpose="work queue").latest("id").object_ids


def test_a_region_shows_one_kind_of_its_work_alone_past_a_page_of_another(
    api, client, users, district, court, monkeypatch
):
    """A page of the region's register steps (the oldest first) hides a child adopted abroad and
    not on a consular register; shown alone, that kind of work is on the page. A kind that is not
    the user's is refused, naming the field, and shows nothing."""
    monkeypatch.setattr(work, "SHOWN", 2)
    monkeypatch.setattr(work, "PER_SOURCE", 3)
    from registry.models import Level

    for i in range(3):  # on the primary register 100 days: the region's to place, long late
        new_child(district, f"Ждёт{i}", 110 + i, levels=[(Level.PRIMARY, 100 + i)])
    _case, abroad = adopt_abroad(district, court, in_force_ago=40)  # its registration due 10 days ago
    login(client, users["regional"])
    everything = client.get("/work/").content.decode()
    assert 'data-kind="register_escalation_due"' in everything and f"/adopted/{abroad.pk}/" not in everything
    assert '<option value="consular_registration">Consular registration</option>' in everything
    assert 'value="departure"' not in everything  # the district's kind of work, not the region's
    alone = client.get("/work/", {"what": "consular_registration"}).content.decode()
    assert f'<a href="/adopted/{abroad.pk}/">' in alone and 'data-kind="register_escalation_due"' not in alone
    assert '<option value="consular_registration" selected>' in alone
    refused = client.get("/work/", {"what": "departure"})
    page = refused.content.decode()
    assert refused.status_code == 400 and 'id="id_what"' in page and 'class="errorlist"' in page
    assert "<tr data-kind=" not in page
    by_api = api(users["regional"]).get("/api/v1/work/", {"what": "consular_registration"}).json()
    assert [line["url"] for line in by_api["results"]] == [f"/adopted/{abroad.pk}/"] and not by_api["more"]
    refused = api(users["regional"]).get("/api/v1/work/", {"what": "departure"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "what"


@pytest.mark.parametrize("role", ["auditor"])
def test_the_auditor_has_no_queue(api, client, users, role):
    assert api(users[role]).get("/api/v1/work/").status_code == 403
    assert login(client, users[role]).get("/work/").status_code == 403


def test_a_late_line_in_the_page_links_where_the_step_is_taken(client, users, district):
    child = new_child(district, "Ссылка", 10)
    page = login(client, users["guardianship"]).get("/work/").content.decode()
    assert f'<a href="/children/{child.pk}/">Ссылка Али</a>' in page
    assert f'<time datetime="{(ago(10) + datetime.timedelta(days=3)).isoformat()}">' in page
    home = client.get("/").content.decode()  # the home page opens with the queue's first lines
    assert (
        '<tr data-kind="register_escalation_due">' in home and f'<a href="/children/{child.pk}/">Ссылка Али</a>' in home
    )
    assert (
        row(home, "register_escalation_due").count("status-late")
        == row(page, "register_escalation_due").count("status-late")
        == 1
    )


def row(page: str, kind: str) -> str:
    """The page's first line of the queue of `kind`, as HTML."""
    start = page.index(f'<tr data-kind="{kind}">')
    return page[start : page.index("</tr>", start)]


def test_a_step_past_its_day_is_not_late_on_the_home_page_either(client, api, users, foreign_case, court):
    """The court's hearing has no day set by law: its line says from when, on the queue's page and
    on the home page alike (the home page called every line of a past day late)."""
    from tests.adoption.test_court import refer

    refer(api(users["guardianship"]), foreign_case, court, on=ago(12))
    login(client, users["court"])
    for path in ("/", "/work/"):
        line = row(client.get(path).content.decode(), "hearing_due")
        assert f'<time datetime="{ago(12).isoformat()}">' in line and "status-late" not in line, path


def test_the_court_sees_a_referral_then_the_decision_due_from_the_last_hearing(api, users, foreign_case, court):
    from tests.adoption.test_court import hear, refer

    refer(api(users["guardianship"]), foreign_case, court, on=ago(12))
    line = next(line for line in lines(api, users["court"]) if line["kind"] == "hearing_due")
    assert (line["due_on"], line["url"]) == (ago(12).isoformat(), f"/cases/{foreign_case.pk}/")
    assert line["late"] is False  # the law sets the court no day for it: the date says from when
    hear(api(users["court"]), foreign_case, on=ago(10))
    hear(api(users["court"]), foreign_case, on=ago(4))  # adjourned, heard again
    kinds = {line["kind"]: line for line in lines(api, users["court"])}
    assert "hearing_due" not in kinds and kinds["decision_due"]["due_on"] == ago(4).isoformat()
    assert kinds["decision_due"]["late"] is False


def test_the_court_sees_an_appeal_pending_instead_of_the_entry_into_force(api, users, district, court, us_post):
    case, _child = adopt_abroad(district, court, in_force_ago=40, in_force=False)  # its term ran out
    kinds = {line["kind"]: line for line in lines(api, users["court"])}
    assert kinds["decision_in_force_due"]["late"] is True and "appeal_due" not in kinds
    adoption_services.record_appeal(actor=users["court"], case=case, filed_on=ago(80))
    kinds = {line["kind"]: line for line in lines(api, users["court"])}
    assert "decision_in_force_due" not in kinds
    line = kinds["appeal_due"]
    assert (line["due_on"], line["url"], line["late"]) == (ago(80).isoformat(), f"/cases/{case.pk}/", False)
    adoption_services.record_appeal(
        actor=users["court"], case=case, filed_on=ago(80), decided_on=ago(50), outcome="upheld"
    )
    assert {"appeal_due", "decision_in_force_due"}.isdisjoint(line["kind"] for line in lines(api, users["court"]))


def test_a_refused_decision_asks_no_entry_into_force(api, users, district, court, us_post):
    """A refusal closes its case at once: the sweep reminded the court, and its queue asked, to
    record the entry into force of a decision whose case no page could open to it any more."""
    from adoption import deadlines as adoption_deadlines
    from core.models import Reminder

    case, _child = adopt_abroad(district, court, referred_only=True)
    participants = ["applicants", "guardianship", "procurator"]
    adoption_services.record_hearing(actor=None, case=case, on=ago(80), participants=participants, in_camera=True)
    adoption_services.record_decision(actor=None, case=case, outcome="refused", decided_on=ago(79))
    adoption_deadlines.sweep_court_deadlines()
    assert not Reminder.objects.filter(kind="decision_in_force_due").exists()
    assert "decision_in_force_due" not in {line["kind"] for line in lines(api, users["court"])}


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


def test_the_district_sees_a_document_expiring_before_the_decision_at_the_horizons_boundary(
    api, users, foreign_case, other_district
):
    from adoption import rules

    applicant = foreign_case.applicants.order_by("id").first()
    old = adoption_services.add_document(
        actor=None, case=foreign_case, kind="medical_certificate", applicant=applicant, issued_on=ago(340), issuer="x"
    )
    end = rules.valid_through(old.issued_on, 12)  # the policy's default term
    days = (end - ago(0)).days

    def expiring(**params):
        return [line for line in lines(api, users["guardianship"], **params) if line["kind"] == "document_expiring"]

    assert expiring(days=days) == []  # the certificate of the complete file, issued later, replaces it
    newer = foreign_case.documents.get(kind="medical_certificate", applicant=applicant, issued_on__gt=old.issued_on)
    adoption_services.withdraw_document(actor=None, case=foreign_case, document=newer, reason="wrong applicant")
    [line] = expiring(days=days)  # valid through the horizon's last day: due
    assert (line["due_on"], line["late"], line["url"]) == (end.isoformat(), False, f"/cases/{foreign_case.pk}/")
    assert line["title"] == f"Document expiring: medical certificate ({applicant.name})"
    assert expiring(days=days - 1) == []  # a day shorter: still valid after the horizon
    adoption_services.add_document(
        actor=None, case=foreign_case, kind="medical_certificate", applicant=applicant, issued_on=ago(0), issuer="x"
    )
    assert expiring(days=days) == []  # renewed
    assert lines(api, users["other_guardianship"], days=days) == []  # another district's case


def test_the_district_sees_a_departure_to_record_once_the_passport_is_stamped(
    api, client, users, district, court, us_post
):
    from consular import services as consular_services

    case, child = adopt_abroad(district, court, in_force_ago=40, applicant_name="White")

    def departures():
        return [line for line in lines(api, users["guardianship"]) if line["kind"] == "departure_due"]

    assert departures() == []  # not on a consular register: the registration is what is due
    consular_services.register_child(
        actor=None, child=child, post=us_post, number="US-9", registered_on=ago(10), passport_stamped_on=ago(9)
    )
    [line] = departures()
    assert (line["due_on"], line["late"]) == (ago(40).isoformat(), False)  # no term: never late
    assert line["url"] == f"/cases/{case.pk}/departure/?child={child.pk}" and "White" in line["people"]
    page = login(client, users["guardianship"]).get(line["url"]).content.decode()
    assert f'<option value="{child.pk}" selected>' in page  # the form opens on the child
    consular_services.record_departure(
        actor=None,
        case=case,
        child=child,
        exit_permission_number="EP-1",
        exit_permission_on=ago(8),
        departed_on=ago(7),
        residence_country="US",
    )
    assert departures() == []


def test_a_child_registered_without_the_passport_stamp_is_the_posts_line_until_it_is_recorded(
    api, client, users, district, court, us_post, gb_post
):
    """A registration recorded before the MFA stamp was put in the passport left the child in no
    queue (registered: not due on the register; not stamped: no departure to record), and the
    pages had no way to record the stamp later (only the API did): the child could never be
    recorded as leaving. The post now has a line for it, and the child's page a form."""
    from consular import services as consular_services
    from core.models import AuditEvent
    from tests.factories import UserFactory

    _case, child = adopt_abroad(district, court, in_force_ago=40, applicant_name="Stamp")
    consular_services.register_child(actor=None, child=child, post=us_post, number="US-7", registered_on=ago(10))

    def stamps(user):
        return [line for line in lines(api, user) if line["kind"] == "passport_stamp_due"]

    [line] = stamps(users["consular"])
    assert (line["due_on"], line["late"], line["url"]) == (ago(10).isoformat(), False, f"/adopted/{child.pk}/")
    assert "Stamp" in line["people"] and line["title"] == "Record the MFA passport stamp"
    assert stamps(UserFactory.create(role="consular", consular_post=gb_post)) == []  # another post's child
    assert [line for line in lines(api, users["guardianship"]) if line["kind"] == "departure_due"] == []

    client.force_login(users["guardianship"])  # a reader: told why the child cannot leave, offered no form
    page = client.get(line["url"]).content.decode()
    assert "passport not stamped" in page and 'name="passport_stamped_on"' not in page
    client.force_login(users["consular"])
    page = client.get(line["url"]).content.decode()
    assert "passport not stamped" in page and 'name="passport_stamped_on"' in page

    events = AuditEvent.objects.filter(verb="stamp_passport").count()
    for bad, says in (
        ({"passport_stamped_on": ago(11).isoformat()}, "cannot precede"),  # the day before the registration
        ({"passport_stamped_on": ""}, "This field is required"),
    ):
        refused = client.post(line["url"], bad)
        assert refused.status_code == 400 and says in refused.content.decode(), bad
    assert child.consular_registrations.get().passport_stamped_on is None
    assert AuditEvent.objects.filter(verb="stamp_passport").count() == events

    done = client.post(line["url"], {"passport_stamped_on": ago(10).isoformat()})  # the day of the registration
    assert done.status_code == 302
    assert child.consular_registrations.get().passport_stamped_on == ago(10)
    assert AuditEvent.objects.filter(verb="stamp_passport").count() == events + 1
    page = client.get(line["url"]).content.decode()
    assert "The passport stamp is recorded." in page and 'name="passport_stamped_on"' not in page
    assert stamps(users["consular"]) == []
    [departure] = [line for line in lines(api, users["guardianship"]) if line["kind"] == "departure_due"]
    assert departure["url"].endswith(f"?child={child.pk}")
    again = client.post(line["url"], {"passport_stamped_on": ago(9).isoformat()})  # a second tab, say
    assert again.status_code == 302 and child.consular_registrations.get().passport_stamped_on == ago(10)


def test_a_decisions_copy_of_its_cases_district_is_what_a_districts_follow_up_lines_read(api, users, district, court):
    """The district's consular lines read the open follow-ups on the decision's copy of its case's
    district (Decision.district): each decision the services write carries it, and the line goes to
    the district of the case and to no other."""
    case, child = adopt_abroad(district, court, in_force_ago=40, applicant_name="Copy")
    assert Decision.objects.get(case=case).district_id == case.district_id == district.pk
    url = f"/adopted/{child.pk}/"
    mine = [line for line in lines(api, users["guardianship"]) if line["kind"] == "consular_registration_due"]
    assert [(line["url"], line["late"], line["people"]) for line in mine] == [(url, True, "Copy Ann, Copy-Jones Ann")]
    assert all(line["url"] != url for line in lines(api, users["other_guardianship"]))


def test_a_documents_copies_of_its_case_follow_the_case_to_its_decision(api, users, district, court, foreign_case):
    """What the documents' index reads (CaseDocument.district, .case_decided) is the case's district
    and whether it is decided, for every document the services write."""
    from adoption.models import CaseDocument

    pending = CaseDocument.objects.filter(case=foreign_case)
    assert pending.exists() and set(pending.values_list("district_id", "case_decided")) == {(district.pk, False)}
    decided, _child = adopt_abroad(district, court, in_force=False)
    documents = CaseDocument.objects.filter(case=decided)
    assert documents.exists() and set(documents.values_list("district_id", "case_decided")) == {(district.pk, True)}
    assert not [line for line in lines(api, users["guardianship"]) if line["url"] == f"/cases/{decided.pk}/"]


def test_the_child_page_says_the_register_step_the_queue_links_to_and_who_records_it(api, client, users, district):
    """The district's "Send to the regional register" line opened a child page with nothing to do
    there: the page now says the step, its date as the queue has it, and that the region records it."""
    child = new_child(district, "Пересылка", 60, [("primary", 40)])  # due on the regional register 10 days ago
    (line,) = [found for found in lines(api, users["guardianship"]) if found["url"] == f"/children/{child.pk}/"]
    assert line["title"] == "Send to the regional register" and line["late"]

    def step(role):
        page = login(client, users[role]).get(f"/children/{child.pk}/").content.decode()
        return page[page.index("<tr data-next-step>") : page.index("</tr>", page.index("<tr data-next-step>"))]

    district_step = step("guardianship")
    assert "Send to the regional register" in district_step and "late" in district_step
    assert f'<time datetime="{line["due_on"]}">' in district_step
    assert "once the department places the child on the regional register" in district_step
    regional_step = step("regional")  # the region's own step on the same child: it records the entry
    assert "Place on the regional register" in regional_step and "once the" not in regional_step
    ministry_page = login(client, users["ministry"]).get(f"/children/{child.pk}/").content.decode()
    assert "data-next-step" not in ministry_page  # nothing on this child is the ministry's to do yet
