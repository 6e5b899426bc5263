"""The worked example of the README: a US couple's case from the decision to the third
monitoring report, with the reminders it produced. D is the day the decision entered into force."""

import datetime

import pytest

from adoption import deadlines as court_deadlines
from consular import deadlines
from core.dates import add_months
from core.models import Reminder
from tests.adoption.conftest import adopt_abroad

pytestmark = pytest.mark.django_db


def test_worked_example_us_couple_to_the_third_monitoring_report(api, client, users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=600)
    D = case.decision.in_force_on
    day = lambda n: D + datetime.timedelta(days=n)  # noqa: E731
    consul, guardianship = api(users["consular"]), api(users["guardianship"])

    # D+15: the US is a party to the Hague Convention: the art. 23 certificate was due on D+14
    court_deadlines.sweep_court_deadlines(on=day(14))
    assert not Reminder.objects.filter(kind="hague_certificate_due").exists()
    court_deadlines.sweep_court_deadlines(on=day(15))
    assert Reminder.objects.get(kind="hague_certificate_due").due_on == day(14)  # to the ministry

    # D+20: the ministry, as Central Authority, issues it; the consular post will see its number
    certificate = api(users["ministry"]).post(
        f"/api/v1/cases/{case.pk}/hague-certificate/",
        {"number": "KZ-HC23-0417", "issued_on": day(20).isoformat()},
        format="json",
    )
    assert certificate.status_code == 201
    court = Reminder.objects.filter(kind__in=["hague_certificate_due", "civil_registration_due"])
    assert set(court.values_list("kind", flat=True)) == {"hague_certificate_due", "civil_registration_due"}
    consular = Reminder.objects.exclude(pk__in=court.values("pk"))  # what the consular sweeps add

    # D+30: no consular registration yet -> a reminder to the district and to the embassy in Washington
    deadlines.sweep_consular_deadlines(on=day(29))
    assert not consular.exists()
    deadlines.sweep_consular_deadlines(on=day(30))
    reminder = consular.get()
    assert (reminder.kind, reminder.due_on, reminder.district_id, reminder.consular_post_id) == (
        "consular_registration_due",
        day(30),
        district.pk,
        us_post.pk,
    )

    # D+35: the embassy registers the child and stamps the passport; the reminder closes
    registration = consul.post(
        "/api/v1/consular-registrations/",
        {
            "child": child.pk,
            "post": us_post.pk,
            "number": "US-2024-0417",
            "registered_on": day(35).isoformat(),
            "passport_stamped_on": day(35).isoformat(),
        },
        format="json",
    )
    assert registration.status_code == 201
    assert consular.get().done_at is not None

    seen = consul.get(f"/api/v1/adopted-children/{child.pk}/").json()["adoption"]["hague_certificate"]
    assert seen == {"number": "KZ-HC23-0417", "issued_on": day(20).isoformat()}
    client.force_login(users["consular"])
    assert "KZ-HC23-0417" in client.get(f"/adopted/{child.pk}/").content.decode()  # on the post's page too

    # D+40: the child leaves with the exit permission of D+38 and the MFA stamp of D+35 in the passport
    assert (
        guardianship.post(
            f"/api/v1/cases/{case.pk}/departure/",
            {
                "child": child.pk,
                "exit_permission_number": "EP-5521",
                "exit_permission_on": day(38).isoformat(),
                "departed_on": day(40).isoformat(),
                "residence_country": "US",
            },
            format="json",
        ).status_code
        == 201
    )

    first, second, third = (add_months(D, m) for m in (6, 12, 18))

    def receive(due, received):
        response = consul.post(
            "/api/v1/monitoring-reports/",
            {
                "child": child.pk,
                "due_on": due.isoformat(),
                "received_on": received.isoformat(),
                "summary": "living conditions good",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()

    receive(first, first + datetime.timedelta(days=10))
    # the 12-month report does not come: 31 days after its due date the embassy is reminded
    deadlines.sweep_consular_deadlines(on=second + datetime.timedelta(days=30))
    assert Reminder.objects.filter(kind="monitoring_report_overdue").count() == 0
    deadlines.sweep_consular_deadlines(on=second + datetime.timedelta(days=31))
    overdue = Reminder.objects.get(kind="monitoring_report_overdue")
    assert (overdue.due_on, overdue.consular_post_id) == (second + datetime.timedelta(days=30), us_post.pk)
    receive(second, second + datetime.timedelta(days=45))
    receive(third, third + datetime.timedelta(days=5))

    schedule = consul.get("/api/v1/monitoring-reports/", {"child": child.pk}).json()["results"]
    assert [(e["due_on"], e["status"]) for e in schedule[:3]] == [
        (first.isoformat(), "received"),
        (second.isoformat(), "late"),
        (third.isoformat(), "received"),
    ]
    assert sorted(consular.values_list("kind", flat=True)) == [
        "consular_registration_due",
        "monitoring_report_overdue",
    ]
    assert api(users["ministry"]).get("/api/v1/reports/unregistered-children/").json()["total"] == 0
