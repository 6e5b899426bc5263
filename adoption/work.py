"""The cases' lines of the work queues (core.work), from the definitions the court sweep uses
(deadlines.py): for the district, each open case by what the eligibility engine says of it
(adoption.outlook), and the documents of a case not yet decided whose validity ends; for the court, referrals with no hearing, heard cases with no decision,
decisions awaiting entry into force (the expected date) and civil registrations; for the
ministry, HC93 art. 23 certificates.
Each line names the case's children and applicants."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import cast

from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import work
from core.dates import in_text
from core.models import Policy, Role, User
from core.scoping import territory_q
from registry import sealing

from . import deadlines, rules
from .facts import policy_facts
from .models import (
    BEFORE_DECISION,
    Appeal,
    Applicant,
    CaseApplicant,
    CaseChild,
    CaseDocument,
    CaseDocumentKind,
    CaseStatus,
    ClosedReason,
    Decision,
    Hearing,
    Outlook,
    Referral,
)
from .selectors import applicants_for, cases_for


def case_label(case_id: int, children: str = "") -> str:
    """How a line names a case: by its children's shown names, by number without them."""
    return children or _("Case %(id)s") % {"id": case_id}


def case_names(case_ids) -> dict[int, tuple[str, str]]:
    """case -> (its label: its children's shown names, its applicants' names), in two queries."""
    children: dict[int, list[str]] = {}
    for link in CaseChild.objects.filter(case_id__in=case_ids).select_related("child").order_by("child_id"):
        children.setdefault(link.case_id, []).append(sealing.shown_name(link.child))
    people = applicant_names(case_ids)
    return {pk: (case_label(pk, ", ".join(children.get(pk, []))), people.get(pk, "")) for pk in case_ids}


def applicant_names(case_ids) -> dict[int, str]:
    """case -> its applicants' names, in one query (a prefetch of each case's applicants built a
    queryset a case: half of 200 lines' time)."""
    people: dict[int, list[str]] = {}
    for party in CaseApplicant.objects.filter(case_id__in=case_ids).select_related("applicant").order_by("id"):
        people.setdefault(party.case_id, []).append(party.applicant.name)
    return {pk: ", ".join(names) for pk, names in people.items()}


def _due(due: list[tuple], *, steps: Collection[str] = ()) -> list[work.Due]:
    """(case, due on, kind, title[, detail]) -> the soonest PER_SOURCE lines, in the queue's order;
    those of a kind in `steps` say from when the step can be taken (never late)."""
    return sorted(
        (
            work.Due(due_on, kind, case_id, *rest)._replace(deadline=kind not in steps)
            for case_id, due_on, kind, *rest in due
        ),
        key=lambda line: (line.due_on, line.kind, line.record),
    )[: work.PER_SOURCE]


def case_lines(user: User, shown: list[work.Due]) -> list[work.Item]:
    """The lines shown of the cases in the user's scope, each naming the case's children and
    applicants; a line whose `detail` holds applicants' ids (those whose entries on a register of
    adopters are to be recorded) links each one's page, where it is done (those of the reader's
    scope: `applicants_for`, in one query for all the lines)."""
    names = case_names(set(cases_for(user).filter(pk__in={line.record for line in shown}).values_list("pk", flat=True)))
    ids = {pk for line in shown for pk in line.detail or ()}
    applicants = {a.pk: a.name for a in applicants_for(user).filter(pk__in=ids)} if ids else {}
    return [
        work.Item(
            due_on=line.due_on,
            kind=line.kind,
            title=line.title,
            subject=names[line.record][0],
            people=names[line.record][1],
            url=reverse("web-case", args=[line.record]),
            record=("adoption.case", line.record),
            deadline=line.deadline,
            steps=tuple(
                (applicants[pk], reverse("web-applicant", args=[pk])) for pk in line.detail or () if pk in applicants
            ),
        )
        for line in shown
        if line.record in names
    ]


# an open case's lines say from when a step can be taken: none of them is late
OUTLOOKS = ELIGIBLE, WAITING, BLOCKED = "case_eligible", "case_waiting", "case_blocked"


def district_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    """Each open case of the district by what the engine last said of it (adoption.outlook):
    eligible (it may be referred), waiting for checks that pass by themselves (from the last of
    their days: the end of the three months on the central register, of two weeks of contact),
    or waiting for an action (the checks that block it, named). None of these is a deadline."""
    territory = territory_q(user, district="district")
    if territory is None:
        return []
    # the cases' scope (case_scope_q: the territory) on the outlook's own district, a copy of the
    # case's: its index, in date order, stopping at the soonest (through `cases_for` the planner
    # hashed every open case of the district); the lines shown are named through `cases_for`
    outlooks = Outlook.objects.filter(territory, case__status=CaseStatus.OPEN, due_on__lte=until).order_by(
        "due_on", "case_id"
    )[: work.PER_SOURCE]
    due: list[tuple] = []
    for outlook in outlooks:
        checks = "; ".join(str(rules.CHECK_NAMES.get(code, code)) for code, _day in outlook.blocking)
        if outlook.eligible:
            kind, title = ELIGIBLE, str(_("Eligible: the case may be referred to a court"))
        elif outlook.waiting:
            kind, title = (
                WAITING,
                _("May be referred from this day, once these pass: %(checks)s") % {"checks": checks},
            )
        else:
            kind, title = BLOCKED, _("Not eligible until these are met: %(checks)s") % {"checks": checks}
        if outlook.as_of < on:
            title += " " + _("(as of %(date)s)") % {"date": in_text(outlook.as_of)}
        # the entries that run out by `until`: the district's to renew, or the ministry's; each a
        # sentence after the line's own; the district's own, missing or running out, link to the
        # applicants' pages, where they are recorded
        notes: list[str] = []
        applicants: list[int] = []
        if outlook.district_entries_through and outlook.district_entries_through < until:
            notes.append(
                _("The entries on the registers of adopters hold through %(date)s: record the new ones before.")
                % {"date": in_text(outlook.district_entries_through)}
            )
            applicants = outlook.district_entries_of
        elif outlook.district_entries_through is None and outlook.district_entries_of:
            notes.append(_("An entry on the registers of adopters is missing: record it."))
            applicants = outlook.district_entries_of
        if outlook.ministry_entries_through and outlook.ministry_entries_through < until:
            notes.append(
                _(
                    "The entries the ministry keeps (foreign citizens, citizens living abroad) hold through "
                    "%(date)s: the ministry records the new ones."
                )
                % {"date": in_text(outlook.ministry_entries_through)}
            )
        if outlook.ministry_entries_missing:
            notes.append(_("The ministry records the missing entries of foreign citizens and citizens living abroad."))
        if notes:
            title = ". ".join([title, " ".join(notes)])
        due.append((outlook.case_id, outlook.due_on, kind, title, tuple(applicants)))
    return _due(due, steps=OUTLOOKS)


def document_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    """Documents of the cases not yet decided whose validity for their check ends by `until` (and
    those already expired): a new one must be on file by the referral, the hearing and the decision."""
    territory = territory_q(user, district="district")
    if territory is None:
        return []
    # the cases' scope (case_scope_q: the territory) on the document's copy of its case's district,
    # and of the cases not yet decided, on their index (`document_before_decision`), oldest first;
    # the case's status is the rule, the copy only narrows the read; the lines shown are named
    # through `cases_for`
    documents = CaseDocument.objects.filter(territory, case_decided=False, case__status__in=BEFORE_DECISION)
    expiring = deadlines.documents_expiring(documents, policy_facts(Policy.on(on)), until, shown=work.PER_SOURCE)
    return _due(
        [(case_id, end, "document_expiring", "", (kind, applicant)) for end, case_id, kind, applicant in expiring]
    )


def document_lines(user: User, shown: list[work.Due]) -> list[work.Item]:
    """The documents' lines shown, each titled by the document's kind and its applicant's name."""
    names = {a.pk: a.name for a in Applicant.objects.filter(pk__in={line.detail[1] for line in shown})}
    titled = []
    for line in shown:
        kind, applicant_id = line.detail
        kind = CaseDocumentKind(kind).label
        title = (
            _("Document expiring: %(kind)s (%(name)s)") % {"kind": kind, "name": names[applicant_id]}
            if applicant_id
            else _("Document expiring: %(kind)s") % {"kind": kind}
        )
        titled.append(line._replace(title=title, detail=None))  # named: no applicant's page to link
    return case_lines(user, titled)


# the court's own steps: the law sets no day for them (RULES §6 sets none), so their date says from
# when the step can be taken, and they are never late; the entry into force expected and the civil
# registry's record (MFA art. 77: within 3 days) are deadlines
COURT_STEPS = HEARING_DUE, DECISION_DUE, APPEAL_DUE = "hearing_due", "decision_due", "appeal_due"


def court_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    cases = cases_for(user)
    due = [
        (case_id, referred_on, HEARING_DUE, _("Referred: record the hearing once held"))
        for case_id, referred_on in Referral.objects.filter(
            case__in=cases.filter(status=CaseStatus.REFERRED), on__lte=until
        ).values_list("case_id", "on")
    ]
    last_hearings = (  # heard, no decision yet: the decision, from the last hearing
        Hearing.objects.filter(case__in=cases.filter(status=CaseStatus.HEARD), withdrawn_at__isnull=True)
        .values("case_id")
        .annotate(last=Max("on"))
        .values_list("case_id", "last")
    )
    due += [(case_id, heard_on, DECISION_DUE, _("Heard: record the decision")) for case_id, heard_on in last_hearings]
    decisions = Decision.objects.filter(case__in=cases)
    appealable = Q(case__status=CaseStatus.DECIDED) | Q(
        case__status=CaseStatus.CLOSED, case__closed_reason=ClosedReason.REFUSED
    )
    due += [  # a pending appeal holds the decision (a grant, or a refusal) out of force: its outcome, from its filing
        (case_id, filed_on, APPEAL_DUE, _("Appealed: record the appeal's outcome"))
        for case_id, filed_on in Appeal.objects.filter(
            decision__in=decisions.filter(appealable), outcome="", filed_on__lte=until
        ).values_list("decision__case_id", "filed_on")
    ]
    due += [
        (case_id, expected, deadlines.IN_FORCE_REMINDER, _("Record the entry into force (expected)"))
        for case_id, (_court, expected) in deadlines.awaiting_force(decisions).items()
        if expected <= until
    ]
    late = datetime.timedelta(days=rules.CIVIL_REGISTRATION_DAYS)
    due += [
        (case_id, in_force_on + late, deadlines.CIVIL_REGISTRATION_REMINDER, _("Enter the civil registry's record"))
        for case_id, in_force_on in deadlines.civil_registrations_pending(decisions).values_list(
            "case_id", "in_force_on"
        )
        if in_force_on + late <= until
    ]
    return _due(due, steps=COURT_STEPS)


def ministry_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    days = datetime.timedelta(days=Policy.on(on).hague_certificate_days)
    pending = deadlines.certificates_pending(  # a settled follow-up has none (consular.deadlines.settle_follow_up)
        Decision.objects.filter(case__in=cases_for(user), follow_up_settled=False, in_force_on__lte=until - days)
    )
    return _due(
        [
            (case_id, in_force_on + days, deadlines.HAGUE_CERTIFICATE_REMINDER, _("Issue the HC93 art. 23 certificate"))
            for case_id, in_force_on in pending.order_by("in_force_on", "case_id").values_list(
                "case_id", "in_force_on"
            )[: work.PER_SOURCE]
        ]
    )


ENTRIES_ENDING, ENTRIES_MISSING = "register_entries_ending", "register_entries_missing"


def entries_due(user: User, on: datetime.date, until: datetime.date) -> list[work.Due]:
    """The open cases whose entries on the registers of adopters that the ministry keeps (foreign
    citizens, citizens living abroad: rules.register_keeper) are missing, or run out within the
    queue's days (on the day after their last, as the district's lines of open cases say it), by
    their last day: a new one recorded by then, or the case stops being eligible. A missing one is
    a step to take from the day the engine last said so. The district keeps the others. Each line
    names the applicants whose entries are to be recorded (`case_lines` links them)."""
    territory = territory_q(user, district="district")
    if territory is None:
        return []
    # the cases' scope on the outlook's copy of the case's district; open cases alone have one
    outlooks = Outlook.objects.filter(territory, case__status=CaseStatus.OPEN)
    ending = (
        outlooks.filter(ministry_entries_through__lt=until)
        .order_by("ministry_entries_through", "case_id")
        .values_list("case_id", "ministry_entries_through", "ministry_entries_of")[: work.PER_SOURCE]
    )
    missing = (
        outlooks.filter(ministry_entries_missing=True)
        .order_by("as_of", "case_id")
        .values_list("case_id", "as_of", "ministry_entries_of")
    )
    title = _("The entries on the registers of adopters hold through %(date)s: record the new ones before.")
    return _due(
        [  # `through` is never null here: it is before `until`
            (case_id, through, ENTRIES_ENDING, title % {"date": in_text(cast(datetime.date, through))}, applicants)
            for case_id, through, applicants in ending
        ]
        + [
            (case_id, as_of, ENTRIES_MISSING, _("Not on the register of adopters: record the entry"), applicants)
            for case_id, as_of, applicants in missing[: work.PER_SOURCE]
        ],
        steps=(ENTRIES_MISSING,),
    )


def register() -> None:
    work.sources += [
        work.Source((Role.GUARDIANSHIP,), district_due, case_lines, "cases", gettext_lazy("Open cases")),
        work.Source(
            (Role.GUARDIANSHIP,), document_due, document_lines, "documents", gettext_lazy("Documents expiring")
        ),
        work.Source((Role.COURT,), court_due, case_lines, "cases", gettext_lazy("Cases in court")),
        work.Source(
            (Role.MINISTRY,), ministry_due, case_lines, "certificates", gettext_lazy("HC93 art. 23 certificates")
        ),
        work.Source(
            (Role.MINISTRY,), entries_due, case_lines, "entries", gettext_lazy("Entries on the registers of adopters")
        ),
    ]
