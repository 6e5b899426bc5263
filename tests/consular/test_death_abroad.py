"""A child adopted abroad who died (consular.services.record_death): until session 45 the death
could not be recorded at all, and the follow-up asked for ever a consular registration, a stamp, a
departure and a report every six months, then every year, until the child's 18th birthday."""

import datetime
import io

import pytest
from django.core.management import call_command

from adoption.models import Adoption, Decision
from consular import deadlines, rules
from core import work
from core.dates import add_months, today
from core.models import AuditEvent, Policy, Reminder
from registry.models import Child
from tests.adoption.conftest import adopt_abroad, ago
from tests.web.test_pages import login

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def death(client, child, on):
    return client.post(f"/api/v1/adopted-children/{child.pk}/death/", {"died_on": on.isoformat()}, format="json")


def open_reminders(child) -> set[str]:
    return set(
        Reminder.objects.filter(subject_type="child", subject_id=child.pk, done_at__isnull=True).values_list(
            "kind", flat=True
        )
    )


def queue_children(user) -> set[int]:
    return {
        item.record[1] for item in work.queue(user, today()).items if item.record and item.record[0] == "registry.child"
    }


@pytest.mark.parametrize("died_days_after_due, asked", [(-1, False), (0, False), (1, True)])
def test_the_reports_due_from_the_day_of_the_death_are_not_asked(died_days_after_due, asked):
    """The first report is due six months after the entry into force; the child died the day
    before, on the day, or the day after it."""
    schedule = Policy.current().monitoring_schedule
    in_force_on, birth = datetime.date(2024, 1, 31), datetime.date(2020, 5, 5)
    first = add_months(in_force_on, schedule["first_every_months"])
    dues = rules.monitoring_due_dates(in_force_on, birth, schedule, died=first + died_days_after_due * DAY)
    assert dues == ([first] if asked else [])
    assert rules.followed_on(birth, first, first - DAY) and not rules.followed_on(birth, first, first)


def test_the_post_records_the_death_and_the_follow_up_ends(api, users, district, court):
    _case, child = adopt_abroad(district, court, in_force_ago=400)  # two reports due, none received
    deadlines.sweep_consular_deadlines()
    assert open_reminders(child) == {"consular_registration_due", "monitoring_report_overdue"}
    assert child.pk in queue_children(users["consular"])
    post = api(users["consular"])
    in_force_on = Decision.objects.get(adoptions__child=child).in_force_on
    assert in_force_on is not None

    before = death(post, child, in_force_on - DAY)
    assert before.status_code == 400 and before.json()["errors"][0]["code"] == "before_in_force"
    future = death(post, child, today() + DAY)
    assert future.status_code == 400 and future.json()["errors"][0]["field"] == "died_on"
    assert api(users["guardianship"]).post(
        f"/api/v1/adopted-children/{child.pk}/death/", {"died_on": ago(10).isoformat()}, format="json"
    ).status_code in (403, 404)
    assert death(api(users["other_consular"]), child, ago(10)).status_code == 404  # another country's post
    assert Child.objects.get(pk=child.pk).deregistration_reason == "adopted"

    recorded = death(post, child, ago(10))
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["died_on"] == ago(10).isoformat()
    child.refresh_from_db()
    assert (child.deregistration_reason, child.deregistered_on) == ("died", ago(10))
    history = [(e.level, e.reason) for e in child.register_entries.order_by("on", "id")][-2:]
    assert history == [("deregistered", "adopted"), ("deregistered", "died")]
    assert AuditEvent.objects.filter(
        verb="deregister", subject_id=str(child.pk), actor_id=users["consular"].pk
    ).exists()
    assert open_reminders(child) == set()
    assert child.pk not in queue_children(users["consular"])
    deadlines.sweep_consular_deadlines()  # nothing is asked again
    assert open_reminders(child) == set()
    adoption = Adoption.objects.filter(child=child)
    assert not deadlines.registrations_pending(adoption, today()).exists()
    assert not deadlines.followed(adoption, today()).exists() and deadlines.followed(adoption, ago(11)).exists()
    schedule = api(users["consular"]).get("/api/v1/monitoring-reports/", {"child": child.pk}).json()["results"]
    assert schedule and all(datetime.date.fromisoformat(e["due_on"]) < ago(10) for e in schedule)
    out = io.StringIO()
    call_command("check_consistency", stdout=out)  # adopted, then dead: one history, consistent
    assert "consistent" in out.getvalue()
    again = death(post, child, ago(5))
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "already_recorded"


def test_a_report_received_stays_in_the_schedule_after_the_death(api, users, district, court):
    """A report due after the death, received before it was recorded, is still shown (received);
    the schedule asks for nothing else after the death."""
    _case, child = adopt_abroad(district, court, in_force_ago=60)
    post = api(users["consular"])
    in_force_on = Decision.objects.get(adoptions__child=child).in_force_on
    assert in_force_on is not None
    first = add_months(in_force_on, 6)
    received = post.post(
        "/api/v1/monitoring-reports/",
        {"child": child.pk, "due_on": first.isoformat(), "received_on": ago(5).isoformat()},
        format="json",
    )
    assert received.status_code == 201, received.json()
    assert death(post, child, ago(3)).status_code == 201
    schedule = post.get("/api/v1/monitoring-reports/", {"child": child.pk}).json()["results"]
    assert [(e["due_on"], e["status"]) for e in schedule] == [(first.isoformat(), "received")]


def test_nothing_of_the_follow_up_is_dated_after_the_death(api, users, district, court, us_post):
    _case, child = adopt_abroad(district, court, in_force_ago=100)
    post = api(users["consular"])
    registered = post.post(
        "/api/v1/consular-registrations/",
        {"child": child.pk, "post": us_post.pk, "number": "US-1", "registered_on": ago(20).isoformat()},
        format="json",
    )
    assert registered.status_code == 201, registered.json()
    early = death(post, child, ago(21))  # the day before the registration: it was alive then
    assert early.status_code == 400 and early.json()["errors"][0]["code"] == "before_last_step"
    assert death(post, child, ago(20)).status_code == 201  # the day of the registration: accepted
    stamp = post.post(
        f"/api/v1/consular-registrations/{registered.json()['id']}/passport-stamp/",
        {"passport_stamped_on": ago(19).isoformat()},
        format="json",
    )
    assert stamp.status_code == 400 and stamp.json()["errors"][0]["code"] == "after_death"
    late = post.post(  # on the day of the death: a late entry of what happened, kept
        f"/api/v1/consular-registrations/{registered.json()['id']}/passport-stamp/",
        {"passport_stamped_on": ago(20).isoformat()},
        format="json",
    )
    assert late.status_code == 200, late.json()


def test_the_post_sees_and_records_the_death_on_the_childs_page(client, users, district, court):
    _case, child = adopt_abroad(district, court, in_force_ago=60)
    login(client, users["consular"])
    page = client.get(f"/adopted/{child.pk}/").content.decode()
    assert 'id="death"' in page and 'id="register"' in page
    refused = client.post(f"/adopted/{child.pk}/", {"died_on": ago(3).isoformat()})  # not confirmed
    assert refused.status_code == 400 and Child.objects.get(pk=child.pk).deregistration_reason == "adopted"
    done = client.post(f"/adopted/{child.pk}/", {"died_on": ago(3).isoformat(), "confirm": "on"}, follow=True)
    page = done.content.decode()
    assert "its follow-up ended" in page
    assert 'id="death"' not in page and 'id="register"' not in page and 'id="stamp"' not in page
    assert "No report is due." in page  # it died before the first was due
    listed = client.get("/adopted/").content.decode()
    assert "died" in listed.split(f'/adopted/{child.pk}/"')[1].split("</td>")[0]
