"""Monitoring of children adopted abroad (RULES §7, ¶60): the schedule and report status."""

from __future__ import annotations

from datetime import date, timedelta

from core.dates import ADULTHOOD, add_months, is_minor, reaches_age_on

RECEIVED, LATE, MISSING, UPCOMING = "received", "late", "missing", "upcoming"
UNREGISTERED_AFTER_DAYS = 180  # RULES §7: the ministry's unregistered-children safeguard


def followed_on(birth_date: date, died: date | None, on: date) -> bool:
    """Whether the follow-up abroad still asks anything of the child on `on`: it ends at 18, or
    at the child's death (`deadlines.followed` in SQL)."""
    return is_minor(birth_date, on) and (died is None or on < died)


def monitoring_due_dates(
    in_force_on: date, birth_date: date, schedule: dict, *, until: date | None = None, died: date | None = None
) -> list[date]:
    """Due dates of the reports: every `first_every_months` for `first_years` years after
    entry into force, then every `then_every_months`, while the child is under 18 and alive
    (`died`: the reports due from the day of the death on are not asked; with `until`: only those
    on or before it; the dates come in increasing order).

    Each date is counted from `in_force_on` (or from the end of the first period), never
    from the previous due date, so month-end clamping does not drift.
    """
    adulthood = reaches_age_on(birth_date, ADULTHOOD)
    if died is not None:
        adulthood = min(adulthood, died)
    if until is not None:
        adulthood = min(adulthood, until + timedelta(days=1))  # stop after `until`, as at 18
    first_end = add_months(in_force_on, 12 * schedule["first_years"])
    dues, step = [], 1
    while (due := add_months(in_force_on, step * schedule["first_every_months"])) <= first_end and due < adulthood:
        dues.append(due)
        step += 1
    step = 1
    while (due := add_months(first_end, step * schedule["then_every_months"])) < adulthood:
        dues.append(due)
        step += 1
    return dues


def period_opens(due_on: date, dues: list[date], in_force_on: date) -> date:
    """The first day a report due on `due_on` (one of `dues`) can be received: the day after the
    previous due date, or the entry into force for the first. A report received before then
    covers an earlier period."""
    earlier = [due for due in dues if due < due_on]
    return earlier[-1] + timedelta(days=1) if earlier else in_force_on


def report_status(due_on: date, received_on: date | None, on: date, grace_days: int) -> str:
    """received (within the grace period), late (received after it), missing, or upcoming."""
    deadline = due_on + timedelta(days=grace_days)
    if received_on is not None:
        return RECEIVED if received_on <= deadline else LATE
    return MISSING if on > deadline else UPCOMING
