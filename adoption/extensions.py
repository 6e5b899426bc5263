"""What the apps above adoption add to a case's eligibility answer (dependencies point one way:
adoption knows nothing of them). Each registers here when Django starts (its AppConfig.ready):

- `fact_sources`: statements whose rows are loaded in the same pipeline as the case's facts
  (adoption.facts), with functions turning those rows into facts the checks read (the search
  for a family, from `databank`) or into advisory findings that block nothing (the red flags
  of RULES v2 §7b, from `intercountry`);
- `case_pages`: (label, url name[, shown(case, user)]) of pages about a case that live in another
  app (its parties and fees, its departure); the case workspace links to them (where `shown`);
- `prints`: fn(user, case=None, child=None) -> [(label, url)] of the documents the user may
  print from a case or a child adopted abroad (printing); the pages offer them;
- `registration_hooks`: fn(applicant) called in the transaction that records an entry on a
  register of prospective adopters (the databank keeps each family's matching columns);
- `follow_ups`: fn(decision) -> [(date, what)] of the records of the apps above that followed the
  entry into force of its adoption (a consular registration, a departure, a monitoring report):
  once any exists, the day of the entry into force is no longer corrected (`workflow.followed`);
- `applicant_scopes`: fn(user) -> a query of the ids of applicants that a district or a region sees
  beyond those its territory recorded (the databank: the families proposed one of its children, and the
  spouses who accepted with them), read by `adoption.selectors.applicants_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class FactSource:
    # (SQL, fn(case, as_of) -> its parameters, a list or by name): run with the case's own statements,
    # in one round trip
    statements: tuple[tuple[str, Callable[..., list | dict]], ...]
    # fn(case facts, as_of, policy in effect, [rows of each statement]) -> fields of rules.CaseFacts
    # to set before the checks run (the databank's search for a family)
    facts: Callable[..., dict] | None = None
    # fn(case facts, as_of, policy in effect, [rows of each statement]) -> [rules.Finding]
    warnings: Callable[..., list] | None = None


fact_sources: list[FactSource] = []
case_pages: list[tuple] = []
registration_hooks: list[Callable[..., None]] = []
applicant_scopes: list[Callable[..., QuerySet]] = []
prints: list[Callable[..., list]] = []
follow_ups: list[Callable[..., list]] = []


def printable(user, **record) -> list[tuple]:
    return [link for source in prints for link in source(user, **record)]


def pages_of(case, user) -> list[tuple]:
    """(label, url) of the case_pages offered to `user` on `case`."""
    from django.urls import reverse

    return [
        (label, reverse(name, args=[case.pk]))
        for label, name, *shown in case_pages
        if all(s(case, user) for s in shown)
    ]
