import datetime
import smtplib
from datetime import date

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext
from hypothesis import given
from hypothesis import strategies as st

from adoption import services as adoption_services
from consular import deadlines, rules, services
from consular.models import ConsularRegistration, Departure, MonitoringReport
from core.dates import add_months, reaches_age_on
from core.deadlines import detail_text, kind_label
from core.models import Reminder
from core.services import send_reminder_emails
from tests.adoption.conftest import adopt_abroad, ago, make_applicant, make_child
from tests.conftest import postgres_only, race
from tests.factories import ConsularPostFactory

pytestmark = pytest.mark.django_db


def register(client, child, post, number="US-1", on=None, **extra):
    return client.post(
        "/api/v1/consular-registrations/",
        {"child": child.pk, "post": post.pk, "number": number, "registered_on": (on or ago(5)).isoformat(), **extra},
        format="json",
    )


def test_the_post_of_the_country_registers_a_child_adopted_there(api, users, district, court, us_post):
    case, child = adopt_abroad(district, court)
    response = register(api(users["consular"]), child, us_post, passport_stamped_on=ago(4).isoformat())
    assert response.status_code == 201, response.json()
    assert response.json()["country"] == "US"
    again = register(api(users["consular"]), child, us_post, number="US-2")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_registered"


def test_registration_is_refused_before_the_decision_is_in_force(api, users, district, court, us_post):
    case, child = adopt_abroad(district, court)
    # a second child, decided but not yet in force
    waiting = make_child(district, last_name="Lee")
    pending = adoption_services.open_case(
        actor=None, children=[waiting], applicants=[make_applicant(district)], opened_on=ago(50)
    )
    from adoption.models import Decision

    Decision.objects.create(case=pending, district=district, outcome="granted", decided_on=ago(2))
    response = register(api(users["ministry"]), waiting, us_post)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "adoption_not_in_force"
    assert not ConsularRegistration.objects.exists()


def test_registration_is_refused_for_a_post_of_another_country(api, users, district, court, us_post, gb_post):
    _, child = adopt_abroad(district, court)
    by_ministry = register(api(users["ministry"]), child, gb_post)
    assert by_ministry.status_code == 400 and by_ministry.json()["errors"][0]["code"] == "post_of_another_country"
    assert register(api(users["consular"]), child, gb_post).status_code == 403  # the US officer for the UK post
    by_uk = register(api(users["other_consular"]), child, gb_post)  # the UK post cannot even see the child
    assert by_uk.status_code == 400 and by_uk.json()["errors"][0]["field"] == "child"
    assert not ConsularRegistration.objects.exists()


def test_a_us_post_cannot_see_a_child_adopted_into_the_uk(api, users, district, court):
    _, us_child = adopt_abroad(district, court, country="US")
    _, uk_child = adopt_abroad(district, court, country="GB", last_name="Brown")
    us = api(users["consular"])
    assert [c["id"] for c in us.get("/api/v1/adopted-children/").json()["results"]] == [us_child.pk]
    assert us.get(f"/api/v1/adopted-children/{uk_child.pk}/").status_code == 404
    assert us.get("/api/v1/monitoring-reports/", {"child": uk_child.pk}).status_code == 404
    detail = us.get(f"/api/v1/adopted-children/{us_child.pk}/").json()
    assert set(detail) == {
        "id",
        "last_name",
        "first_name",
        "patronymic",
        "sex",
        "birth_date",
        "adoption",
        "departure",
        "consular_registrations",
        "sealed",
        "died_on",  # the end of the follow-up, which the post itself records
    }
    assert len(detail["adoption"]["adoptive_parents"]) == 2
    # and nothing else of the file
    assert us.get(f"/api/v1/children/{us_child.pk}/").status_code == 403
    assert us.get(f"/api/v1/cases/{detail['adoption']['case']}/").status_code == 403


def test_a_transfer_keeps_the_history_and_each_post_sees_its_dates(api, users, district, court, us_post):
    _, child = adopt_abroad(district, court)
    first = register(api(users["consular"]), child, us_post, on=ago(20)).json()
    ca_post = ConsularPostFactory.create(country="CA", city="Ottawa")
    response = api(users["consular"]).post(
        f"/api/v1/consular-registrations/{first['id']}/transfer/",
        {"post": ca_post.pk, "number": "CA-9", "registered_on": ago(3).isoformat()},
        format="json",
    )
    assert response.status_code == 201
    old = ConsularRegistration.objects.get(pk=first["id"])
    assert (old.ended_on, old.transferred_to_id) == (ago(3), response.json()["id"])
    us_view = api(users["consular"]).get("/api/v1/consular-registrations/").json()["results"]
    assert [(r["country"], r["ended_on"]) for r in us_view] == [("US", ago(3).isoformat())]
    assert api(users["ministry"]).get("/api/v1/consular-registrations/", {"child": child.pk}).json()["count"] == 2
    assert api(users["ministry"]).get("/api/v1/consular-registrations/", {"country": "CA"}).json()["count"] == 1


def departure(client, case, child, **overrides):
    body = {
        "child": child.pk,
        "exit_permission_number": "EP-77",
        "exit_permission_on": ago(3).isoformat(),
        "departed_on": ago(2).isoformat(),
        "residence_country": "US",
        **overrides,
    }
    return client.post(f"/api/v1/cases/{case.pk}/departure/", body, format="json")


def test_departure_is_refused_without_the_exit_permission_the_consular_registration_or_the_stamp(
    api, users, district, court, us_post
):
    case, child = adopt_abroad(district, court)
    guardianship = api(users["guardianship"])
    no_registration = departure(guardianship, case, child)
    assert no_registration.status_code == 400
    assert [e["field"] for e in no_registration.json()["errors"]] == ["consular_registration"]
    registration = services.register_child(actor=None, child=child, post=us_post, number="US-5", registered_on=ago(5))
    no_permission = departure(guardianship, case, child, exit_permission_number="", exit_permission_on=None)
    assert no_permission.status_code == 400
    assert {e["field"] for e in no_permission.json()["errors"]} == {
        "exit_permission_number",
        "exit_permission_on",
        "passport_stamped_on",  # RULES v2 §7: ¶61, the MFA stamp in the passport
    }
    services.stamp_passport(actor=None, registration=registration, on=ago(1))
    stamped_after = departure(guardianship, case, child)  # departed ago(2), the day before the stamp
    assert stamped_after.status_code == 400 and stamped_after.json()["errors"][0]["code"] == "passport_stamp_missing"
    assert not Departure.objects.exists()
    assert departure(guardianship, case, child, departed_on=ago(1).isoformat()).status_code == 201  # the day of
    assert departure(guardianship, case, child, departed_on=ago(1).isoformat()).status_code == 409


def test_the_schedule_for_a_child_adopted_at_16_stops_at_18():
    birth = datetime.date(2008, 3, 10)
    in_force = datetime.date(2024, 3, 20)  # aged 16
    dues = rules.monitoring_due_dates(
        in_force, birth, {"first_years": 3, "first_every_months": 6, "then_every_months": 12}
    )
    assert dues == [datetime.date(2024, 9, 20), datetime.date(2025, 3, 20), datetime.date(2025, 9, 20)]
    assert all(d < reaches_age_on(birth, 18) for d in dues)


def test_the_default_schedule_is_six_monthly_for_three_years_then_yearly_until_18():
    in_force, birth = datetime.date(2024, 1, 31), datetime.date(2023, 1, 1)
    dues = rules.monitoring_due_dates(
        in_force, birth, {"first_years": 3, "first_every_months": 6, "then_every_months": 12}
    )
    assert dues[:7] == [
        datetime.date(2024, 7, 31),
        datetime.date(2025, 1, 31),
        datetime.date(2025, 7, 31),
        datetime.date(2026, 1, 31),
        datetime.date(2026, 7, 31),
        datetime.date(2027, 1, 31),
        datetime.date(2028, 1, 31),
    ]
    assert dues[-1] == datetime.date(2040, 1, 31) and len(dues) == 6 + 13  # the last report before the 18th birthday


@pytest.mark.parametrize("received_after_due, status", [(30, "received"), (31, "late")])
def test_a_report_received_after_the_grace_period_is_late(received_after_due, status):
    due = datetime.date(2024, 1, 1)
    assert (
        rules.report_status(due, due + datetime.timedelta(days=received_after_due), datetime.date(2025, 1, 1), 30)
        == status
    )


@pytest.mark.parametrize("days_after_due, status", [(30, "upcoming"), (31, "missing")])
def test_a_report_not_received_goes_missing_after_the_grace_period(days_after_due, status):
    due = datetime.date(2024, 1, 1)
    assert rules.report_status(due, None, due + datetime.timedelta(days=days_after_due), 30) == status


def test_the_schedules_of_every_child_page_by_whole_children_at_a_constant_cost(api, users, district, court):
    """GET without `child`: every child's schedule in scope, whole children in id order, a page
    reading only its own children (the list computed the whole country's schedules, a query per
    child, for each page: 4 minutes at 1,000,000 children). Paging through it gives each child's
    schedule once, as `schedule_for` gives it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    children = [adopt_abroad(district, court, in_force_ago=400 + 40 * i, last_name=f"Kid{i}")[1] for i in range(4)]
    first_due = add_months(children[0].adoption.decision.in_force_on, 6)
    services.record_monitoring_report(actor=None, child=children[0], due_on=first_due, received_on=first_due)
    expected = [
        (e["child"], e["due_on"].isoformat(), e["status"])
        for child in sorted(children, key=lambda c: c.pk)
        for e in services.schedule_for(child, child.adoption)
    ]
    assert {status for *_, status in expected} == {"received", "missing", "upcoming"}
    ministry = api(users["ministry"])
    ministry.get("/api/v1/monitoring-reports/")  # what a process reads once (the content types)
    for query, wanted in [("page_size=10", None), ("page_size=2&status=missing", "missing")]:
        pages, queries, url = [], [], f"/api/v1/monitoring-reports/?{query}"
        while url:
            with CaptureQueriesContext(connection) as counted:
                body = ministry.get(url).json()
            pages.append([(e["child"], e["due_on"], e["status"]) for e in body["results"]])
            queries.append(len(counted))
            url = body["next"]
        assert [e for page in pages for e in page] == [e for e in expected if wanted in (None, e[2])]
        size = int(query.split("&")[0].split("=")[1])
        assert all(len(page) >= size for page in pages[:-1]) and len(pages) > 1
        assert all(a[-1][0] != b[0][0] for a, b in zip(pages, pages[1:], strict=False))  # whole children
        if wanted is None:  # a page costs the same wherever it starts (one with a status reads on until it is full)
            assert len(queries) == 4 and len(set(queries)) == 1, queries


@pytest.mark.parametrize(
    "query, field",
    [("status=lost", "status"), ("after=-1", "after"), ("page_size=201", "page_size"), ("child=x", "child")],
)
def test_a_bad_schedule_query_is_refused_naming_its_parameter(api, users, query, field):
    response = api(users["ministry"]).get(f"/api/v1/monitoring-reports/?{query}")
    assert response.status_code == 400 and [e["field"] for e in response.json()["errors"]] == [field]


def test_monitoring_reports_through_the_api(api, users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=400)
    services.register_child(actor=None, child=child, post=us_post, number="US-8", registered_on=ago(390))
    us = api(users["consular"])
    schedule = us.get("/api/v1/monitoring-reports/", {"child": child.pk}).json()["results"]
    first_due = add_months(ago(400), 6)
    assert schedule[0] == {**schedule[0], "due_on": first_due.isoformat(), "status": "missing"}
    late = us.post(
        "/api/v1/monitoring-reports/",
        {
            "child": child.pk,
            "due_on": first_due.isoformat(),
            "received_on": (first_due + datetime.timedelta(days=31)).isoformat(),
            "summary": "well",
        },
        format="json",
    )
    assert late.status_code == 201, late.json()
    schedule = us.get("/api/v1/monitoring-reports/", {"child": child.pk}).json()["results"]
    assert (
        schedule[0]["status"] == "late"
        and schedule[0]["received_on"] == (first_due + datetime.timedelta(days=31)).isoformat()
    )
    off_schedule = us.post(
        "/api/v1/monitoring-reports/",
        {"child": child.pk, "due_on": ago(1).isoformat(), "received_on": ago(1).isoformat()},
        format="json",
    )
    assert off_schedule.status_code == 400 and off_schedule.json()["errors"][0]["code"] == "not_scheduled"
    assert (
        api(users["other_consular"])
        .post(
            "/api/v1/monitoring-reports/",
            {"child": child.pk, "due_on": first_due.isoformat(), "received_on": ago(1).isoformat()},
            format="json",
        )
        .status_code
        == 400
    )
    assert MonitoringReport.objects.count() == 1


def test_unregistered_children_after_180_days_in_force(api, users, district, court, us_post):
    _, due_today = adopt_abroad(district, court, in_force_ago=180, last_name="Due")
    _, not_yet = adopt_abroad(district, court, in_force_ago=179, last_name="NotYet")
    _, registered = adopt_abroad(district, court, in_force_ago=300, last_name="Registered")
    services.register_child(actor=None, child=registered, post=us_post, number="US-3", registered_on=ago(250))
    report = api(users["ministry"]).get("/api/v1/reports/unregistered-children/").json()
    assert report["total"] == 1
    row = report["results"][0]
    assert (row["child"], row["country"], row["days_elapsed"]) == (due_today.pk, "US", 180)
    assert len(row["adopters"]) == 2
    earlier = api(users["ministry"]).get("/api/v1/reports/unregistered-children/", {"as_of": ago(1).isoformat()}).json()
    assert earlier["total"] == 0  # as of yesterday it had been in force 179 days
    assert api(users["regional"]).get("/api/v1/reports/unregistered-children/").json()["total"] == 1
    assert api(users["other_regional"]).get("/api/v1/reports/unregistered-children/").json()["total"] == 0
    assert api(users["guardianship"]).get("/api/v1/reports/unregistered-children/").status_code == 403
    assert not_yet.pk not in [r["child"] for r in report["results"]]


@pytest.mark.parametrize("in_force_ago, due", [(29, False), (30, True)])
def test_consular_registration_due_after_thirty_days_to_district_and_post(district, court, us_post, in_force_ago, due):
    _, child = adopt_abroad(district, court, in_force_ago=in_force_ago)
    deadlines.sweep_consular_deadlines()
    deadlines.sweep_consular_deadlines()
    found = list(
        Reminder.objects.filter(kind="consular_registration_due").values_list(
            "subject_id", "due_on", "district_id", "consular_post_id"
        )
    )
    assert found == ([(child.pk, ago(in_force_ago - 30), district.pk, us_post.pk)] if due else [])


def test_monitoring_report_overdue_goes_to_the_post_and_registration_closes_its_reminder(
    api, users, district, court, us_post
):
    _, child = adopt_abroad(district, court, in_force_ago=250)
    deadlines.sweep_consular_deadlines()
    kinds = sorted(Reminder.objects.values_list("kind", flat=True))
    assert kinds == [
        "consular_registration_due",
        "monitoring_report_overdue",
    ]  # 6-month report due at 183 days + 30 grace
    overdue = Reminder.objects.get(kind="monitoring_report_overdue")
    assert (overdue.consular_post_id, overdue.due_on) == (
        us_post.pk,
        add_months(ago(250), 6) + datetime.timedelta(days=30),
    )
    register(api(users["consular"]), child, us_post)
    assert list(Reminder.objects.filter(done_at__isnull=True).values_list("kind", flat=True)) == [
        "monitoring_report_overdue"
    ]


def test_reminder_emails_go_once_to_the_organisation_and_name_no_one(users, district, court, us_post, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users["guardianship"].email = "district@example.kz"
    users["guardianship"].save()
    users["consular"].email = "consul@example.kz"
    users["consular"].save()
    _, child = adopt_abroad(district, court, in_force_ago=45, last_name="Zhaksylykova")
    deadlines.sweep_consular_deadlines()
    assert send_reminder_emails() == 2  # the registration's reminder, to the district's and the post's staff
    assert send_reminder_emails() == 0  # each reminder once
    assert sorted(message.to for message in mail.outbox) == [["consul@example.kz"], ["district@example.kz"]]
    for message in mail.outbox:
        assert "Zhaksylykova" not in f"{message.subject} {message.body}" and f"#{child.pk}" in message.body


def test_each_person_gets_one_e_mail_listing_the_reminders_of_a_sweep(users, district, court, us_post, settings):
    """A child adopted abroad 500 days ago and never registered: the registration's reminder and
    each monitoring report's go out as one e-mail to each person (the post was sent one e-mail
    per reminder: after a history import, thousands), each reminder named on its own line."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users["guardianship"].email = "district@example.kz"
    users["guardianship"].save()
    users["consular"].email = "consul@example.kz"
    users["consular"].save()
    _, child = adopt_abroad(district, court, in_force_ago=500)
    deadlines.sweep_consular_deadlines()
    reminders = Reminder.objects.filter(subject_id=child.pk).order_by("due_on")
    assert reminders.count() == 3  # the registration, the reports due at 6 and 12 months
    assert send_reminder_emails() == 2
    to = {message.to[0]: message for message in mail.outbox}
    assert sorted(to) == ["consul@example.kz", "district@example.kz"]
    assert to["consul@example.kz"].subject == "[adoption registry] 3 reminders"
    lines = [line for line in to["consul@example.kz"].body.splitlines() if f"child #{child.pk}" in line]
    assert [line.split()[0] for line in lines] == [r.due_on.isoformat() for r in reminders]
    assert to["district@example.kz"].subject == (
        f"[adoption registry] consular registration due: due {reminders[0].due_on.isoformat()}"
    )
    assert not Reminder.objects.filter(emailed_at__isnull=True).exists()
    assert to["consul@example.kz"].body.endswith(f"Open your work queue to act on them: {settings.SITE_URL}/work/")


def test_an_e_mail_with_no_address_of_the_service_configured_says_to_open_it(users, district, court, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = ""  # production before SITE_URL is set (adoption.W001)
    users["guardianship"].email = "district@example.kz"
    users["guardianship"].save()
    adopt_abroad(district, court, in_force_ago=45)
    deadlines.sweep_consular_deadlines()
    assert send_reminder_emails() == 1
    assert mail.outbox[0].body.endswith("\n\nOpen the registry to act on them.") and "http" not in mail.outbox[0].body


def test_e_mails_are_written_in_the_language_each_person_reads_the_pages_in(
    api, users, district, court, us_post, settings
):
    """The consul reads the pages in Kazakh; the district's officer has not opened a page yet.
    Each gets the sweep's reminders in their own language: what each asks, its record and its
    detail (the report's date stays ISO); a token's request (another system) changes nothing."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for role, address in (("guardianship", "district@example.kz"), ("consular", "consul@example.kz")):
        users[role].email = address
        users[role].save()
    pages = Client()
    pages.force_login(users["consular"])
    assert pages.get("/", HTTP_ACCEPT_LANGUAGE="kk").status_code == 200
    assert api(users["consular"]).get("/api/v1/reminders/", HTTP_ACCEPT_LANGUAGE="ru").status_code == 200
    users["consular"].refresh_from_db()
    users["guardianship"].refresh_from_db()
    assert (users["consular"].language, users["guardianship"].language) == ("kk", "")
    _, child = adopt_abroad(district, court, in_force_ago=500)
    deadlines.sweep_consular_deadlines()
    reminders = list(Reminder.objects.filter(subject_id=child.pk).order_by("due_on"))
    assert send_reminder_emails() == 2
    to = {message.to[0]: message for message in mail.outbox}

    with translation.override("kk"):
        report_due = [r for r in reminders if r.kind == deadlines.MONITORING_REMINDER]
        record = gettext("child #%(id)s") % {"id": child.pk}
        expected_lines = [
            f"{r.due_on.isoformat()}  {kind_label(r.kind)}  {record}: {detail_text(r.detail)}" for r in reminders
        ]
        subject = ngettext("[adoption registry] %(count)d reminder", "[adoption registry] %(count)d reminders", 3) % {
            "count": 3
        }
        closing = gettext("Open your work queue to act on them: %(url)s") % {"url": f"{settings.SITE_URL}/work/"}
    kazakh = to["consul@example.kz"]
    assert kazakh.subject == subject != "[adoption registry] 3 reminders"
    assert kazakh.body.splitlines() == [*expected_lines, "", closing]
    assert all(r.detail.split()[3] in kazakh.body for r in report_due)  # which report: its date, ISO
    english = ("reminder", "monitoring", "consular", "registry", "child #", "due ")
    assert not any(word in f"{kazakh.subject} {kazakh.body}" for word in english)
    assert to["district@example.kz"].body.endswith(f"Open your work queue to act on them: {settings.SITE_URL}/work/")
    assert to["district@example.kz"].subject.startswith("[adoption registry] consular registration due: due ")


@given(
    st.dates(date(2000, 1, 1), date(2030, 12, 31)),
    st.dates(date(1995, 1, 1), date(2030, 12, 31)),
    st.dates(date(2000, 1, 1), date(2050, 12, 31)),
)
def test_the_schedule_until_a_date_is_the_schedule_cut_there(in_force, birth, until):
    schedule = {"first_years": 3, "first_every_months": 6, "then_every_months": 12}
    full = rules.monitoring_due_dates(in_force, birth, schedule)
    assert rules.monitoring_due_dates(in_force, birth, schedule, until=until) == [d for d in full if d <= until]


def test_the_unregistered_children_download_is_a_table_in_the_readers_language(api, users, district, court):
    import csv
    import io

    from openpyxl import load_workbook

    _, child = adopt_abroad(district, court, in_force_ago=200, last_name="Downloaded")
    client = api(users["ministry"])
    answer = client.get("/api/v1/reports/unregistered-children/", {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="ru")
    table = list(csv.reader(io.StringIO(answer.content.decode())))
    assert table[0][:3] == ["№ ребёнка", "Фамилия", "Имя"] and len(table) == 2
    assert table[1][0] == str(child.pk) and table[1][table[0].index("Дней после вступления в силу")] == "200"
    # no row: still the header, so an empty download is a table, not an empty file
    empty = client.get(
        "/api/v1/reports/unregistered-children/",
        {"format": "csv", "as_of": ago(400).isoformat()},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert list(csv.reader(io.StringIO(empty.content.decode()))) == [table[0]]
    workbook = client.get("/api/v1/reports/unregistered-children/", {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="kk")
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header[0] == "Бала №" and sheet.max_row == 2


def test_the_adopted_abroad_page_lists_the_latest_in_force_first_and_only_in_scope(client, users, district, court):
    """The page reads its children from the adoptions, by the date they entered into force: the
    same children as `adopted_children_for`, in that order, each post only its country's."""
    import re

    us = [adopt_abroad(district, court, in_force_ago=days, last_name=f"Us{days}")[1] for days in (300, 40, 120)]
    uk = adopt_abroad(district, court, in_force_ago=60, country="GB", last_name="Uk60")[1]
    client.force_login(users["guardianship"])
    page = client.get("/adopted/").content.decode()
    listed = [int(n) for n in re.findall(r'href="/adopted/(\d+)/"', page)]
    assert listed == [us[1].pk, uk.pk, us[2].pk, us[0].pk]  # 40, 60, 120 and 300 days ago
    client.force_login(users["consular"])  # the US post
    listed = [int(n) for n in re.findall(r'href="/adopted/(\d+)/"', client.get("/adopted/").content.decode())]
    assert listed == [us[1].pk, us[2].pk, us[0].pk]


def test_a_transfer_to_a_number_the_new_post_has_given_is_refused(api, users, district, court, us_post):
    _, child = adopt_abroad(district, court)
    _, other = adopt_abroad(district, court, country="CA", last_name="Lee")
    ca_post = ConsularPostFactory.create(country="CA", city="Ottawa")
    assert register(api(users["ministry"]), other, ca_post, number="CA-9").status_code == 201
    first = register(api(users["consular"]), child, us_post, on=ago(20)).json()
    response = api(users["consular"]).post(
        f"/api/v1/consular-registrations/{first['id']}/transfer/",
        {"post": ca_post.pk, "number": "CA-9", "registered_on": ago(3).isoformat()},
        format="json",
    )
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "number_taken"
    assert response.json()["errors"][0]["field"] == "number"
    assert ConsularRegistration.objects.get(pk=first["id"]).ended_on is None  # nothing changed


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_children_registered_at_once_under_one_number_get_it_once(users, district, court, us_post):
    from rest_framework.test import APIClient

    children = [adopt_abroad(district, court, last_name=name)[1] for name in ("Kim", "Lee")]

    def attempt(i):
        client = APIClient()
        client.force_authenticate(users["consular"])
        response = register(client, children[i % 2], us_post, number="US-5")
        return response.status_code, response.json()["errors"][0]["code"] if response.status_code != 201 else ""

    answers = race(10, attempt)
    assert sorted(answers) == [(201, "")] + [(409, "already_registered")] * 4 + [(409, "number_taken")] * 5, answers
    assert list(ConsularRegistration.objects.values_list("number", flat=True)) == ["US-5"]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_workers_sending_reminder_e_mails_at_once_send_each_reminder_once(users, district, court, us_post, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users["consular"].email = "consul@example.kz"
    users["consular"].save()
    for name in ("Kim", "Lee", "Pak", "Tsoi"):
        adopt_abroad(district, court, in_force_ago=500, last_name=name)
    deadlines.sweep_consular_deadlines()
    reminders = Reminder.objects.filter(consular_post=us_post)
    assert reminders.count() == 12  # each child: its registration and two reports
    race(4, lambda i: send_reminder_emails(limit=5))
    named = [line.split(":")[0] for message in mail.outbox for line in message.body.splitlines() if "#" in line]
    assert len(named) == len(set(named)) == 12 and not reminders.filter(emailed_at__isnull=True).exists()


def test_a_reminder_to_no_organisation_is_e_mailed_to_the_ministry(users, district, court, settings):
    """The HC93 art. 23 certificate's reminder is the ministry's (the Central Authority), addressed
    to no district, court or post: nobody was e-mailed it."""
    from adoption import deadlines as court_deadlines

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    users["ministry"].email = "central.authority@example.kz"
    users["ministry"].save()
    case, _child = adopt_abroad(district, court, in_force_ago=40)
    court_deadlines.sweep_court_deadlines()
    certificate = Reminder.objects.get(kind="hague_certificate_due", subject_id=case.pk)
    assert send_reminder_emails() >= 1
    to_ministry = [m for m in mail.outbox if m.to == ["central.authority@example.kz"]]
    assert len(to_ministry) == 1 and f"case #{case.pk}" in to_ministry[0].body
    assert (
        "issue the HC93 art. 23 certificate" in to_ministry[0].body
        and certificate.due_on.isoformat() in to_ministry[0].body
    )


REFUSED: set[str] = set()  # the addresses the mail server below refuses


class RefusingBackend(locmem.EmailBackend):
    """The test mailbox, refusing the addresses in REFUSED as an SMTP server refuses a recipient."""

    def send_messages(self, messages):
        for message in messages:
            refused = set(message.to) & REFUSED
            if refused:
                raise smtplib.SMTPRecipientsRefused(dict.fromkeys(refused, (550, b"mailbox unavailable")))
        return super().send_messages(messages)


def test_an_address_the_mail_server_refuses_stops_no_one_else_s_e_mail(
    users, district, court, us_post, settings, caplog
):
    """One person's address refused (a typo, a closed mailbox) held back the messages of everyone
    after it, run after run: each run released them all and failed again at the same address.
    Now the others are sent theirs once; the refused one is tried again on each run, alone, until
    the address is mended; and a reminder never tried yet is claimed before those that failed."""
    from tests.factories import UserFactory

    settings.EMAIL_BACKEND = "tests.consular.test_consular.RefusingBackend"
    REFUSED.clear()
    REFUSED.add("a.typo@example.kz")
    users["guardianship"].email = "a.typo@example.kz"  # sorted first: the first message sent
    users["guardianship"].save()
    UserFactory.create(role="guardianship", district=district, email="district@example.kz")
    users["consular"].email = "consul@example.kz"
    users["consular"].save()
    adopt_abroad(district, court, in_force_ago=45)
    deadlines.sweep_consular_deadlines()
    registration = Reminder.objects.get(kind="consular_registration_due")

    assert send_reminder_emails() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["consul@example.kz", "district@example.kz"]
    failures = [r for r in caplog.records if r.name == "core.services"]
    assert [(r.levelname, r.getMessage(), r.error) for r in failures] == [
        ("ERROR", "reminder e-mail not sent", "SMTPRecipientsRefused")
    ]
    assert "a.typo" not in caplog.text
    for _run in range(2):  # tried again, and the others are not sent it twice
        assert send_reminder_emails() == 0
        assert len(mail.outbox) == 2

    # another reminder comes due (a second child); one claimed a run: the new one first
    adopt_abroad(district, court, in_force_ago=44, last_name="Lee")
    deadlines.sweep_consular_deadlines()
    assert send_reminder_emails(limit=1) == 2  # the colleague and the post; the typo refused again
    assert len(mail.outbox) == 4

    REFUSED.clear()  # the address mended
    assert send_reminder_emails() == 1  # both reminders, in one message to the mended address
    assert mail.outbox[-1].to == ["a.typo@example.kz"] and mail.outbox[-1].subject == "[adoption registry] 2 reminders"
    assert send_reminder_emails() == 0 and len(mail.outbox) == 5
    registration.refresh_from_db()
    assert registration.emailed_at is not None


class DownBackend(locmem.EmailBackend):
    """A mail server that does not answer: each message waits out the timeout, then fails."""

    tried = 0

    def send_messages(self, messages):
        DownBackend.tried += 1
        raise TimeoutError("timed out")


def test_a_mail_server_that_does_not_answer_holds_up_one_run_not_every_message(
    users, district, court, us_post, settings, caplog
):
    """Each message to a server that does not answer waited (without a timeout, for ever: the
    worker's thread held); one that timed out is the server's failure, not the address's, and the
    run stops there instead of waiting again for each person. Everything is sent on the next run
    after the server is back."""
    from django.conf import settings as configured

    assert 0 < configured.EMAIL_TIMEOUT <= 60  # a send never holds a worker for ever
    settings.EMAIL_BACKEND = "tests.consular.test_consular.DownBackend"
    DownBackend.tried = 0
    for role, address in (("guardianship", "district@example.kz"), ("consular", "consul@example.kz")):
        users[role].email = address
        users[role].save()
    adopt_abroad(district, court, in_force_ago=45)
    deadlines.sweep_consular_deadlines()
    assert send_reminder_emails() == 0
    assert DownBackend.tried == 1  # not once a person
    failures = [r for r in caplog.records if r.name == "core.services"]
    assert [(r.getMessage(), r.error) for r in failures] == [
        ("reminder e-mails not sent: the mail server failed", "TimeoutError")
    ]
    assert not Reminder.objects.filter(emailed_at__isnull=False).exists()  # released
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_reminder_emails() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["consul@example.kz", "district@example.kz"]


def test_a_message_that_cannot_be_written_is_logged_as_such_and_stops_no_one_else_s(
    users, district, court, us_post, settings, caplog, monkeypatch
):
    """Writing a message was inside the `try` of sending it: a bug in writing one (here, in one
    language only) was logged as "the mail server failed", and every message after it was held
    back, run after run. Now it is logged as not written, with its trace; the others are sent; and
    it is tried again on the next run, to its reader alone."""
    import core.services

    def broken_in_kazakh(kind: str) -> str:
        if translation.get_language() == "kk":
            raise KeyError("what")  # e.g. a placeholder the translation names otherwise
        return kind_label(kind)

    monkeypatch.setattr(core.services, "kind_label", broken_in_kazakh)
    users["guardianship"].email = "district@example.kz"
    users["guardianship"].save()
    users["consular"].email, users["consular"].language = "consul@example.kz", "kk"  # sorted first
    users["consular"].save()
    adopt_abroad(district, court, in_force_ago=45)
    deadlines.sweep_consular_deadlines()

    assert send_reminder_emails() == 1
    assert [m.to for m in mail.outbox] == [["district@example.kz"]]
    failures = [r for r in caplog.records if r.name == "core.services"]
    assert [(r.levelname, r.getMessage(), r.error) for r in failures] == [
        ("ERROR", "reminder e-mail not written", "KeyError")
    ]
    assert failures[0].exc_info is not None  # the trace, to mend the bug by
    registration = Reminder.objects.get(kind="consular_registration_due")
    assert registration.emailed_at is None and registration.emailed_to == ["district@example.kz"]  # released

    monkeypatch.setattr(core.services, "kind_label", kind_label)  # the bug mended
    assert send_reminder_emails() == 1
    assert [m.to for m in mail.outbox] == [["district@example.kz"], ["consul@example.kz"]]
    assert "\u0431\u0430\u043b\u0430" in mail.outbox[-1].body  # in Kazakh
    assert send_reminder_emails() == 0
