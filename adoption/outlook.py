"""What the eligibility engine says of each open case, kept for the work queue (`Outlook`): a
queue cannot run the engine for every case in a district, and must read in a fixed number of
queries. The answer is recomputed

- when a write touches the case's file, the record of one of its children or of one of its
  applicants (core.audit tells `touched` once the transaction commits: grounds, register
  entries, documents, contacts, an applicant's entry on a register of adopters, ...);
- by the daily sweep (`refresh_stale`), since time alone changes the checks: a document
  expires, a child turns 10, a wait ends.

A case that leaves `open` (referred, withdrawn) loses its outlook: the court's steps are the
court's lines. The case page and the API never read it: they evaluate afresh."""

from __future__ import annotations

import datetime

from django.db.models import F, Q

from core.dates import today
from core.models import Role

from . import rules
from .facts import load_case_facts
from .models import Case, CaseApplicant, CaseChild, CaseStatus, Outlook

SWEEP_BATCH = 2_000  # cases per sweep run, the stalest first (a run each SWEEP_EVERY_SECONDS)


def outlook_of(case: Case, on: datetime.date) -> Outlook:
    """The engine's answer for `case` on `on`, as the queue keeps it."""
    facts = load_case_facts(case, on)
    result = rules.evaluate(facts, on)
    blocking = result.failing()
    dated = [check.satisfiable_on for check in blocking if check.satisfiable_on is not None]
    waiting = bool(blocking) and len(dated) == len(blocking)
    holding = rules.registers_hold_through(facts, on)
    none = rules.Holding(None, ())  # the keeper keeps none of the entries the checks ask for
    district, ministry = (holding.get(keeper, none) for keeper in (Role.GUARDIANSHIP, Role.MINISTRY))
    return Outlook(
        case=case,
        district_id=case.district_id,
        as_of=on,
        eligible=result.eligible,
        blocking=[[check.code, check.satisfiable_on and check.satisfiable_on.isoformat()] for check in blocking],
        due_on=max(dated) if waiting else on,
        waiting=waiting,
        district_entries_through=district.through,
        ministry_entries_through=ministry.through,
        ministry_entries_missing=Role.MINISTRY in holding and ministry.through is None,
        district_entries_of=list(district.applicants),
        ministry_entries_of=list(ministry.applicants),
    )


def refresh(cases, on: datetime.date | None = None) -> int:
    """Recompute the outlook of each open case among `cases` (a queryset); drop those of the
    others. Returns how many were computed."""
    on = on or today()
    ids = list(cases.values_list("pk", flat=True))
    Outlook.objects.filter(case_id__in=ids).exclude(case__status=CaseStatus.OPEN).delete()
    outlooks = [outlook_of(case, on) for case in Case.objects.filter(pk__in=ids, status=CaseStatus.OPEN)]
    Outlook.objects.bulk_create(
        outlooks,
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=[
            "district",
            "as_of",
            "eligible",
            "blocking",
            "due_on",
            "waiting",
            "district_entries_through",
            "ministry_entries_through",
            "ministry_entries_missing",
            "district_entries_of",
            "ministry_entries_of",
        ],
    )
    return len(outlooks)


def touched(files: set[tuple[str, str]]) -> None:
    """core.audit's listener: the open cases whose file, a child's record or an applicant's (an
    entry on a register of adopters) a write touched."""
    ids = {
        label: {int(pk) for kind, pk in files if kind == label and pk.isdigit()}
        for label in ("adoption.case", "registry.child", "adoption.applicant")
    }
    cases = ids["adoption.case"]
    for link, label, field in (
        (CaseChild, "registry.child", "child_id"),
        (CaseApplicant, "adoption.applicant", "applicant_id"),
    ):
        if ids[label]:
            cases |= set(link.objects.filter(**{f"{field}__in": ids[label]}).values_list("case_id", flat=True))
    if cases:
        refresh(Case.objects.filter(pk__in=cases))


def refresh_stale(on: datetime.date | None = None, *, batch: int = SWEEP_BATCH) -> int:
    """The daily sweep: the open cases with no outlook of `on` (none yet, or an older day's), the
    stalest first, at most `batch` of them."""
    on = on or today()
    stale = (
        Case.objects.filter(status=CaseStatus.OPEN)
        .filter(Q(outlook__isnull=True) | Q(outlook__as_of__lt=on))
        .order_by(F("outlook__as_of").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:batch]
    )
    return refresh(Case.objects.filter(pk__in=list(stale)), on)
