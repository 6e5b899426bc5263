"""Date arithmetic of RULES.md §5 (Civil Code conventions). The only place these are computed.

- A term of months runs from the day after the event and expires on the same-numbered
  day of the last month, or on that month's last day if it has no such day; the right
  arises on the day after expiry.
- A person reaches age N on the anniversary of the birth date; someone born on
  29 February reaches it on 1 March in non-leap years.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The dates the service reasons about: every date a user or a client types is refused outside them
# (core.forms.DateField, core.api.fields.DateField), so that no term, age or window computed from
# it leaves the calendar (a year 1 "as of" would reach back to year 0).
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
PICKER_BOUNDS = {"min": EARLIEST.isoformat(), "max": LATEST.isoformat()}  # a date input's attributes: the same range


def check_in_range(day: date) -> None:
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("A date from %(earliest)s to %(latest)s."),
            code="date_out_of_range",
            params={"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()},
        )


def today() -> date:
    """Today in the service's time zone (Asia/Almaty)."""
    return timezone.localdate()


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: date, months: int) -> date:
    """The same-numbered day `months` later, clamped to the end of a shorter month."""
    year, month = divmod(day.year * 12 + (day.month - 1) + months, 12)
    if day.day <= 28:  # every month has it
        return date(year, month + 1, day.day)
    last = 29 if month == 1 and calendar.isleap(year) else _MONTH_DAYS[month]
    return date(year, month + 1, min(day.day, last))


def term_expires(event: date, months: int) -> date:
    """The day a term of `months` counted from `event` expires."""
    return add_months(event, months)


def right_arises(event: date, months: int) -> date:
    """The first day on which a right conditioned on a term of `months` after `event` exists."""
    return term_expires(event, months) + timedelta(days=1)


def anniversary(birth: date, year: int) -> date:
    """The birthday in `year`; 29 February falls on 1 March in non-leap years."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return birth.replace(year=year)


def reaches_age_on(birth: date, age: int) -> date:
    """The day a person born on `birth` reaches `age`."""
    return anniversary(birth, birth.year + age)


def age_on(birth: date, on: date) -> int:
    """Full years of age on `on`."""
    years = on.year - birth.year
    return years if on >= anniversary(birth, on.year) else years - 1


ADULTHOOD = 18  # Rights of Children Act art. 1 (¶9(a)): a child is a person under 18


def is_minor(birth: date, on: date) -> bool:
    return on < reaches_age_on(birth, ADULTHOOD)


def latest_birth_of_age(on: date, age: int) -> date:
    """The latest birth date of a person who is `age` or older on `on`: for a query, where
    `birth_date <= latest_birth_of_age(on, age)` is `age_on(birth_date, on) >= age` (29 February
    included: the month's last day of a shorter February is the 28th, and one born on the 29th
    reaches the age on 1 March)."""
    return add_months(on, -12 * age)


def in_text(day: date) -> str:
    """A date inside a sentence the reader is shown: day first in digits in Kazakh and Russian
    (05.03.2026, as the registers write it), ISO 8601 in English (2026-03-05: unambiguous, and
    what an API client has always read)."""
    from django.utils.translation import get_language

    if (get_language() or "en").split("-")[0] in ("ru", "kk"):
        return day.strftime("%d.%m.%Y")
    return day.isoformat()
