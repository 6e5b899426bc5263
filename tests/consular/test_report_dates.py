"""A monitoring report is on the child's life abroad in the period it covers (¶60; RULES §7). A
report received before its period began is an earlier period's, and one received before the
child left Kazakhstan is not from abroad: both are refused, on the field, and the departure
recorded or corrected afterwards cannot be dated after a report already received. Before, a
report received months before its due date, the day before the child's registration, closed its
period and its reminder."""

import datetime

import pytest

from consular import services
from consular.models import Departure, MonitoringReport
from core.errors import RuleError
from tests.adoption.conftest import adopt_abroad, ago

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _report(child, due_on, received_on):
    return services.record_monitoring_report(actor=None, child=child, due_on=due_on, received_on=received_on)


def _refused(code, child, due_on, received_on):
    with pytest.raises(RuleError) as refusal:
        _report(child, due_on, received_on)
    assert [(e.field, e.code) for e in refusal.value.errors] == [("received_on", code)]
    assert not MonitoringReport.objects.filter(child=child, due_on=due_on).exists()


def _dues(child):
    return [entry["due_on"] for entry in services.schedule_for(child, child.adoption)]


def test_a_report_is_received_in_the_period_it_covers(district, court):
    _case, child = adopt_abroad(district, court, in_force_ago=400)
    first, second = _dues(child)[:2]
    _refused("before_period", child, second, first)  # the day of the first due date: the first period's
    report = _report(child, second, first + DAY)  # the day after: the second period's own
    assert report.received_on == first + DAY
    in_force_on = child.adoption.decision.in_force_on
    _refused("before_in_force", child, first, in_force_on - DAY)
    assert _report(child, first, in_force_on).received_on == in_force_on  # the first period opens with it


def test_a_report_from_abroad_is_received_on_or_after_the_departure(district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=250)
    services.register_child(
        actor=None, child=child, post=us_post, number="US-3", registered_on=ago(240), passport_stamped_on=ago(240)
    )
    services.record_departure(
        actor=None,
        case=case,
        child=child,
        exit_permission_number="EP-3",
        exit_permission_on=ago(235),
        departed_on=ago(230),
        residence_country="US",
    )
    first = _dues(child)[0]
    _refused("before_departure", child, first, ago(231))
    assert _report(child, first, ago(230)).received_on == ago(230)  # the day the child left
    second = _dues(child)[1]
    assert _report(child, second, ago(1)).received_on == ago(1)


def test_a_departure_is_not_dated_after_a_report_already_received(users, district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=250)
    services.register_child(
        actor=None, child=child, post=us_post, number="US-4", registered_on=ago(240), passport_stamped_on=ago(240)
    )
    _report(child, _dues(child)[0], ago(200))
    departure = {
        "actor": None,
        "case": case,
        "child": child,
        "exit_permission_number": "EP-4",
        "exit_permission_on": ago(235),
        "residence_country": "US",
    }
    with pytest.raises(RuleError) as refusal:
        services.record_departure(**departure, departed_on=ago(199))
    assert [(e.field, e.code) for e in refusal.value.errors] == [("departed_on", "after_report")]
    assert not Departure.objects.filter(child=child).exists()
    services.record_departure(**departure, departed_on=ago(200))  # the day of the report

    correction = {**departure, "actor": users["guardianship"], "reason": "the day of the stamp, not of the flight"}
    with pytest.raises(RuleError) as refusal:
        services.correct_departure(**correction, departed_on=ago(199))
    assert [(e.field, e.code) for e in refusal.value.errors] == [("departed_on", "after_report")]
    assert Departure.objects.get(child=child).departed_on == ago(200)
    services.correct_departure(**correction, departed_on=ago(201))
    assert Departure.objects.get(child=child).departed_on == ago(201)
