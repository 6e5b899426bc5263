"""A post's monitoring line (consular.work.monitoring_due) reads only the children whose first report
not received the sweep keeps (Adoption.monitoring_first_missing), and gives the same lines as every
followed child's schedule computed in full: before any sweep, after one, after a report received,
and when a version of the policy with another schedule takes effect. A child has one line, on its
first report not received, saying how many are due."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import translation

from adoption.models import Adoption
from consular import deadlines, rules, services
from consular.models import MonitoringReport
from consular.work import monitoring_due
from core import services as core_services
from core import work
from core.dates import add_months, today
from core.models import Policy
from tests.adoption.conftest import adopt_abroad
from tests.conftest import postgres_only

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def every_report(on: datetime.date, until: datetime.date) -> list[tuple[datetime.date, int]]:
    """The oracle: every followed child's schedule in full, each report due by `until` and not
    received (the test's posts follow every adoption abroad)."""
    schedule = Policy.on(on).monitoring_schedule
    received = set(MonitoringReport.objects.values_list("child_id", "due_on"))
    followed = Adoption.objects.filter(decision__in_force_on__isnull=False).values_list(
        "child_id", "decision__in_force_on", "child__birth_date"
    )
    return sorted(
        (due_on, child_id)
        for child_id, start, birth_date in followed
        for due_on in rules.monitoring_due_dates(start, birth_date, schedule, until=until)  # type: ignore[arg-type]  # in force: filtered
        if (child_id, due_on) not in received
    )


def every_line(on: datetime.date, until: datetime.date) -> list[tuple[datetime.date, int, int]]:
    """The oracle's lines: one per child, on its first report due and not received, with how many."""
    reports = every_report(on, until)
    first = {child_id: due_on for due_on, child_id in reversed(reports)}
    return sorted((due_on, child_id, sum(1 for _, c in reports if c == child_id)) for child_id, due_on in first.items())


def in_force_on(child) -> datetime.date:
    day = Adoption.objects.get(child=child).decision.in_force_on
    assert day is not None
    return day


def shown(user, on: datetime.date, until: datetime.date) -> list[tuple[datetime.date, int, int]]:
    return [(line.due_on, line.record, line.detail) for line in monitoring_due(user, on, until)]


def first_missing(child) -> datetime.date | None:
    return Adoption.objects.get(child=child).monitoring_first_missing


@pytest.fixture
def followed(district, court, us_post):
    """Four children adopted into the United States, in force 100 to 1,300 days ago."""
    return [
        adopt_abroad(district, court, in_force_ago=days, birth_days_ago=6 * 365, last_name=name)[1]
        for days, name in ((1300, "Ким"), (700, "Ли"), (400, "Пак"), (100, "Цой"))
    ]


def test_the_sweep_keeps_each_child_s_first_report_not_received_and_a_report_received_has_it_computed_again(
    users, followed
):
    child = followed[2]  # in force 400 days ago: reports due at 6 and 12 months, the third ahead
    first, second, third = (add_months(in_force_on(child), months) for months in (6, 12, 18))
    assert first_missing(child) is None  # not yet computed: the queue computes it
    deadlines.sweep_consular_deadlines()
    assert first_missing(child) == first
    assert Adoption.objects.get(child=child).monitoring_policy == Policy.current()
    services.record_monitoring_report(actor=users["consular"], child=child, due_on=first, received_on=today())
    assert first_missing(child) is None  # to be computed again; meanwhile the queue computes it
    deadlines.sweep_consular_deadlines()
    assert first_missing(child) == second
    services.record_monitoring_report(actor=users["consular"], child=child, due_on=second, received_on=today())
    deadlines.sweep_consular_deadlines()
    assert first_missing(child) == third  # every report due received: the next one, not yet due


def test_the_queue_gives_every_schedule_s_lines_before_and_after_the_sweep_and_after_a_report(
    users, followed, monkeypatch
):
    monkeypatch.setattr(work, "PER_SOURCE", 3)  # fewer than the lines: which children are read matters
    on = today()
    post = users["consular"]
    for until in (on, on + datetime.timedelta(days=30), on + datetime.timedelta(days=400)):
        assert shown(post, on, until) == every_line(on, until)[:3]  # nothing swept yet
    deadlines.sweep_consular_deadlines()
    oldest = followed[0]
    for due_on, child_id in every_report(on, on)[:2]:  # the two soonest: the oldest adoption's first two
        assert child_id == oldest.pk
        services.record_monitoring_report(actor=post, child=oldest, due_on=due_on, received_on=on)
    assert first_missing(oldest) is None  # changed since the sweep: read in full
    for until in (on, on + datetime.timedelta(days=30), on + datetime.timedelta(days=400)):
        assert shown(post, on, until) == every_line(on, until)[:3]
    deadlines.sweep_consular_deadlines()
    for until in (on, on + datetime.timedelta(days=30), on + datetime.timedelta(days=400)):
        assert shown(post, on, until) == every_line(on, until)[:3]
        assert len(shown(post, on, until)) == min(3, len(every_line(on, until)))


def test_a_child_s_first_missing_report_is_in_the_queue_from_the_day_the_horizon_reaches_it(users, followed):
    deadlines.sweep_consular_deadlines()
    child = followed[3]  # in force 100 days ago: its first report is due in about 80 days
    due_on = first_missing(child)
    assert due_on is not None and due_on > today()
    post = users["consular"]
    mine = lambda until: [line for line in shown(post, today(), until) if line[1] == child.pk]  # noqa: E731
    assert mine(due_on - DAY) == []  # the day before
    assert mine(due_on) == [(due_on, child.pk, 1)]  # the day of
    assert mine(due_on + DAY) == [(due_on, child.pk, 1)]  # the day after


def test_a_child_missing_several_reports_has_one_line_on_the_first_saying_how_many(users, followed):
    """The oldest adoption (in force 1,300 days ago, under the default schedule: a report every
    six months for three years, then yearly) misses its first seven reports: one line on the first,
    "7 monitoring reports due", not seven lines that push every other child's down the page."""
    deadlines.sweep_consular_deadlines()
    oldest = followed[0]
    on = today()
    reports = [due_on for due_on, child_id in every_report(on, on) if child_id == oldest.pk]
    assert len(reports) > 1
    lines = [line for line in monitoring_due(users["consular"], on, on) if line.record == oldest.pk]
    assert [(line.due_on, line.detail) for line in lines] == [(reports[0], len(reports))]
    assert lines[0].title == f"{len(reports)} monitoring reports due"
    queue = work.queue(users["consular"], on).items
    items = [
        item
        for item in queue
        if item.kind == deadlines.MONITORING_REMINDER and item.record == ("registry.child", oldest.pk)
    ]
    assert [(item.due_on, item.title) for item in items] == [(reports[0], f"{len(reports)} monitoring reports due")]
    services.record_monitoring_report(actor=users["consular"], child=oldest, due_on=reports[0], received_on=on)
    lines = [line for line in monitoring_due(users["consular"], on, on) if line.record == oldest.pk]
    assert [(line.due_on, line.detail) for line in lines] == [(reports[1], len(reports) - 1)]
    young = followed[3]  # in force 100 days ago: one report ahead, due within the horizon given
    ahead = [line for line in monitoring_due(users["consular"], on, on + 100 * DAY) if line.record == young.pk]
    assert [(line.detail, line.title) for line in ahead] == [(1, "1 monitoring report due")]
    with translation.override("ru"):  # Russian's plural forms: 1, 2-4, 5-20 reports
        said = {line.record: line.title for line in monitoring_due(users["consular"], on, on + 100 * DAY)}
    assert [said[child.pk] for child in followed] == [
        "Ожидается 5 отчётов о положении ребёнка",  # in force 1,300 days ago, the first received
        "Ожидается 4 отчёта о положении ребёнка",
        "Ожидается 2 отчёта о положении ребёнка",
        "Ожидается 1 отчёт о положении ребёнка",
    ]


def test_a_schedule_that_takes_effect_later_is_read_in_full_until_the_sweep_keeps_it(users, followed):
    deadlines.sweep_consular_deadlines()
    tomorrow = today() + DAY
    quarterly = {"first_years": 3, "first_every_months": 3, "then_every_months": 12}
    core_services.update_policy(actor=users["ministry"], effective_from=tomorrow, monitoring_schedule=quarterly)
    deadlines.sweep_consular_deadlines()  # today: the version in effect is still the first
    kept = Adoption.objects.get(child=followed[3])
    assert kept.monitoring_first_missing is not None and kept.monitoring_policy == Policy.on(today())
    # tomorrow the quarterly schedule is in effect: what the sweep kept under the first is not read
    until = tomorrow + datetime.timedelta(days=30)
    assert shown(users["consular"], tomorrow, until) == every_line(tomorrow, until)[: work.PER_SOURCE]
    assert (add_months(in_force_on(followed[3]), 3), followed[3].pk, 1) in shown(users["consular"], tomorrow, until)
    deadlines.sweep_consular_deadlines(on=tomorrow)  # and the sweep keeps it under the new one
    kept.refresh_from_db()
    assert kept.monitoring_policy == Policy.on(tomorrow)
    assert kept.monitoring_first_missing == add_months(in_force_on(followed[3]), 3)
    assert shown(users["consular"], tomorrow, until) == every_line(tomorrow, until)[: work.PER_SOURCE]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_report_received_while_the_sweep_computes_the_child_s_schedule_is_not_overwritten(
    users, district, court, us_post, monkeypatch
):
    """The sweep holds the adoptions it reads: a report recorded meanwhile sets the child's dates
    back to "not computed" once the sweep has committed, so the sweep's date (computed without
    that report) never stands."""
    _, child = adopt_abroad(district, court, in_force_ago=400, birth_days_ago=6 * 365)
    first, second = (add_months(in_force_on(child), months) for months in (6, 12))
    read, go = threading.Event(), threading.Event()
    reminded_pairs = deadlines.reminded_pairs

    def paused(*args, **kwargs):  # the sweep has read the reports of its batch: it waits here
        read.set()
        assert go.wait(10)
        return reminded_pairs(*args, **kwargs)

    monkeypatch.setattr(deadlines, "reminded_pairs", paused)
    errors: list[Exception] = []

    def run(job):
        try:
            job()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    sweep = threading.Thread(target=run, args=(deadlines.sweep_consular_deadlines,))
    sweep.start()
    assert read.wait(10)
    receipt = threading.Thread(
        target=run,
        args=(
            lambda: services.record_monitoring_report(
                actor=users["consular"], child=child, due_on=first, received_on=today()
            ),
        ),
    )
    receipt.start()
    receipt.join(1)
    assert receipt.is_alive()  # it waits for the sweep's hold on the adoption
    go.set()
    sweep.join(10)
    receipt.join(10)
    assert errors == [] and not sweep.is_alive() and not receipt.is_alive()
    assert first_missing(child) is None  # the receipt came after the sweep's date
    monkeypatch.setattr(deadlines, "reminded_pairs", reminded_pairs)
    deadlines.sweep_consular_deadlines()
    assert first_missing(child) == second
