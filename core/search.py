"""One search box for every role (issue 20): the children, cases and applicants in the user's scope
by name (any spelling, Cyrillic or Latin), birth registration number, case number or consular
registration number. The apps contribute their finders (`finders`, registered in their
AppConfig.ready), each reading through its own selectors, so scope and secrecy stay theirs: a
sealed identity never matches. Each record named is a read in the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from .audit import note_read
from .models import User

LIMIT = 20  # the first hits of each finder; its list page has the rest
LONGEST = 100  # characters of a query


@dataclass(frozen=True)
class Hit:
    subject: str  # the child's shown name (sealed: "Adopted child #id"), or the case's
    detail: str  # what tells two hits apart: a birth date, a district, a status, the applicants
    url: str  # the record's page
    record: tuple[str, int]  # (audit label, id)


@dataclass(frozen=True)
class Finder:
    roles: tuple[str, ...]
    title: str | Promise  # the section's heading
    find: Callable[[User, str], list[Hit]]  # fn(user, text): at most LIMIT hits, in scope
    more: str = ""  # the list page that takes the same `q`, for the rest


finders: list[Finder] = []


def typed(text: str) -> str:
    """What a search box compares of the text typed: its words, one space apart, at most LONGEST."""
    return " ".join(text.split())[:LONGEST]


def search(user: User, text: str) -> list[tuple[Finder, list[Hit]]]:
    """Each finder of the user's role with its hits for `text` (nothing for an empty text)."""
    text = typed(text)
    if not text:
        return []
    found = [(finder, finder.find(user, text)) for finder in finders if user.role in finder.roles]
    named: dict[str, set[int]] = {}
    for _finder, hits in found:
        for hit in hits:
            named.setdefault(hit.record[0], set()).add(hit.record[1])
    for label, ids in named.items():
        note_read(label=label, ids=sorted(ids), purpose=gettext_noop("search"))  # shown translated
    return found
