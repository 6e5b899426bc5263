"""Deadlines of the cases (RULES §4, §6), swept by beat; recomputed from the database, so
idempotent (a reminder is one kind, subject and due date):

- central_wait_ends, to the district: the day a foreign or non-resident case's three months on
  the central register expire (the day the adoption becomes possible);
- decision_in_force_due, to the court: once the expected entry into force (the day after the
  appeal term from the final form, RULES v2 §6) has passed with no in_force_on recorded;
- civil_registration_due, to the court: 3 days after entry into force with no civil registry record;
- hague_certificate_due, to the ministry: the HC93 art. 23 certificate not issued
  `hague_certificate_days` after entry into force of an adoption into a party country.
"""

from __future__ import annotations

import datetime

from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from core.dates import add_months, right_arises, today
from core.deadlines import follows_policy, realign, realign_pairs, reminded, reminded_pairs, reminder_kind
from core.models import Country, Policy, Reminder
from core.services import create_reminders
from registry.models import Level

from . import rules
from .models import CaseChild, CaseDocument, CaseDocumentKind, CaseStatus, Decision, HagueProcedure

CENTRAL_WAIT_REMINDER = reminder_kind("central_wait_ends", _("three months on the central register expired"))
IN_FORCE_REMINDER = reminder_kind("decision_in_force_due", _("record the entry into force"))
CIVIL_REGISTRATION_REMINDER = reminder_kind("civil_registration_due", _("enter the civil registry's record"))
HAGUE_CERTIFICATE_REMINDER = reminder_kind("hague_certificate_due", _("issue the HC93 art. 23 certificate"))


def central_waits(links, until: datetime.date, statuses=(CaseStatus.OPEN, CaseStatus.REFERRED, CaseStatus.HEARD)):
    """case -> (district, the day its three months on the central register end) for the cases of
    `links` (CaseChild) in `statuses` of a foreign or non-resident category, whose wait ends by
    `until`. The case's last child to reach the end of its wait decides; a case with a child not
    on the central register has no such day yet."""
    candidates = links.filter(
        case__status__in=statuses,
        case__category__in=(rules.Category.FOREIGNER, rules.Category.NONRESIDENT_CITIZEN),
        child__register_level=Level.CENTRAL,
        child__level_since__lte=add_months(until, -rules.CENTRAL_WAIT_MONTHS),  # a superset; exact date below
    ).values("case_id")
    every_child = CaseChild.objects.filter(case_id__in=candidates).values_list(
        "case_id", "case__district_id", "child__register_level", "child__level_since"
    )
    ends: dict[int, tuple[str, datetime.date | None]] = {}
    # fetched whole, not through a server-side cursor: PostgreSQL runs no cursor in parallel (4x here)
    for case_id, district_id, level, central_on in every_child:
        _district, latest = ends.get(case_id, (district_id, datetime.date.min))
        if latest is None or level != Level.CENTRAL or central_on is None:
            ends[case_id] = (district_id, None)  # a child not (or no longer) on the central register
            continue
        ends[case_id] = (district_id, max(latest, right_arises(central_on, rules.CENTRAL_WAIT_MONTHS)))
    return {pk: (district, end) for pk, (district, end) in ends.items() if end is not None and end <= until}


def _central_wait_due(links, on: datetime.date) -> list[Reminder]:
    """The reminders that the three months on the central register expired, for the cases of
    `links` whose wait ended by `on` and were not reminded of that day yet."""
    latest = central_waits(links, on)
    already = reminded_pairs(CENTRAL_WAIT_REMINDER, subject_type="case", subject_ids=latest)
    return [
        Reminder(
            kind=CENTRAL_WAIT_REMINDER,
            subject_type="case",
            subject_id=case_id,
            due_on=allowed,
            district_id=district_id,
            detail=gettext_noop("three months on the central register expired"),
        )
        for case_id, (district_id, allowed) in latest.items()
        if (case_id, allowed) not in already
    ]


def remind_central_wait_again(case_ids: list[int], on: datetime.date) -> None:
    """A corrected placement moved the end of the cases' waits on the central register: a reminder
    of another day is closed, one of the day as corrected is opened again or made at once if it is
    due, as the sweep would (`core.deadlines.realign_pairs`)."""
    links = CaseChild.objects.filter(case_id__in=case_ids)
    owed: dict[int, set] = {case_id: set() for case_id in case_ids}
    for case_id, (_district, end) in central_waits(links, datetime.date.max).items():
        owed[case_id] = {end}
    realign_pairs(CENTRAL_WAIT_REMINDER, subject_type="case", owed=owed, on=on)
    create_reminders(_central_wait_due(links, on))


def sweep_court_deadlines(*, on: datetime.date | None = None) -> dict:
    on = on or today()
    due = _central_wait_due(CaseChild.objects.all(), on)
    due += _in_force_due(on) + _civil_registration_due(on) + _hague_certificate_due(on)
    created = create_reminders(due)
    return {
        "central_wait_ends": created[CENTRAL_WAIT_REMINDER],
        "decision_in_force_due": created[IN_FORCE_REMINDER],
        "civil_registration_due": created[CIVIL_REGISTRATION_REMINDER],
        "hague_certificate_due": created[HAGUE_CERTIFICATE_REMINDER],
    }


def certificates_pending(decisions):
    """Granted `decisions` in force for an adoption into a country that was a party to HC93 on that
    day, with no art. 23 certificate yet (live cases)."""
    parties = Country.objects.filter(
        code=OuterRef("case__receiving_country"), hague_party_since__lte=OuterRef("in_force_on")
    )
    # an anti-join, not a left join of the procedures: read in date order (the queue), the decisions
    # are walked by their index and stop at the page, whatever the estimate of the procedures
    issued = HagueProcedure.objects.filter(case_id=OuterRef("case_id"), certificate_issued_on__isnull=False)
    return decisions.filter(
        Exists(parties),
        ~Exists(issued),
        case__status=CaseStatus.IN_FORCE,  # an adoption in force (a grant, or a refusal reversed on appeal)
        in_force_on__isnull=False,
        case__historical=False,
    )


EXPIRING_MARGIN = datetime.timedelta(days=4)  # add_months keeps the month's end: a superset in SQL, exact below


def documents_expiring(documents, policy: rules.PolicyFacts, until: datetime.date, *, shown: int):
    """[(valid through, case id, kind, applicant id)] of `documents` (CaseDocument) whose validity
    for their check (rules.validity_months) ends by `until`, and that no later document of the same
    kind and applicant in the case replaces; the soonest `shown`, in a query per term of validity.
    Each term is read in the order of the issue date (the order of the end of validity)."""
    by_months: dict[int, list[str]] = {}
    for kind in CaseDocumentKind.values:
        months = rules.validity_months(kind, policy)
        if months is not None:
            by_months.setdefault(months, []).append(kind)
    same = Coalesce("applicant_id", 0)
    newer = CaseDocument.objects.annotate(same=same).filter(
        case_id=OuterRef("case_id"),
        kind=OuterRef("kind"),
        same=Coalesce(OuterRef("applicant_id"), 0),
        issued_on__gt=OuterRef("issued_on"),
        withdrawn_at__isnull=True,
    )
    expiring = []
    for months, kinds in sorted(by_months.items()):
        latest = (
            documents.filter(
                kind__in=kinds, withdrawn_at__isnull=True, issued_on__lte=add_months(until, -months) + EXPIRING_MARGIN
            )
            .exclude(Exists(newer))
            .order_by("issued_on", "id")
            .values_list("issued_on", "id", "case_id", "kind", "applicant_id")[:shown]
        )
        expiring += [(rules.valid_through(issued_on, months), pk, *row) for issued_on, pk, *row in latest]
    return [(end, *row) for end, _pk, *row in sorted(expiring)[:shown] if end <= until]


def civil_registrations_pending(decisions):
    """`decisions` of adoptions in force (a grant, or a refusal reversed on appeal) with no civil
    registry record yet (live cases; MFA art. 77)."""
    return decisions.filter(
        case__status=CaseStatus.IN_FORCE,
        in_force_on__isnull=False,
        civil_registered_on__isnull=True,
        case__historical=False,
    )


def owed_civil_registration(on: datetime.date):
    """The cases whose civil registry record is still to enter, each with the day it is due."""
    return civil_registrations_pending(Decision.objects.all()).annotate(
        reminder_subject=F("case_id"),
        reminder_due=ExpressionWrapper(
            F("in_force_on") + datetime.timedelta(days=rules.CIVIL_REGISTRATION_DAYS), output_field=DateField()
        ),
    )


def remind_follow_up_again(case_id: int, on: datetime.date, *, actor=None) -> None:
    """A corrected entry into force moved the days the case's follow-up is due: the reminders of the
    civil registry's record and of the art. 23 certificate of another day are closed, those of the
    day as corrected opened again (`core.deadlines.realign`); the sweep makes those not yet made."""
    realign(CIVIL_REGISTRATION_REMINDER, owed_civil_registration(on), on=on, actor=actor, subject_id=case_id)
    realign(HAGUE_CERTIFICATE_REMINDER, owed_certificate(Policy.on(on), on), on=on, actor=actor, subject_id=case_id)


@follows_policy(HAGUE_CERTIFICATE_REMINDER)
def owed_certificate(policy: Policy, on: datetime.date):
    """The cases whose HC93 certificate is still to issue, each with the day it is due (`follows_policy`)."""
    return certificates_pending(Decision.objects.all()).annotate(
        reminder_subject=F("case_id"),
        reminder_due=ExpressionWrapper(
            F("in_force_on") + datetime.timedelta(days=policy.hague_certificate_days), output_field=DateField()
        ),
    )


def _hague_certificate_due(on: datetime.date) -> list[Reminder]:
    """HC93 art. 23: the ministry's certificate, due `hague_certificate_days` after entry into force
    of an adoption into a country that was a party on that day; the reminder has no organisation:
    the national roles see it (the ministry)."""
    days = datetime.timedelta(days=Policy.on(on).hague_certificate_days)
    decisions = (
        # a settled follow-up has none pending (consular.deadlines.settle_follow_up): the open ones only
        certificates_pending(Decision.objects.filter(in_force_on__lt=on - days, follow_up_settled=False))
        .exclude(
            reminded(
                HAGUE_CERTIFICATE_REMINDER,
                subject_type="case",
                subject=OuterRef("case_id"),
                due_on=ExpressionWrapper(OuterRef("in_force_on") + days, output_field=DateField()),
            )
        )
        .values_list("case_id", "in_force_on")
    )
    return [
        Reminder(
            kind=HAGUE_CERTIFICATE_REMINDER,
            subject_type="case",
            subject_id=case_id,
            due_on=in_force_on + days,
            detail=gettext_noop("issue the certificate of HC93 art. 23"),
        )
        for case_id, in_force_on in decisions  # whole: a cursor would not run in parallel
        if in_force_on is not None
    ]


def awaiting_force(decisions) -> dict[int, tuple[int, datetime.date]]:
    """case -> (court, expected entry into force) of the granted `decisions` with no in_force_on
    whose case waits on it (decided: neither reversed on appeal nor lapsed with its children's
    deaths), not held by an appeal pending (RULES v2 §6: it has no expected day). A refusal closes
    its case at once and nothing waits on its entry into force, so none is asked for. The expected
    date depends on the appeal term in effect on each decision's final form, so it is computed
    here; the decisions waiting are few."""
    waiting = list(
        decisions.filter(in_force_on__isnull=True, outcome=Decision.Outcome.GRANTED, case__status=CaseStatus.DECIDED)
        .exclude(appeal__outcome="")
        .values_list("case_id", "court_id", "decided_on", "final_form_on")
    )
    months: dict[datetime.date, int] = {}  # the appeal term in effect on each final-form date
    expected = {}
    for case_id, court_id, decided_on, final_form_on in waiting:
        final = final_form_on or decided_on
        if final not in months:
            months[final] = Policy.on(final).appeal_period_months
        expected[case_id] = (court_id, rules.expected_in_force_on(final, months[final]))
    return expected


def _in_force_due(on: datetime.date) -> list[Reminder]:
    """Decisions whose expected entry into force (RULES v2 §6) has passed with no in_force_on."""
    expected = awaiting_force(Decision.objects.filter(decided_on__lt=on))
    passed = {case_id: value for case_id, value in expected.items() if value[1] < on}
    already = reminded_pairs(IN_FORCE_REMINDER, subject_type="case", subject_ids=passed)
    return [
        Reminder(
            kind=IN_FORCE_REMINDER,
            subject_type="case",
            subject_id=case_id,
            due_on=due_on,
            court_id=court_id,
            detail=gettext_noop("record the date the decision entered into force"),
        )
        for case_id, (court_id, due_on) in passed.items()
        if (case_id, due_on) not in already
    ]


def _civil_registration_due(on: datetime.date) -> list[Reminder]:
    """MFA art. 77: the civil registry's record is due within 3 days of entry into force."""
    late = datetime.timedelta(days=rules.CIVIL_REGISTRATION_DAYS)
    decisions = (
        civil_registrations_pending(Decision.objects.filter(in_force_on__lt=on - late))
        .exclude(
            reminded(
                CIVIL_REGISTRATION_REMINDER,
                subject_type="case",
                subject=OuterRef("case_id"),
                due_on=ExpressionWrapper(OuterRef("in_force_on") + late, output_field=DateField()),
            )
        )
        .values_list("case_id", "court_id", "in_force_on")
    )
    return [
        Reminder(
            kind=CIVIL_REGISTRATION_REMINDER,
            subject_type="case",
            subject_id=case_id,
            due_on=in_force_on + late,
            court_id=court_id,
            detail=gettext_noop("enter the civil registry's record of the adoption"),
        )
        for case_id, court_id, in_force_on in decisions  # whole: a cursor would not run in parallel
        if in_force_on is not None  # (the filter's in_force_on__lt already says so)
    ]
