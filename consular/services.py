"""Writes after the decision: consular registration, departure, monitoring reports (RULES §7)."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from pathlib import Path
from typing import TypedDict

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from adoption.models import Adoption, Case, CaseStatus
from core.audit import Verb, audited_correction, audited_update, audited_withdrawal, record_write, snapshot
from core.countries import is_country
from core.dates import in_text, today
from core.deadlines import reopen
from core.errors import (
    ConflictError,
    FieldError,
    Forbidden,
    RuleError,
    for_roles,
    not_future,
    raise_errors,
    reason_errors,
)
from core.models import ConsularPost, Policy, Reminder, Role, User
from core.services import close_reminders
from registry import services as registry_services
from registry.models import Child, death_of

from . import rules
from .deadlines import (
    MONITORING_REMINDER,
    REGISTRATION_REMINDER,
    monitoring_detail,
    owes_registration,
    route_to_post,
)
from .models import ConsularRegistration, Departure, MonitoringReport

log = logging.getLogger(__name__)


def foreign_adoption_of(child: Child) -> Adoption | None:
    """The child's adoption if it is a foreign adoption whose decision is in force, else None."""
    adoption = Adoption.objects.select_related("decision", "decision__case").filter(child=child).first()
    if adoption and adoption.decision.in_force_on and adoption.decision.case.receiving_country:
        return adoption
    return None


def claim_number(post: ConsularPost, number: str) -> None:
    """A post gives each registration number once (409 `number_taken` on the field). The post is
    held until the transaction ends, so that two registrations at the post (of two children, or a
    transfer) never both find a number free and the second fail on the database's constraint."""
    ConsularPost.objects.select_for_update().filter(pk=post.pk).first()
    if ConsularRegistration.objects.filter(post=post, number=number).exists():
        raise ConflictError("number", "number_taken", _("This post already used this registration number."))


def country_of_residence(child: Child, adoption: Adoption) -> str:
    departure = Departure.objects.filter(child=child).first()
    return departure.residence_country if departure else adoption.decision.case.receiving_country


def not_after_death(child: Child, field: str, on: datetime.date | None, errors: list[FieldError]) -> None:
    """A step of the follow-up dated after the child's death is refused (`record_death`); one dated
    before it is a late entry of what happened, and is kept."""
    died = child.died_on
    if died is not None and on is not None and on > died:
        errors.append(
            FieldError(
                field,
                "after_death",
                _("The child died on %(date)s: nothing of its follow-up is dated after that day.")
                % {"date": in_text(died)},
            )
        )


@for_roles(Role.CONSULAR, Role.MINISTRY, scope=("child", "post"))
@transaction.atomic
def register_child(
    *,
    actor: User | None,
    child: Child,
    post: ConsularPost,
    number: str,
    registered_on: datetime.date,
    passport_stamped_on: datetime.date | None = None,
    historical: bool = False,
) -> ConsularRegistration:
    """Place a child adopted abroad on the consular register of the post covering its country (¶60)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    errors: list[FieldError] = []
    not_future("registered_on", registered_on, errors)
    not_future("passport_stamped_on", passport_stamped_on, errors)
    not_after_death(child, "registered_on", registered_on, errors)
    not_after_death(child, "passport_stamped_on", passport_stamped_on, errors)
    if not historical:
        adoption = foreign_adoption_of(child)
        if adoption is None:
            raise RuleError(
                "child",
                "adoption_not_in_force",
                _("The child has no foreign adoption in force: it cannot be placed on a consular register."),
            )
        country = country_of_residence(child, adoption)
        if post.country != country:
            errors.append(
                FieldError(
                    "post",
                    "post_of_another_country",
                    _("The post covers %(post)s; the child lives in %(country)s.")
                    % {"post": post.country, "country": country},
                )
            )
        in_force_on = adoption.decision.in_force_on
        assert in_force_on is not None  # foreign_adoption_of returns adoptions in force
        if registered_on < in_force_on:
            errors.append(
                FieldError(
                    "registered_on",
                    "before_in_force",
                    _("The adoption entered into force on %(date)s.") % {"date": in_text(in_force_on)},
                )
            )
    if passport_stamped_on and passport_stamped_on < registered_on:
        errors.append(
            FieldError(
                "passport_stamped_on",
                "before_registration",
                _("The stamp records the registration: it cannot precede it."),
            )
        )
    raise_errors(errors)
    if ConsularRegistration.objects.filter(child=child, ended_on__isnull=True).exists():
        raise ConflictError(
            "child",
            "already_registered",
            _("The child is already on a consular register; transfer the registration instead."),
        )
    claim_number(post, number)
    registration = ConsularRegistration.objects.create(
        child=child,
        post=post,
        number=number,
        registered_on=registered_on,
        passport_stamped_on=passport_stamped_on,
        historical=historical,
        created_by=actor,
    )
    record_write(actor=actor, verb="register_child_at_consulate", obj=registration, subject=child)
    close_reminders(kinds=[REGISTRATION_REMINDER], subject_type="child", subject_id=child.pk, actor=actor)
    route_to_post(child.pk)
    return registration


@for_roles(Role.CONSULAR, Role.MINISTRY, scope=("registration",))
@transaction.atomic
def transfer_registration(
    *,
    actor: User | None,
    registration: ConsularRegistration,
    post: ConsularPost,
    number: str,
    registered_on: datetime.date,
) -> ConsularRegistration:
    """The family moved: the registration ends at the old post and opens at the new one.
    Recorded by the ministry or by the old post: a post sees only its own registrations (the
    scope checked first), so the new post asks the old one, whose page offers it."""
    old = ConsularRegistration.objects.select_for_update().select_related("post").get(pk=registration.pk)
    if actor is not None and actor.role != Role.MINISTRY and actor.consular_post_id not in (old.post_id, post.pk):
        raise Forbidden(
            "post", "not_your_post", _("Only the ministry or the old or new post may transfer a registration.")
        )
    if old.ended_on is not None:
        raise ConflictError("registration", "already_ended", _("This registration has already ended."))
    errors: list[FieldError] = []
    not_future("registered_on", registered_on, errors)
    not_after_death(old.child, "registered_on", registered_on, errors)
    if registered_on < old.registered_on:
        errors.append(
            FieldError(
                "registered_on", "before_previous_registration", _("The new registration cannot precede the old one.")
            )
        )
    if post.pk == old.post_id:
        errors.append(FieldError("post", "same_post", _("The child is already registered at this post.")))
    raise_errors(errors)
    claim_number(post, number)
    before = snapshot(old)
    old.ended_on = registered_on
    old.save(update_fields=["ended_on"])
    new = ConsularRegistration.objects.create(
        child_id=old.child_id,
        post=post,
        number=number,
        registered_on=registered_on,
        passport_stamped_on=old.passport_stamped_on,
        created_by=actor,
    )
    old.transferred_to = new
    old.save(update_fields=["transferred_to"])
    record_write(actor=actor, verb="transfer_consular_registration", obj=old, before=before, subject=old.child)
    record_write(actor=actor, verb="transfer_consular_registration", obj=new, subject=old.child)
    route_to_post(old.child_id)
    return new


@for_roles(Role.CONSULAR, Role.MINISTRY, scope=("child",))
@transaction.atomic
def withdraw_registration(
    *, actor: User | None, child: Child, registration: ConsularRegistration, reason: str
) -> ConsularRegistration:
    """A registration recorded by mistake (the wrong child, post, number or date), by its post or
    the ministry: it stays in the child's history, marked withdrawn with the reason, and nothing
    else reads it (`ConsularRegistration.objects`); its number is free again at its post. Only the
    child's active registration: one that a transfer ended is withdrawn after the one it was
    transferred to. Withdrawing a transfer's registration makes the one it ended active again;
    otherwise the child is on no consular register, and the reminder its registration closed
    opens again while the child is due on one. A departure already recorded stands."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    locked = (
        ConsularRegistration.with_withdrawn.select_for_update()
        .select_related("post")
        .filter(pk=registration.pk, child=child)
        .first()
    )
    if locked is None:
        raise RuleError("registration", "not_of_child", _("This registration is not one of this child's."))
    if actor is not None and actor.role != Role.MINISTRY and actor.consular_post_id != locked.post_id:
        raise Forbidden(
            "registration", "not_your_post", _("A registration is withdrawn by its post or by the ministry.")
        )
    if locked.withdrawn_at is not None:
        raise ConflictError("registration", "already_withdrawn", _("This registration was already withdrawn."))
    if locked.ended_on is not None:
        raise ConflictError(
            "registration",
            "already_ended",
            _("This registration ended on %(date)s: the registration that followed it is withdrawn first.")
            % {"date": in_text(locked.ended_on)},
        )
    raise_errors(reason_errors(reason, _("Say why the registration is withdrawn (at least 5 characters).")))
    audited_withdrawal(locked, actor=actor, verb=Verb.WITHDRAW_CONSULAR_REGISTRATION, subject=child, reason=reason)
    previous = ConsularRegistration.objects.select_for_update().filter(transferred_to=locked).first()
    if previous is not None:  # the transfer is undone: the registration it ended is active again
        audited_update(
            previous,
            actor=actor,
            verb=Verb.UNDO_CONSULAR_TRANSFER,
            subject=child,
            ended_on=None,
            transferred_to=None,
        )
    elif owes_registration(child.pk, today()):
        reopen(
            Reminder.objects.filter(
                kind=REGISTRATION_REMINDER, subject_type="child", subject_id=child.pk, done_at__isnull=False
            )
        )
    route_to_post(child.pk)
    return locked


@for_roles(Role.CONSULAR, Role.MINISTRY, scope=("registration",))
@transaction.atomic
def stamp_passport(
    *, actor: User | None, registration: ConsularRegistration, on: datetime.date
) -> ConsularRegistration:
    registration = ConsularRegistration.objects.select_for_update().select_related("child").get(pk=registration.pk)
    errors: list[FieldError] = []
    not_future("passport_stamped_on", on, errors)
    not_after_death(registration.child, "passport_stamped_on", on, errors)
    if on < registration.registered_on:
        errors.append(
            FieldError(
                "passport_stamped_on",
                "before_registration",
                _("The stamp records the registration: it cannot precede it."),
            )
        )
    raise_errors(errors)
    audited_update(
        registration, actor=actor, verb=Verb.STAMP_PASSPORT, subject=registration.child, passport_stamped_on=on
    )
    return registration


def departure_recordable(case: Case) -> bool:
    """A departure is recorded for a foreign adoption in force (the page is offered on such a case)."""
    return case.status == CaseStatus.IN_FORCE and bool(case.receiving_country)


class DepartureFacts(TypedDict):
    """What a departure states (recorded or corrected), as `_departure_errors` judges it."""

    exit_permission_number: str
    exit_permission_on: datetime.date | None
    departed_on: datetime.date
    residence_country: str


def _first_report(child: Child) -> MonitoringReport | None:
    """The first report on the child's life abroad that stands: by then the child had left."""
    return MonitoringReport.objects.filter(child=child).order_by("received_on").first()


def _departure_errors(
    case: Case,
    child: Child,
    *,
    exit_permission_number: str,
    exit_permission_on: datetime.date | None,
    departed_on: datetime.date,
    residence_country: str,
    historical: bool,
) -> list[FieldError]:
    """The rules of a departure (¶61; RULES §7), recorded or corrected: the exit permission, a
    country, the dates (never after a report on the child's life abroad), and (but from the paper
    records) a foreign adoption in force and a consular registration with the passport stamp on or
    before the day."""
    errors: list[FieldError] = []
    if not case.child_links.filter(child=child).exists():
        errors.append(FieldError("child", "not_in_case", _("This child is not in the case.")))
    if not exit_permission_number and not historical:
        errors.append(
            FieldError(
                "exit_permission_number",
                "exit_permission_missing",
                _("The exit permission of the internal affairs agencies is missing."),
            )
        )
    if exit_permission_on is None and not historical:
        errors.append(
            FieldError(
                "exit_permission_on", "exit_permission_missing", _("The date of the exit permission is missing.")
            )
        )
    if not is_country(residence_country):
        errors.append(
            FieldError(
                "residence_country",
                "invalid_country",
                _("%(code)s is not an ISO 3166 alpha-2 country code.") % {"code": residence_country},
            )
        )
    not_future("departed_on", departed_on, errors)
    not_future("exit_permission_on", exit_permission_on, errors)
    not_after_death(child, "departed_on", departed_on, errors)
    if exit_permission_on and departed_on < exit_permission_on:
        errors.append(
            FieldError("departed_on", "before_exit_permission", _("The child cannot leave before the exit permission."))
        )
    first_report = _first_report(child)
    if first_report is not None and departed_on > first_report.received_on:
        errors.append(
            FieldError(
                "departed_on",
                "after_report",
                _("A report on the child's life abroad was received on %(date)s: the child had left by then.")
                % {"date": in_text(first_report.received_on)},
            )
        )
    if not historical:
        if not departure_recordable(case):
            raise ConflictError(
                "case", "adoption_not_in_force", _("A departure is recorded for a foreign adoption in force.")
            )
        in_force_on = case.decision.in_force_on
        assert in_force_on is not None  # the case is in force (departure_recordable)
        if departed_on < in_force_on:
            errors.append(
                FieldError(
                    "departed_on",
                    "before_in_force",
                    _("The adoption entered into force on %(date)s.") % {"date": in_text(in_force_on)},
                )
            )
        registrations = ConsularRegistration.objects.filter(child=child, registered_on__lte=departed_on)
        if not registrations.exists():
            errors.append(
                FieldError(
                    "consular_registration",
                    "consular_registration_missing",
                    _(
                        "The child is not on a consular register: the passport must bear that stamp before leaving (¶61)."
                    ),
                )
            )
        elif not registrations.filter(passport_stamped_on__lte=departed_on).exists():
            errors.append(  # RULES v2 §7: ¶61, the passport bears the MFA stamp of the registration
                FieldError(
                    "passport_stamped_on",
                    "passport_stamp_missing",
                    _(
                        "The Ministry of Foreign Affairs' stamp of the consular registration is not in the passport "
                        "(¶61): record it on the registration, dated on or before the departure."
                    ),
                )
            )
    return errors


@for_roles(Role.GUARDIANSHIP, scope=("case", "child"))
@transaction.atomic
def record_departure(
    *,
    actor: User | None,
    case: Case,
    child: Child,
    exit_permission_number: str,
    exit_permission_on: datetime.date | None,
    departed_on: datetime.date,
    residence_country: str,
    historical: bool = False,
) -> Departure:
    """A child leaves only with the exit permission and a consular registration (¶61; RULES §7)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    facts: DepartureFacts = {
        "exit_permission_number": exit_permission_number,
        "exit_permission_on": exit_permission_on,
        "departed_on": departed_on,
        "residence_country": residence_country,
    }
    raise_errors(_departure_errors(case, child, historical=historical, **facts))
    if Departure.objects.filter(child=child).exists():
        raise ConflictError("child", "already_departed", _("The child's departure is already recorded."))
    departure = Departure.objects.create(case=case, child=child, historical=historical, created_by=actor, **facts)
    record_write(actor=actor, verb="record_departure", obj=departure, subject=child)
    route_to_post(child.pk)  # the embassy of the country of residence, while the child is not registered
    return departure


@for_roles(Role.GUARDIANSHIP, scope=("case", "child"))
@transaction.atomic
def correct_departure(
    *,
    actor: User | None,
    case: Case,
    child: Child,
    exit_permission_number: str,
    exit_permission_on: datetime.date | None,
    departed_on: datetime.date,
    residence_country: str,
    reason: str,
) -> Departure:
    """A departure typed wrong (its day, its exit permission, the country of residence) corrected
    with the reason, under the rules it was recorded by (`_departure_errors`; one from the paper
    records keeps theirs). The country of residence chooses the embassy that follows a child on no
    consular register, and the one that registers it: the child's open reminders follow it."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    departure = Departure.objects.select_for_update().filter(case=case, child=child).first()
    if departure is None:
        raise ConflictError("child", "not_departed", _("No departure of this child is recorded in this case."))
    facts: DepartureFacts = {
        "exit_permission_number": exit_permission_number.strip(),
        "exit_permission_on": exit_permission_on,
        "departed_on": departed_on,
        "residence_country": residence_country,
    }
    errors = _departure_errors(case, child, historical=departure.historical, **facts)
    errors += reason_errors(reason, _("Say why the departure is corrected (at least 5 characters)."))
    raise_errors(errors)
    audited_correction(departure, actor=actor, verb=Verb.CORRECT_DEPARTURE, subject=child, why=reason.strip(), **facts)
    route_to_post(child.pk)
    return departure


@for_roles(Role.GUARDIANSHIP, scope=("case", "child"))
@transaction.atomic
def withdraw_departure(*, actor: User | None, case: Case, child: Child, reason: str) -> Departure:
    """A departure recorded by mistake (on the wrong child of the case, or for a child who has not
    left), with the reason: it stays in the child's history, marked withdrawn, and nothing else
    reads it (`Departure.objects`). The child's departure is due again (the district's queue), its
    follow-up reminders go to the post that follows it without one (`route_to_post`), and its right
    departure, if any, is recorded anew. Not while a report on the child's life abroad stands: the
    report says the child left (withdraw it first, if it too was recorded by mistake)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    departure = Departure.objects.select_for_update().filter(case=case, child=child).first()
    if departure is None:
        raise ConflictError("child", "not_departed", _("No departure of this child is recorded in this case."))
    first_report = _first_report(child)
    if first_report is not None:
        raise ConflictError(
            "child",
            "report_received",
            _(
                "A report on the child's life abroad was received on %(date)s: the child had left. Withdraw the "
                "report first if it too was recorded by mistake."
            )
            % {"date": in_text(first_report.received_on)},
        )
    raise_errors(reason_errors(reason, _("Say why the departure is withdrawn (at least 5 characters).")))
    audited_withdrawal(departure, actor=actor, verb=Verb.WITHDRAW_DEPARTURE, subject=child, reason=reason)
    route_to_post(child.pk)
    return departure


def schedule_for(child: Child, adoption: Adoption, *, on: datetime.date | None = None) -> list[dict]:
    """The monitoring schedule with each report's status on `on`."""
    on = on or today()
    in_force_on = adoption.decision.in_force_on
    if in_force_on is None:  # granted, not yet in force: nothing is scheduled
        return []
    received = {r.due_on: r for r in child.monitoring_reports.all()}
    return _schedule(child.pk, child.birth_date, in_force_on, received, Policy.on(on), on, child.died_on)


def _schedule(
    child_id: int,
    birth_date: datetime.date,
    in_force_on: datetime.date,
    received: dict[datetime.date, MonitoringReport],
    policy: Policy,
    on: datetime.date,
    died: datetime.date | None,
) -> list[dict]:
    out = []
    dues = rules.monitoring_due_dates(in_force_on, birth_date, policy.monitoring_schedule, died=died)
    # a report received stays in sight when the schedule no longer asks for it (due after a death)
    for due in sorted({*dues, *received}):
        report = received.get(due)
        out.append(
            {
                "child": child_id,
                "due_on": due,
                "received_on": report.received_on if report else None,
                "status": rules.report_status(
                    due, report.received_on if report else None, on, policy.monitoring_grace_days
                ),
                "report": report.pk if report else None,
                "summary": report.summary if report else "",
            }
        )
    return out


SCHEDULE_BATCH = 2_000  # the most children a page of schedules reads at once


def schedules(
    children: QuerySet[Child], *, after: int = 0, size: int, status: str | None = None, on: datetime.date | None = None
) -> tuple[list[dict], int | None]:
    """The schedules of `children` (adopted abroad, in force) after child `after`, whole children
    in id order, until `size` entries (of `status`, if given) are gathered: the entries, and the
    child to continue after (None: none is left). A page reads only the children it shows (and,
    with a rare status, those it passes over), with one policy: the schedule of a whole country
    is never computed for one page (it took 4 minutes at 1,000,000 children, a query per child)."""
    on = on or today()
    policy = Policy.on(on)
    rows = (
        children.select_related(None)
        .prefetch_related(None)
        .order_by("pk")
        .values_list("pk", "birth_date", "adoption__decision__in_force_on", "deregistration_reason", "deregistered_on")
    )
    found: list[dict] = []
    last, batch_size = after, max(1, size // 8)  # about a dozen entries a child: a first batch fills a page
    while batch := list(rows.filter(pk__gt=last)[:batch_size]):
        received: dict[int, dict[datetime.date, MonitoringReport]] = defaultdict(dict)
        for report in MonitoringReport.objects.filter(child_id__in=[row[0] for row in batch]):
            received[report.child_id][report.due_on] = report
        for child_id, birth_date, in_force_on, reason, deregistered_on in batch:
            assert in_force_on is not None  # children adopted abroad, in force (adopted_children_for)
            died = death_of(reason, deregistered_on)
            entries = _schedule(child_id, birth_date, in_force_on, received[child_id], policy, on, died)
            found += [e for e in entries if status is None or e["status"] == status]
            last = child_id
            if len(found) >= size:
                return found, last if rows.filter(pk__gt=last).exists() else None
        batch_size = min(SCHEDULE_BATCH, batch_size * 4)  # a rare status: read further at once
    return found, None


def active_post(child: Child, adoption: Adoption) -> ConsularPost | None:
    registration = (
        ConsularRegistration.objects.filter(child=child, ended_on__isnull=True).select_related("post").first()
    )
    if registration:
        return registration.post
    return ConsularPost.objects.filter(
        country=country_of_residence(child, adoption), kind=ConsularPost.Kind.EMBASSY
    ).first()


REPORT_FILE_MISSING = gettext_lazy(
    "The file of this report is missing from the storage: it is to be restored from the backup."
)


def report_file(report: MonitoringReport) -> tuple[File, str] | None:
    """A received report's file, open, with the name it is handed out under: the child's number
    and the due date (`monitoring-report-<child>-<due date>.<ext>`), never the name it was uploaded
    with (a scan may be named after the child's birth name). None when the file is missing from
    the storage (logged; `check_consistency` names each such report)."""
    try:
        handle = report.attachment.open("rb")
    except FileNotFoundError:
        log.error("monitoring report file missing", extra={"report": report.pk})
        return None
    extension = Path(report.attachment.name or "").suffix.lower()[:10]
    return handle, f"monitoring-report-{report.child_id}-{report.due_on.isoformat()}{extension}"


def may_record_report(user: User | None, post: ConsularPost | None) -> bool:
    """Whether `user` may record a child's monitoring reports, `post` being the child's
    (`active_post`): the ministry, or that post (the pages offer the form to them alone); None is
    the system."""
    if user is None or user.role == Role.MINISTRY:
        return True
    return user.role == Role.CONSULAR and post is not None and user.consular_post_id == post.pk


def _reporting(actor: User | None, child: Child) -> tuple[Child, Adoption, ConsularPost | None]:
    """The child locked (one change of its reports at a time), its foreign adoption in force and
    its post, once `actor` may record its reports (`may_record_report`)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    adoption = foreign_adoption_of(child)
    if adoption is None:
        raise RuleError("child", "adoption_not_in_force", _("The child has no foreign adoption in force."))
    post = active_post(child, adoption)
    if not may_record_report(actor, post):
        raise Forbidden(
            None, "not_your_post", _("Reports are recorded by the post where the child is registered, or the ministry.")
        )
    return child, adoption, post


@for_roles(Role.CONSULAR, Role.MINISTRY, scope=("child",))
@transaction.atomic
def record_monitoring_report(
    *,
    actor: User | None,
    child: Child,
    due_on: datetime.date,
    received_on: datetime.date,
    summary: str = "",
    attachment=None,
) -> MonitoringReport:
    """The report of the period due on `due_on`, received in that period (`rules.period_opens`) and
    after the child left, when its departure is recorded; its receipt closes the period's reminder."""
    child, adoption, post = _reporting(actor, child)
    in_force_on = adoption.decision.in_force_on
    assert in_force_on is not None  # foreign_adoption_of returns adoptions in force
    errors: list[FieldError] = []
    dues = rules.monitoring_due_dates(
        in_force_on, child.birth_date, Policy.current().monitoring_schedule, died=child.died_on
    )
    if due_on not in dues:
        errors.append(
            FieldError("due_on", "not_scheduled", _("No report is due on this date; see the child's schedule."))
        )
    not_future("received_on", received_on, errors)
    if attachment and attachment.size > settings.MONITORING_REPORT_MAX_BYTES:
        errors.append(
            FieldError(
                "attachment",
                "too_large",
                _("The file is larger than %(limit)s: scan it at a lower resolution.")
                % {"limit": filesizeformat(settings.MONITORING_REPORT_MAX_BYTES)},
            )
        )
    departure = Departure.objects.filter(child=child).first()
    if received_on < in_force_on:
        errors.append(
            FieldError(
                "received_on",
                "before_in_force",
                _("The adoption entered into force on %(date)s.") % {"date": in_text(in_force_on)},
            )
        )
    elif due_on in dues and received_on < (opens := rules.period_opens(due_on, dues, in_force_on)):
        errors.append(
            FieldError(
                "received_on",
                "before_period",
                _("The period of this report began on %(date)s: a report received before then is an earlier period's.")
                % {"date": in_text(opens)},
            )
        )
    elif departure is not None and received_on < departure.departed_on:
        errors.append(
            FieldError(
                "received_on",
                "before_departure",
                _("The child left Kazakhstan on %(date)s: a report on its life abroad is received after that.")
                % {"date": in_text(departure.departed_on)},
            )
        )
    raise_errors(errors)
    if MonitoringReport.objects.filter(child=child, due_on=due_on).exists():
        raise ConflictError("due_on", "already_received", _("The report due on this date was already received."))
    report = MonitoringReport.objects.create(
        child=child,
        due_on=due_on,
        received_on=received_on,
        summary=summary,
        attachment=attachment or "",
        post=post,
        created_by=actor,
    )
    record_write(actor=actor, verb=Verb.RECORD_MONITORING_REPORT, obj=report, subject=child)
    close_reminders(
        kinds=[MONITORING_REMINDER],
        subject_type="child",
        subject_id=child.pk,
        actor=actor,
        detail=monitoring_detail(due_on),
    )
    return report


@for_roles(Role.CONSULAR, Role.MINISTRY, scope=("child",))
@transaction.atomic
def withdraw_monitoring_report(
    *, actor: User | None, child: Child, report: MonitoringReport, reason: str
) -> MonitoringReport:
    """A report recorded by mistake (the wrong period, date, file or child), by those who record
    the child's reports: it stays in the child's history, marked withdrawn with the reason, and
    nothing else reads it (`MonitoringReport.objects`), its file included. Its period is owed
    again: the schedule shows it late or missing, and the reminder its receipt closed opens again
    while the follow-up lasts (the sweep makes it if it was never made). The right report is then
    recorded anew."""
    child, _adoption, _post = _reporting(actor, child)
    locked = MonitoringReport.with_withdrawn.select_for_update().filter(pk=report.pk, child=child).first()
    if locked is None:
        raise RuleError("report", "not_of_child", _("This report is not one of this child's."))
    if locked.withdrawn_at is not None:
        raise ConflictError("report", "already_withdrawn", _("This report was already withdrawn."))
    raise_errors(reason_errors(reason, _("Say why the report is withdrawn (at least 5 characters).")))
    audited_withdrawal(locked, actor=actor, verb=Verb.WITHDRAW_MONITORING_REPORT, subject=child, reason=reason)
    if rules.followed_on(child.birth_date, child.died_on, today()):
        reopen(
            Reminder.objects.filter(
                kind=MONITORING_REMINDER,
                subject_type="child",
                subject_id=child.pk,
                detail=monitoring_detail(locked.due_on),
                done_at__isnull=False,
            )
        )
    return locked


@for_roles(Role.CONSULAR, Role.MINISTRY, scope=("child",))
@transaction.atomic
def record_death(*, actor: User | None, child: Child, died_on: datetime.date) -> Child:
    """A child adopted abroad died, as its post (or the ministry) learnt: the follow-up ends. No
    consular registration, stamp or departure is asked any more, the reports due from the day
    of the death are not asked, and those missed before are not asked either (as at 18); the
    reminders of them are done. The death is a deregistration of the child's record, after its
    adoption's (`registry.services.record_death_after_adoption`)."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    adoption = foreign_adoption_of(child)
    if adoption is None:
        raise RuleError("child", "adoption_not_in_force", _("The child has no foreign adoption in force."))
    if not may_record_report(actor, active_post(child, adoption)):
        raise Forbidden(
            None, "not_your_post", _("A death is recorded by the post where the child is registered, or the ministry.")
        )
    died = child.died_on
    if died is not None:
        raise ConflictError(
            "died_on",
            "already_recorded",
            _("The child's death on %(date)s is already recorded.") % {"date": in_text(died)},
        )
    in_force_on = adoption.decision.in_force_on
    assert in_force_on is not None  # foreign_adoption_of returns adoptions in force
    errors: list[FieldError] = []
    not_future("died_on", died_on, errors)
    if died_on < in_force_on:
        errors.append(
            FieldError(
                "died_on",
                "before_in_force",
                _("The adoption entered into force on %(date)s: the follow-up abroad begins then.")
                % {"date": in_text(in_force_on)},
            )
        )
    registrations = ConsularRegistration.objects.filter(child=child)
    steps = [
        *registrations.values_list("registered_on", flat=True),
        *registrations.values_list("passport_stamped_on", flat=True),
        *Departure.objects.filter(child=child).values_list("departed_on", flat=True),
    ]
    alive_on = max((on for on in steps if on is not None), default=None)
    if alive_on is not None and died_on < alive_on:
        errors.append(
            FieldError(
                "died_on",
                "before_last_step",
                _("The follow-up records the child alive on %(date)s (its consular registration or departure).")
                % {"date": in_text(alive_on)},
            )
        )
    raise_errors(errors)
    registry_services.record_death_after_adoption(actor=actor, child=child, on=died_on)
    close_reminders(
        kinds=[REGISTRATION_REMINDER, MONITORING_REMINDER], subject_type="child", subject_id=child.pk, actor=actor
    )
    child.refresh_from_db()
    return child
