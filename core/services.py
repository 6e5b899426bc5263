"""Writes of the foundation: staff accounts, policy, reminders. Each audited."""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .audit import Verb, audited_update, record_write, snapshot
from .batching import batched
from .countries import country_name, is_country
from .dates import today
from .deadlines import detail_text, kind_label
from .errors import ConflictError, FieldError, RuleError, for_roles, raise_errors
from .models import (
    HC93_IN_FORCE_FOR_KZ,
    ROLE_ORGANISATION,
    Agency,
    AgencySuspension,
    Citation,
    ConsularPost,
    Country,
    Court,
    District,
    Policy,
    Region,
    Reminder,
    Role,
    User,
)

log = logging.getLogger(__name__)

ORGANISATION_MODELS: dict[str, type[District | Region | Court | ConsularPost]] = {
    "district": District,
    "region": Region,
    "court": Court,
    "consular_post": ConsularPost,
}
# What the ministry may manage in the admin ("users" in ROLES.md, and the reference data).
MINISTRY_ADMIN_MODELS = ("user", "region", "district", "court", "consularpost")


def generate_password() -> str:
    return secrets.token_urlsafe(12)


@for_roles(Role.MINISTRY)
@transaction.atomic
def create_staff(
    *, actor: User | None, username: str, role: str, org: str | None, password: str | None = None
) -> tuple[User, str]:
    """Create a staff account with its role and organisation; returns (user, password)."""
    if role not in Role.values:
        raise RuleError("role", "unknown_role", _("Unknown role %(role)s.") % {"role": role})
    field = ROLE_ORGANISATION[Role(role)]
    if User.objects.filter(username=username).exists():
        raise ConflictError("username", "exists", _("A user with this username already exists."))
    user = User(username=username, role=role)
    if field:
        if not org:
            raise RuleError("org", "required", _("Role %(role)s needs --org.") % {"role": role})
        model = ORGANISATION_MODELS[field]
        try:
            setattr(user, field, model.objects.get(pk=org))
        except (model.DoesNotExist, ValueError, ValidationError):
            raise RuleError(
                "org", "unknown_organisation", _("No %(kind)s %(org)s.") % {"kind": field, "org": org}
            ) from None
    elif org:
        raise RuleError("org", "not_allowed", _("Role %(role)s has no organisation.") % {"role": role})
    if password:
        try:  # a chosen password meets the same rules as the admin's (AUTH_PASSWORD_VALIDATORS)
            validate_password(password, user)
        except ValidationError as exc:
            raise RuleError("password", "weak_password", " ".join(exc.messages)) from None
    password = password or generate_password()
    user.set_password(password)
    user.is_staff = role == Role.MINISTRY  # the ministry manages users in the admin
    user.full_clean(exclude=["password"])
    user.save()
    if role == Role.MINISTRY:
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label="core", content_type__model__in=MINISTRY_ADMIN_MODELS)
        )
    record_write(actor=actor, verb="create_staff", obj=user, after=snapshot(user, exclude=("password",)))
    return user, password


@for_roles(*Role.values)  # every role; the bootstrap superuser, of none, has the admin's form
@transaction.atomic
def change_own_password(*, actor: User, password: str) -> None:
    """A user's new password, of their own choosing (the caller checked the old one and the
    validators): audited without the hash; the user's API tokens are revoked (core.signals)."""
    actor.set_password(password)
    actor.save(update_fields=["password"])
    record_write(
        actor=actor,
        verb=Verb.CHANGE_OWN_PASSWORD,
        obj=actor,
        before={"password": "(hidden)"},
        after={"password": "(changed)"},
    )


@for_roles(Role.MINISTRY)
@transaction.atomic
def update_policy(*, actor: User, effective_from: datetime.date | None = None, **values) -> Policy:
    """A version of the parameters from `effective_from` (default today; past and future dates
    allowed): the version at that date is changed, or one is inserted there, its other parameters
    copied from the version in effect on that date. Later versions stay as they are (RULES §11.15)."""
    effective_from = effective_from or today()
    Policy.lock()
    base = Policy.on(effective_from)
    kept = ("updated_at", "reminders_aligned")  # not parameters
    before = snapshot(base, exclude=kept) if base.effective_from == effective_from else None
    policy = base
    if base.effective_from != effective_from:
        policy = Policy(**{f.name: getattr(base, f.name) for f in Policy._meta.concrete_fields if f.name != "id"})
        policy.effective_from = effective_from
    for name, value in values.items():
        setattr(policy, name, value)
    try:  # the parameters' bounds (the model's validators), whoever calls
        policy.full_clean(exclude=["effective_from"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise RuleError.many(
            [
                FieldError(field, error.code or "invalid", " ".join(error.messages))
                for field, errors in exc.error_dict.items()
                for error in errors
            ]
        ) from None
    policy.reminders_aligned = False  # its periods may have changed: the beat aligns the reminders
    policy.save()
    record_write(actor=actor, verb="update_policy", obj=policy, before=before, after=snapshot(policy, exclude=kept))
    return policy


@for_roles(Role.MINISTRY)
@transaction.atomic
def update_citation(*, actor: User, citation: Citation, basis: str) -> Citation:
    """Correct the legal basis a check cites (a changed article number is data, not a release)."""
    citation = Citation.objects.select_for_update().get(pk=citation.pk)
    if not basis.strip():
        raise RuleError("basis", "required", _("A citation cannot be empty."))
    audited_update(citation, actor=actor, verb=Verb.UPDATE_CITATION, basis=basis.strip())
    return citation


# --- accredited agencies and countries (RULES v2 §7a; the ministry keeps them) -------------------


def _agency_errors(values: dict, suspensions: list[dict] | None) -> list[FieldError]:
    errors: list[FieldError] = []
    if values.get("country") and not is_country(values["country"]):
        errors.append(FieldError("country", "invalid_country", _("Not an ISO 3166 alpha-2 country code.")))
    start, end = values.get("accredited_from"), values.get("accredited_until")
    if start and end and end < start:
        errors.append(
            FieldError("accredited_until", "before_start", _("An accreditation cannot end before it starts."))
        )
    for index, period in enumerate(suspensions or []):
        if period["to"] < period["from"]:
            errors.append(
                FieldError(f"suspensions[{index}].to", "before_start", _("A suspension cannot end before it starts."))
            )
    return errors


def _set_suspensions(agency: Agency, suspensions: list[dict]) -> None:
    AgencySuspension.objects.filter(agency=agency).delete()
    AgencySuspension.objects.bulk_create(
        [AgencySuspension(agency=agency, start=p["from"], end=p["to"]) for p in suspensions]
    )


def agency_snapshot(agency: Agency) -> dict:
    return {
        **(snapshot(agency) or {}),
        "suspensions": [[s.start.isoformat(), s.end.isoformat()] for s in agency.suspensions.order_by("start")],
    }


@for_roles(Role.MINISTRY)
@transaction.atomic
def create_agency(*, actor: User, suspensions: list[dict] | None = None, **values) -> Agency:
    """An agency on the register of accredited agencies."""
    errors = _agency_errors(values, suspensions)
    if Agency.objects.filter(accreditation_number=values["accreditation_number"]).exists():
        errors.append(
            FieldError("accreditation_number", "taken", _("An agency with this accreditation number is registered."))
        )
    raise_errors(errors)
    agency = Agency.objects.create(**values)
    _set_suspensions(agency, suspensions or [])
    record_write(actor=actor, verb=Verb.CREATE_AGENCY, obj=agency, after=agency_snapshot(agency))
    return agency


@for_roles(Role.MINISTRY)
@transaction.atomic
def update_agency(*, actor: User, agency: Agency, suspensions: list[dict] | None = None, **values) -> Agency:
    """Correct an agency, extend or end its accreditation; `suspensions`, when given, is the whole list."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = agency_snapshot(agency)
    merged = {
        name: values.get(name, getattr(agency, name)) for name in ("country", "accredited_from", "accredited_until")
    }
    errors = _agency_errors(merged, suspensions)
    number = values.get("accreditation_number")
    if number and Agency.objects.filter(accreditation_number=number).exclude(pk=agency.pk).exists():
        errors.append(
            FieldError("accreditation_number", "taken", _("An agency with this accreditation number is registered."))
        )
    raise_errors(errors)
    for name, value in values.items():
        setattr(agency, name, value)
    agency.save()
    if suspensions is not None:
        _set_suspensions(agency, suspensions)
    record_write(actor=actor, verb=Verb.UPDATE_AGENCY, obj=agency, before=before, after=agency_snapshot(agency))
    return agency


@for_roles(Role.MINISTRY)
@transaction.atomic
def update_country(*, actor: User, code: str, **values) -> Country:
    """A country's HC93 status and Central Authority (a country not yet listed is added)."""
    code = code.upper()
    errors: list[FieldError] = []
    if not is_country(code):
        errors.append(FieldError("code", "invalid_country", _("Not an ISO 3166 alpha-2 country code.")))
    since = values.get("hague_party_since")
    if since and since < HC93_IN_FORCE_FOR_KZ:
        errors.append(
            FieldError(
                "hague_party_since",
                "before_kazakhstan",
                _("The Convention entered into force for Kazakhstan on 2010-11-01: not before it with any country."),
            )
        )
    raise_errors(errors)
    country = Country.objects.select_for_update().filter(pk=code).first()
    before = snapshot(country) if country else None
    if country is None:
        country = Country(code=code, name=country_name(code))
    for name, value in values.items():
        setattr(country, name, value)
    country.save()
    record_write(actor=actor, verb=Verb.UPDATE_COUNTRY, obj=country, before=before)
    return country


def create_reminders(reminders: Iterable[Reminder], *, batch: int = 1000) -> Counter:
    """Insert what a sweep found due, a batch at a time (the first sweep over a national
    register finds hundreds of thousands). The unique (kind, subject, due_on) constraint makes
    repeated and concurrent sweeps harmless. Returns how many of each kind were found."""
    counts: Counter[str] = Counter()
    for chunk in batched(reminders, batch):
        Reminder.objects.bulk_create(chunk, ignore_conflicts=True)
        counts.update(reminder.kind for reminder in chunk)
    return counts


@for_roles(Role.GUARDIANSHIP, Role.REGIONAL, Role.MINISTRY, Role.COURT, Role.CONSULAR, scope=("reminder",))
@transaction.atomic
def mark_reminder_done(*, actor: User, reminder: Reminder) -> Reminder:
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.done_at is None:
        audited_update(reminder, actor=actor, verb=Verb.MARK_REMINDER_DONE, done_at=timezone.now(), done_by=actor)
    return reminder


REMINDER_RECIPIENTS = {
    "district": Role.GUARDIANSHIP,
    "region": Role.REGIONAL,
    "court": Role.COURT,
    "consular_post": Role.CONSULAR,
}


def reminder_recipients(reminder: Reminder, known: dict | None = None) -> dict[str, str]:
    """E-mail addresses of the active staff of the organisations a reminder is addressed to, and
    of the ministry's for one addressed to none (the HC93 art. 23 certificate: the ministry is the
    Central Authority), each with the language its message is written in (its user's, or the
    service's default before their first page); `known`: each organisation's, read once for many
    reminders."""
    known = {} if known is None else known
    staff = User.objects.filter(is_active=True).exclude(email="")
    orgs = [(field, role, getattr(reminder, f"{field}_id")) for field, role in REMINDER_RECIPIENTS.items()]
    addressed = [(field, role, org_id) for field, role, org_id in orgs if org_id is not None]
    addresses: dict[str, str] = {}
    for field, role, org_id in addressed or [("ministry", Role.MINISTRY, None)]:
        if (field, org_id) not in known:
            mine = staff.filter(role=role, **({f"{field}_id": org_id} if org_id is not None else {}))
            known[field, org_id] = {
                email: language or settings.LANGUAGE_CODE
                for email, language in mine.order_by("-pk").values_list("email", "language")
            }  # an address two accounts share: the oldest account's language
        addresses |= known[field, org_id]
    return dict(sorted(addresses.items()))


# what a mail server answers about one message (its recipient, its sender, its content): the
# next message may well pass; any other failure is the server's, and so would the next one be
REFUSED_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def send_reminder_emails(*, limit: int = 500) -> int:
    """E-mail the open reminders not sent yet: each person one message listing theirs (a post
    with a child's twelve reports overdue gets one e-mail, not twelve; after a history import,
    not thousands). The reminders are claimed first (locked rows are skipped, then marked sent
    in one transaction), so two workers never send the same one. A message the server refuses (its
    address) stops no other; a server that fails (down, not answering within EMAIL_TIMEOUT) stops
    the run. What was not sent is released for the next run, which sends it only to those not sent
    it yet (`emailed_to`) and claims it after the reminders never tried (one refused address does
    not hold back the rest). A message that cannot be written (a bug, in one language say) is
    logged as such, with its trace, and released as a refused one is: the others are sent. A
    message names each deadline and its record's id, never a person. Returns the messages sent."""
    from django.core.mail import send_mail

    with transaction.atomic():
        claimed = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(emailed_at__isnull=True, done_at__isnull=True)
            .order_by(F("email_failed_at").asc(nulls_first=True), "due_on", "id")[:limit]
        )
        Reminder.objects.filter(pk__in=[reminder.pk for reminder in claimed]).update(emailed_at=timezone.now())
    known: dict = {}
    mine: dict[str, list[Reminder]] = {}
    language: dict[str, str] = {}
    for reminder in claimed:
        for address, in_language in reminder_recipients(reminder, known).items():
            if address not in reminder.emailed_to:
                mine.setdefault(address, []).append(reminder)
                language[address] = in_language
    sent, failed, messages = 0, set[int](), sorted(mine.items())
    for n, (address, reminders) in enumerate(messages):
        try:
            with translation.override(language[address]):
                message = _reminder_message(reminders)
        except Exception as error:  # noqa: BLE001  (ours, a bug: not the server's, and not the others')
            log.exception("reminder e-mail not written", extra={"error": type(error).__name__})
            failed.update(reminder.pk for reminder in reminders)
            continue
        try:
            send_mail(*message, from_email=None, recipient_list=[address])
        except REFUSED_MESSAGE as error:  # this message's fault (its address): the others are sent
            # the error's text carries the address; the reminders' ids are in the next run's claim
            log.error("reminder e-mail not sent", extra={"error": type(error).__name__, "reminders": len(reminders)})
            failed.update(reminder.pk for reminder in reminders)
            continue
        except Exception as error:  # noqa: BLE001  (the server's: down, not answering, refusing us)
            log.error(
                "reminder e-mails not sent: the mail server failed",
                extra={"error": type(error).__name__, "messages": len(messages) - n},
            )
            failed.update(reminder.pk for _address, left in messages[n:] for reminder in left)
            break
        sent += 1
        for reminder in reminders:
            reminder.emailed_to.append(address)
    reached: dict[tuple[str, ...], list[int]] = {}  # the failed, by the addresses each reached
    for reminder in claimed:
        if reminder.pk in failed:
            reached.setdefault(tuple(reminder.emailed_to), []).append(reminder.pk)
    for addresses, pks in reached.items():  # sent again on the next run, to those not reached
        Reminder.objects.filter(pk__in=pks).update(
            emailed_at=None, email_failed_at=timezone.now(), emailed_to=list(addresses)
        )
    return sent


def _reminder_message(reminders: list[Reminder]) -> tuple[str, str]:
    """The subject and the body of an e-mail of `reminders` in the active language: one line each,
    its due date, what it asks, its record by number (never a person's name) and its detail."""
    records = {"child": _("child #%(id)s"), "case": _("case #%(id)s")}  # a reminder's subject_type

    def line(r: Reminder) -> str:
        record = records.get(r.subject_type, f"{r.subject_type} #%(id)s") % {"id": r.subject_id}
        return f"{r.due_on.isoformat()}  {kind_label(r.kind)}  {record}: {detail_text(r.detail)}"

    lines = [line(r) for r in reminders]
    if len(reminders) == 1:
        one = reminders[0]
        subject = _("[adoption registry] %(what)s: due %(date)s") % {
            "what": kind_label(one.kind),
            "date": one.due_on.isoformat(),
        }
    else:
        subject = ngettext(
            "[adoption registry] %(count)d reminder", "[adoption registry] %(count)d reminders", len(reminders)
        ) % {"count": len(reminders)}
    if settings.SITE_URL:
        closing = _("Open your work queue to act on them: %(url)s") % {"url": settings.SITE_URL + reverse("web-work")}
    else:
        closing = _("Open the registry to act on them.")
    return subject, "\n".join([*lines, "", closing])


def close_reminders(
    *,
    kinds: Iterable[str],
    subject_type: str,
    subject_id: int,
    actor: User | None,
    detail: str | None = None,
) -> None:
    """The action the reminders of `kinds` asked for was taken: their open reminders are done, in
    one statement (with `detail`: only the one that says so, e.g. the reminder of one monitoring
    report among the child's)."""
    reminders = Reminder.objects.filter(
        kind__in=list(kinds), subject_type=subject_type, subject_id=subject_id, done_at__isnull=True
    )
    if detail is not None:
        reminders = reminders.filter(detail=detail)
    reminders.update(done_at=timezone.now(), done_by=actor)
