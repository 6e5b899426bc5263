"""A record's number read from a request: the one check every path that turns text into an id or
a version uses, so that no path answers 500 to what is not one."""

from __future__ import annotations

BIGGEST = 2**63 - 1  # PostgreSQL's bigint: a larger number is no record's


def whole_number(text: str) -> int | None:
    """The whole number `text` writes in decimal digits, if a bigint holds it; else None.
    isdecimal, not isdigit: "²".isdigit() is true and int("²") fails; the length first, as
    int() refuses a text of more than 4,300 digits."""
    return int(text) if len(text) <= 19 and text.isdecimal() and int(text) <= BIGGEST else None
