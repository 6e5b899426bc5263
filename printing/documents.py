"""What each printed document says: the kinds, who may print each, and the facts each shows,
read from the same places as the pages (the eligibility engine, the monitoring schedule,
registry.sealing for how a child is named)."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Role
from registry import sealing

from .models import DocumentKind


@dataclass(frozen=True)
class Kind:
    code: str
    template: str
    roles: tuple[str, ...]
    of: str  # "case" or "child": the record it is printed from
    languages: tuple[str, ...] = ()  # printed in these languages, one after the other (default: the reader's)
    # what the record must be for the document to be printed (printing.services refuses it
    # otherwise; the pages offer its button disabled, saying why): ELIGIBLE, REGISTERED, FOLLOWED
    # or nothing
    requires: str = ""


ELIGIBLE = "eligible"  # a case eligible on the date
REGISTERED = "registered"  # a child on a consular register
FOLLOWED = "followed"  # a child whose follow-up abroad goes on (alive, under 18: consular.rules.followed_on)


KINDS = {
    kind.code: kind
    for kind in (
        Kind(
            DocumentKind.ELIGIBILITY,
            "printing/eligibility.html",
            (Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY, Role.COURT),
            "case",
        ),
        Kind(DocumentKind.CONCLUSION, "printing/conclusion.html", (Role.GUARDIANSHIP,), "case", requires=ELIGIBLE),
        Kind(
            DocumentKind.REGISTRATION,
            "printing/registration.html",
            (Role.CONSULAR, Role.MINISTRY),
            "child",
            requires=REGISTERED,
        ),
        Kind(
            DocumentKind.SCHEDULE,
            "printing/schedule.html",
            (Role.CONSULAR, Role.MINISTRY),
            "child",
            languages=("en", "ru"),  # for adoptive parents abroad: their working language and the file's
            requires=FOLLOWED,
        ),
    )
}
CASE_KINDS = tuple(code for code, kind in KINDS.items() if kind.of == "case")
CHILD_KINDS = tuple(code for code, kind in KINDS.items() if kind.of == "child")


def identity(child) -> dict:
    """How a document names a child: as the pages do (a sealed identity never), with the birth
    date only where the pages may show it (a sealed child's, unless the court gave a new one)."""
    hidden = sealing.is_sealed(child) and not sealing.renamed(child)
    return {"id": child.pk, "name": sealing.shown_name(child), "birth_date": None if hidden else child.birth_date}


def links(user, *, case=None, child=None) -> list[tuple[str, str, str]]:
    """(label, url, what it requires) of each document `user` may print from this record (the pages
    offer exactly these; one whose requirement the record does not meet is offered disabled)."""
    from django.urls import reverse

    of, pk = ("case", case.pk) if case is not None else ("child", child.pk)
    return [
        (str(DocumentKind(code).label), reverse(f"web-print-{code}", args=[pk]), kind.requires)
        for code, kind in KINDS.items()
        if kind.of == of and user.role in kind.roles
    ]
