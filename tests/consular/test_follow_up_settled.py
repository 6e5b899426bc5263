"""A decision's follow-up before the monitoring reports is settled (Decision.follow_up_settled) only
when nothing of it can fall due: every child departed, none due on a consular register, the HC93
certificate issued. The queues read only the open ones, so a decision settled too early would hide
a step: each step is taken in turn and the decision stays open until the last one."""

import datetime

import pytest
from django.core import mail
from django.utils.formats import date_format

from adoption import deadlines as adoption_deadlines
from adoption import services as adoption_services
from adoption.models import Adoption, Decision
from consular import deadlines as consular_deadlines
from consular import services as consular_services
from consular.deadlines import settle_follow_up
from consular.rules import monitoring_due_dates
from core import work
from core.dates import ADULTHOOD, latest_birth_of_age, reaches_age_on, today
from core.models import Country, Policy, Reminder, User
from core.services import send_reminder_emails
from tests.adoption.conftest import adopt_abroad, ago

pytestmark = pytest.mark.django_db


def settled(case) -> bool:
    settle_follow_up()
    return Decision.objects.get(case=case).follow_up_settled


def kinds(user, on=None) -> set[tuple[str, int]]:
    return {(item.kind, item.record[1]) for item in work.queue(user, on or today()).items if item.record}


def registered_and_departed(case, child, post, n: str) -> None:
    """The child on the post's register, its passport stamped, and its departure recorded."""
    consular_services.register_child(
        actor=None, child=child, post=post, number=f"US-{n}", registered_on=ago(20), passport_stamped_on=ago(19)
    )
    consular_services.record_departure(
        actor=None,
        case=case,
        child=child,
        exit_permission_number=f"EP-{n}",
        exit_permission_on=ago(18),
        departed_on=ago(17),
        residence_country="US",
    )


def test_a_decision_abroad_is_settled_only_after_its_last_step(users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=40)
    assert not settled(case)  # nothing done yet: the registration and the certificate are due
    assert ("hague_certificate_due", case.pk) in kinds(users["ministry"])
    adoption_services.issue_hague_certificate(actor=None, case=case, number="C-1", issued_on=ago(30))
    assert not settled(case)
    assert ("consular_registration_due", child.pk) in kinds(users["guardianship"])
    registration = consular_services.register_child(
        actor=None, child=child, post=us_post, number="US-1", registered_on=ago(20)
    )
    assert not settled(case)  # on the register, the passport not stamped: the departure may yet fall due
    assert not kinds(users["guardianship"])
    consular_services.stamp_passport(actor=None, registration=registration, on=ago(19))
    assert not settled(case)
    assert ("departure_due", child.pk) in kinds(users["guardianship"])
    consular_services.record_departure(
        actor=None,
        case=case,
        child=child,
        exit_permission_number="EP-1",
        exit_permission_on=ago(18),
        departed_on=ago(17),
        residence_country="US",
    )
    assert settled(case)
    assert not {line for line in kinds(users["ministry"]) if line[1] in (case.pk, child.pk)}


def test_a_settled_decision_is_not_read_by_the_queues(users, district, court):
    case, child = adopt_abroad(district, court, in_force_ago=40)
    assert ("consular_registration_due", child.pk) in kinds(users["ministry"])
    Decision.objects.filter(case=case).update(follow_up_settled=True)  # what the index leaves out
    assert ("consular_registration_due", child.pk) not in kinds(users["ministry"])
    assert ("hague_certificate_due", case.pk) not in kinds(users["ministry"])


def test_what_could_reopen_a_step_puts_the_decision_back(users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=40)
    Decision.objects.filter(case=case).update(follow_up_settled=True)
    country = Country.objects.get(code=case.receiving_country)
    country.hague_party_since = ago(400)  # a correction of the Convention's dates: the certificate
    country.save()
    assert not Decision.objects.get(case=case).follow_up_settled
    Decision.objects.filter(case=case).update(follow_up_settled=True)
    child.citizenship = "KZ"  # a correction of the citizenship: the consular register
    child.save(update_fields=["citizenship"])
    assert not Decision.objects.get(case=case).follow_up_settled
    Decision.objects.filter(case=case).update(follow_up_settled=True)
    child.save(update_fields=["last_name"])  # anything else keeps it settled
    assert Decision.objects.get(case=case).follow_up_settled


def test_a_decision_not_in_force_is_never_settled(district, court):
    case, _child = adopt_abroad(district, court, in_force=False)
    assert not settled(case)


def test_a_child_recorded_as_departed_but_never_registered_keeps_it_open(users, district, court):
    case, child = adopt_abroad(district, court, in_force_ago=400)
    adoption_services.issue_hague_certificate(actor=None, case=case, number="C-2", issued_on=ago(390))
    consular_services.record_departure(  # from the paper records: it left, no consular register is known
        actor=None,
        case=case,
        child=child,
        exit_permission_number="",
        exit_permission_on=None,
        departed_on=ago(380),
        residence_country="US",
        historical=True,
    )
    assert not settled(case)
    assert ("consular_registration_due", child.pk) in kinds(users["guardianship"])


def test_the_certificate_alone_keeps_it_open(users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=40)
    registered_and_departed(case, child, us_post, "3")
    assert not settled(case)
    assert ("hague_certificate_due", case.pk) in kinds(users["ministry"])
    adoption_services.issue_hague_certificate(actor=None, case=case, number="C-3", issued_on=ago(5))
    assert settled(case)


def test_beat_settles_on_its_own_schedule(district, court, us_post):
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["follow-up-settled"]
    assert entry["task"] == "consular.settle_follow_up"
    assert entry["schedule"].total_seconds() == settings.SETTLE_EVERY_SECONDS == 3600
    case, child = adopt_abroad(district, court, in_force_ago=40)
    adoption_services.issue_hague_certificate(actor=None, case=case, number="C-4", issued_on=ago(30))
    registered_and_departed(case, child, us_post, "4")
    consular_deadlines.sweep_consular_deadlines()  # the sweeps leave it to the task
    assert not Decision.objects.get(case=case).follow_up_settled
    app.loader.import_default_modules()
    assert app.tasks["consular.settle_follow_up"].apply().get() == 1
    assert Decision.objects.get(case=case).follow_up_settled


def test_the_court_sweep_reminds_of_a_certificate_on_open_decisions_and_again_once_reopened(district, court):
    case, _child = adopt_abroad(district, court, in_force_ago=40)
    Decision.objects.filter(case=case).update(follow_up_settled=True)  # what the sweep's read leaves out
    adoption_deadlines.sweep_court_deadlines()
    assert not Reminder.objects.filter(kind="hague_certificate_due", subject_id=case.pk).exists()
    country = Country.objects.get(code=case.receiving_country)
    country.hague_party_since = ago(400)  # a correction of the Convention's dates reopens it
    country.save()
    adoption_deadlines.sweep_court_deadlines()
    assert Reminder.objects.filter(kind="hague_certificate_due", subject_type="case", subject_id=case.pk).exists()


def test_the_follow_up_of_a_child_ends_at_18(users, district, court, us_post):
    """A person adopted abroad who has turned 18 is due on no consular register, no departure and no
    monitoring report (the imported history of 2003 put a 27-year-old's "Place on the consular register" at the top
    of the district's queue, late since 2003, ahead of every step still to take): the day before
    the 18th birthday the lines are there, on the birthday they are not, and the follow-up settles."""
    case, child = adopt_abroad(district, court, in_force_ago=40)
    adoption_services.issue_hague_certificate(actor=None, case=case, number="C-18", issued_on=ago(30))
    of_age = reaches_age_on(child.birth_date, ADULTHOOD)
    day_before = of_age - datetime.timedelta(days=1)
    registration = ("consular_registration_due", child.pk)
    assert registration in kinds(users["guardianship"], day_before) and registration in kinds(
        users["consular"], day_before
    )
    assert registration not in kinds(users["guardianship"], of_age) | kinds(users["ministry"], of_age)
    report = ("monitoring_report_overdue", child.pk)  # every report since the adoption, none received
    assert report in kinds(users["consular"], day_before) and report not in kinds(users["consular"], of_age)
    reminded = Reminder.objects.filter(subject_type="child", subject_id=str(child.pk))
    consular_deadlines.sweep_consular_deadlines(on=of_age)
    assert not reminded.exists()
    consular_deadlines.recompute_monitoring(Adoption.objects.filter(child=child))  # as a corrected birth date would
    consular_deadlines.sweep_consular_deadlines(on=day_before)
    assert reminded.filter(kind="consular_registration_due").count() == 1
    policy = Policy.on(day_before)
    overdue = [  # six-monthly, then yearly, to 18: each one whose grace period is over
        due
        for due in monitoring_due_dates(case.decision.in_force_on, child.birth_date, policy.monitoring_schedule)
        if due <= consular_deadlines.last_overdue(day_before, policy)
    ]
    assert reminded.filter(kind="monitoring_report_overdue").count() == len(overdue) > 10
    assert not consular_deadlines.settle_follow_up(on=day_before)
    assert reminded.filter(done_at__isnull=True).count() == 1 + len(overdue)  # the day before: a child's, open
    assert consular_deadlines.settle_follow_up(on=of_age) == 1  # nothing is left to do for an adult
    assert not reminded.filter(done_at__isnull=True).exists()  # nor asked of anyone: the reminders are done
    Decision.objects.filter(case=case).update(follow_up_settled=False)

    registration_record = consular_services.register_child(
        actor=None, child=child, post=us_post, number="US-18", registered_on=ago(20), passport_stamped_on=ago(19)
    )
    assert registration_record.passport_stamped_on
    departure = ("departure_due", child.pk)
    assert departure in kinds(users["guardianship"], day_before)
    assert departure not in kinds(users["guardianship"], of_age)
    assert not consular_deadlines.settle_follow_up(on=day_before)
    assert consular_deadlines.settle_follow_up(on=of_age) == 1
    child.birth_date += datetime.timedelta(days=1)  # a correction of the birth date reopens it
    child.save(update_fields=["birth_date"])
    assert not Decision.objects.get(case=case).follow_up_settled


def test_the_adopted_abroad_page_shows_only_the_children_due_on_a_consular_register_when_asked(
    client, users, district, court, us_post
):
    """The page lists every child adopted abroad, 25 a page, the latest first: a post or a district
    looking for the children to place on a consular register turned pages. Asked, it lists only
    those (the queue's definition: `registrations_pending`)."""
    _case, registered = adopt_abroad(district, court, in_force_ago=60, last_name="Ким")
    consular_services.register_child(actor=None, child=registered, post=us_post, number="US-9", registered_on=ago(50))
    _case, waiting = adopt_abroad(district, court, in_force_ago=40, last_name="Ли")
    client.force_login(users["consular"])
    every = client.get("/adopted/").content.decode()
    assert f"/adopted/{registered.pk}/" in every and f"/adopted/{waiting.pk}/" in every
    due = client.get("/adopted/", {"due": "1"}).content.decode()
    assert f"/adopted/{waiting.pk}/" in due and f"/adopted/{registered.pk}/" not in due
    assert 'name="due" value="1" checked' in due


def test_a_registration_that_ended_says_until_when_on_the_adopted_abroad_page(
    client, users, district, court, us_post, gb_post
):
    """The family moved to the United Kingdom: the embassy in Washington's page listed the child's
    registration with it as if it held (number and date), with nothing saying it ended."""
    _case, child = adopt_abroad(district, court, in_force_ago=300)
    first = consular_services.register_child(
        actor=None, child=child, post=us_post, number="US-31", registered_on=ago(280)
    )
    consular_services.transfer_registration(
        actor=None, registration=first, post=gb_post, number="GB-31", registered_on=ago(30)
    )
    client.force_login(users["consular"])
    row = client.get("/adopted/").content.decode().split(f'href="/adopted/{child.pk}/"')[1].split("</tr>")[0]
    assert "US-31" in row and "GB-31" not in row and f"until {date_format(ago(30))}" in row


def test_a_birth_date_corrected_back_to_a_minor_reopens_the_reminders_closed_at_18(users, district, court):
    """A birth date entered wrongly made a child adopted abroad 18 today: the hourly settling closed
    the reminders of its consular registration and of its reports (the follow-up ends at 18). Once
    the date is corrected, those of a step still owed must open again: the sweep makes a reminder
    once per date and would never make them anew, so the child fell out of every queue."""
    from registry.services import update_child

    case, child = adopt_abroad(district, court, in_force_ago=400)
    true_birth = child.birth_date
    consular_deadlines.sweep_consular_deadlines()
    User.objects.filter(pk=users["guardianship"].pk).update(email="district@example.org")
    assert send_reminder_emails() == 1  # the district is told once, as the reminder falls due
    reminded = Reminder.objects.filter(subject_type="child", subject_id=child.pk)
    reports = reminded.filter(kind="monitoring_report_overdue").order_by("due_on")
    assert reminded.filter(kind="consular_registration_due").count() == 1 and reports.count() >= 2
    first_due = datetime.date.fromisoformat(reports[0].detail.split()[3])
    consular_services.record_monitoring_report(actor=None, child=child, due_on=first_due, received_on=today())
    answered = reports[0].pk  # closed by its report: owed no more
    owed = set(reminded.exclude(pk=answered).values_list("pk", flat=True))
    assert reminded.filter(done_at__isnull=True).count() == len(owed)

    def corrected(birth_date):
        child.refresh_from_db()
        update_child(actor=users["guardianship"], child=child, birth_date=birth_date)
        return set(reminded.filter(done_at__isnull=True).values_list("pk", flat=True))

    of_age_today = latest_birth_of_age(today(), ADULTHOOD)
    assert corrected(of_age_today) == owed  # nothing closes them before the settling
    settle_follow_up()
    assert corrected(of_age_today) == set()  # 18 today: an adult, nothing owed
    assert corrected(of_age_today - datetime.timedelta(days=1)) == set()  # 18 yesterday
    assert corrected(of_age_today + datetime.timedelta(days=1)) == owed  # 18 tomorrow: a minor today
    assert ("consular_registration_due", child.pk) in kinds(users["guardianship"])
    mail.outbox.clear()
    assert send_reminder_emails() == 1  # and told again: its earlier e-mail was of a step since closed
    assert f"consular registration due  child #{child.pk}" in mail.outbox[0].body
    settle_follow_up()
    assert corrected(true_birth) == owed  # still open, and the sweep makes none twice
    consular_deadlines.sweep_consular_deadlines()
    assert set(reminded.filter(done_at__isnull=True).values_list("pk", flat=True)) == owed
    assert reminded.get(pk=answered).done_at is not None
