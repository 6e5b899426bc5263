"""The consular sweep reads only what fell due since its last run (Adoption.monitoring_next_due),
and computes an adoption's schedule afresh when the policy or the child's birth date changes."""

import datetime

import pytest

from adoption import services as adoption_services
from adoption.models import Adoption
from consular import deadlines
from core import services as core_services
from core.dates import add_months, today
from core.models import Reminder
from registry import services as registry_services
from tests.adoption.conftest import adopt_abroad

pytestmark = pytest.mark.django_db
GRACE = datetime.timedelta(days=30)


def overdue() -> list[datetime.date]:
    return sorted(Reminder.objects.filter(kind="monitoring_report_overdue").values_list("due_on", flat=True))


def next_due(child) -> datetime.date | None:
    return Adoption.objects.get(child=child).monitoring_next_due


def test_each_report_is_reminded_the_day_after_its_grace_period_once_and_the_sweep_moves_on(district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=500)
    first, second, third = (add_months(case.decision.in_force_on, m) for m in (6, 12, 18))
    assert next_due(child) is None  # not yet computed
    deadlines.sweep_consular_deadlines(on=second + GRACE)  # the day of the second's deadline: not yet overdue
    assert overdue() == [first + GRACE] and next_due(child) == second
    deadlines.sweep_consular_deadlines(on=second + GRACE + datetime.timedelta(days=1))  # the day after
    assert overdue() == [first + GRACE, second + GRACE] and next_due(child) == third
    counts = deadlines.sweep_consular_deadlines(on=second + GRACE + datetime.timedelta(days=2))  # and never again
    assert (
        counts["monitoring_report_overdue"] == 0
        and overdue() == [first + GRACE, second + GRACE]
        and next_due(child) == third
    )


def test_a_new_schedule_in_the_policy_is_applied_to_every_adoption_on_the_next_sweep(district, court, users, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=250)
    deadlines.sweep_consular_deadlines()
    assert overdue() == [add_months(case.decision.in_force_on, 6) + GRACE]
    core_services.update_policy(
        actor=users["ministry"],
        monitoring_schedule={"first_years": 3, "first_every_months": 3, "then_every_months": 12},
    )
    assert next_due(child) is None
    deadlines.sweep_consular_deadlines()
    assert overdue() == sorted({add_months(case.decision.in_force_on, m) + GRACE for m in (3, 6)})


def test_a_corrected_birth_date_gives_the_schedule_of_the_child_s_true_age(district, court, users, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=400)
    first, second = (add_months(case.decision.in_force_on, m) for m in (6, 12))
    true_birth = child.birth_date
    # entered as 18 about 95 days ago, after the first report was due: an adult is asked for no report
    registry_services.update_child(
        actor=users["guardianship"], child=child, birth_date=today() - datetime.timedelta(days=18 * 365 + 100)
    )
    deadlines.sweep_consular_deadlines()
    assert overdue() == [] and next_due(child) == Adoption.NO_REPORT_LEFT
    child.refresh_from_db()
    registry_services.update_child(
        actor=users["guardianship"], child=child, birth_date=true_birth
    )  # corrected: the child is 5
    assert next_due(child) is None
    deadlines.sweep_consular_deadlines()
    assert overdue() == [first + GRACE, second + GRACE]


def test_an_adoption_in_the_country_has_no_report_to_follow(district, court, us_post):
    _, child = adopt_abroad(district, court, in_force_ago=400, country="KZ")
    assert Adoption.objects.get(child=child).decision.case.receiving_country == ""
    deadlines.sweep_consular_deadlines()
    assert next_due(child) == Adoption.NO_REPORT_LEFT and not Reminder.objects.filter(subject_id=child.pk).exists()


def test_an_adoption_decided_before_a_sweep_is_followed_once_it_enters_into_force(district, court, us_post):
    case, child = adopt_abroad(district, court, in_force_ago=250, in_force=False)
    deadlines.sweep_consular_deadlines()
    assert next_due(child) is None and not overdue()  # not in force: nothing to follow yet, nor to skip
    in_force_on = today() - datetime.timedelta(days=250)  # recorded late, dated back
    adoption_services.set_in_force(actor=None, case=case, in_force_on=in_force_on)
    deadlines.sweep_consular_deadlines()
    assert overdue() == [add_months(in_force_on, 6) + GRACE] and next_due(child) == add_months(in_force_on, 12)
