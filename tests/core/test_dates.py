"""RULES §5, pinned: the worked examples, month ends, 29 February, and properties."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.dates import add_months, age_on, is_minor, latest_birth_of_age, reaches_age_on, right_arises, term_expires


@pytest.mark.parametrize(
    "placed, expires, allowed",
    [
        (date(2024, 1, 15), date(2024, 4, 15), date(2024, 4, 16)),  # RULES §5 examples
        (date(2023, 11, 30), date(2024, 2, 29), date(2024, 3, 1)),
        (date(2023, 8, 31), date(2023, 11, 30), date(2023, 12, 1)),
        (date(2022, 11, 30), date(2023, 2, 28), date(2023, 3, 1)),  # non-leap February
        (date(2023, 10, 31), date(2024, 1, 31), date(2024, 2, 1)),  # across a year end
        (date(2024, 2, 29), date(2024, 5, 29), date(2024, 5, 30)),
    ],
)
def test_three_month_term_expiry_and_the_day_the_right_arises(placed, expires, allowed):
    assert term_expires(placed, 3) == expires
    assert right_arises(placed, 3) == allowed


@pytest.mark.parametrize(
    "birth, on, age",
    [
        (date(2014, 6, 10), date(2024, 6, 9), 9),  # the day before the 10th birthday
        (date(2014, 6, 10), date(2024, 6, 10), 10),  # the day of
        (date(2014, 6, 10), date(2024, 6, 11), 10),  # the day after
        (date(2012, 2, 29), date(2022, 2, 28), 9),  # born 29 Feb, non-leap year: not yet
        (date(2012, 2, 29), date(2022, 3, 1), 10),  # ... reaches it on 1 March
        (date(2012, 2, 29), date(2024, 2, 29), 12),  # leap year: on the day
        (date(2012, 2, 29), date(2024, 2, 28), 11),
    ],
)
def test_full_years_of_age(birth, on, age):
    assert age_on(birth, on) == age


def test_a_child_born_on_29_february_comes_of_age_on_1_march_of_a_non_leap_year():
    birth = date(2008, 2, 29)
    assert reaches_age_on(birth, 18) == date(2026, 3, 1)
    assert is_minor(birth, date(2026, 2, 28))
    assert not is_minor(birth, date(2026, 3, 1))


days = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


@given(days, st.integers(min_value=0, max_value=240))
def test_adding_months_lands_in_the_right_month_and_never_after_the_same_day(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    # clamped only when the target month is too short
    if result.day < day.day:
        assert (result + timedelta(days=1)).month != result.month


@given(days, st.integers(min_value=1, max_value=36))
def test_the_right_arises_the_day_after_expiry_and_strictly_after_the_event(day, months):
    assert right_arises(day, months) == term_expires(day, months) + timedelta(days=1)
    assert right_arises(day, months) > day


@given(days, days)
def test_age_is_monotonic_and_changes_only_on_the_anniversary(birth, on):
    if on < birth:
        return
    age = age_on(birth, on)
    assert age >= 0
    assert reaches_age_on(birth, age) <= on
    assert on < reaches_age_on(birth, age + 1)


@given(days, st.integers(min_value=-240, max_value=240))
def test_add_months_is_the_same_day_or_the_month_end(day, months):
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    expected = date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
    assert add_months(day, months) == expected


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31)), st.integers(min_value=-3, max_value=3))
def test_the_latest_birth_of_an_age_is_the_query_of_full_years(on, offset):
    """`birth_date <= latest_birth_of_age(on, 18)` is what `age_on` says, on every day, 29 February too."""
    cutoff = latest_birth_of_age(on, 18)
    for birth in (cutoff + timedelta(days=offset), date(on.year - 18, 2, 28) + timedelta(days=offset)):
        assert (birth <= cutoff) == (age_on(birth, on) >= 18) == (not is_minor(birth, on))


@pytest.mark.parametrize(
    "on,latest",
    [
        (date(2026, 2, 28), date(2008, 2, 28)),  # one born on 29.02.2008 is 18 on 1 March 2026
        (date(2026, 3, 1), date(2008, 3, 1)),
        (date(2028, 2, 29), date(2010, 2, 28)),
    ],
)
def test_the_latest_birth_of_age_18_around_29_february(on, latest):
    assert latest_birth_of_age(on, 18) == latest
