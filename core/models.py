"""The foundation every app stands on: organisations, staff, policy, audit, reminders.

Organisations (regions, districts, courts, consular posts) live here rather than
in `registry` because every user belongs to one, and every app scopes by them.
"""

from __future__ import annotations

import datetime
import functools
import operator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator, slug_re
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .dates import today


def one_of(field: str, choices, *, name: str, blank: bool = False, null: bool = False) -> models.CheckConstraint:
    """A database constraint refusing a value of `field` outside `choices` (RULES §8: an unknown
    code is never stored, whoever writes: a service, an import, a migration, SQL)."""
    allowed = models.Q(**{f"{field}__in": [value for value, _label in choices] + ([""] if blank else [])})
    if null:
        allowed |= models.Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=allowed, name=name)


class Withdrawable(models.Model):
    """A record entered by mistake is withdrawn, never deleted: it stays in the file, marked, with
    the reason, and no check reads it (adoption.services.withdraw_*, registry.services.withdraw_ground)."""

    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True, db_default="")

    class Meta:
        abstract = True

    def as_recorded(self, text: str, *, reason: bool = True) -> str:
        """`text`, what the child's history says of this record, marked when it was withdrawn, with
        the reason typed then; without it where the `reason` is not shown (a sealed child's
        registry records: typed before the adoption, it may name the child by its birth name)."""
        if self.withdrawn_at is None:
            return text
        if not reason:
            return gettext("%(event)s (withdrawn)") % {"event": text}
        return gettext("%(event)s (withdrawn: %(reason)s)") % {"event": text, "reason": self.withdrawn_reason}


class Standing(models.Manager):
    """The default manager of a `Withdrawable` model: the records that stand. One withdrawn
    (recorded by mistake) is read by no check, schedule, queue, sweep, report, search, page or
    file route, only where the child's history is shown (the model's `with_withdrawn`). No query
    reaches these records across a relation (`child__...`), which would not pass through this
    manager: tests/test_layering.py holds it."""

    def get_queryset(self):
        return super().get_queryset().filter(withdrawn_at__isnull=True)


class Named(models.Model):
    """Reference data named in the reader's language: the English name (`NAMED`), and `names`
    {"ru": ..., "kk": ...} beside it (core.reference); a language without one reads the English."""

    NAMED = "name"
    names = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def shown_name(self) -> str:
        return self.names.get(get_language() or "", "") or getattr(self, self.NAMED)


class Region(Named):
    """An oblast or a city of republican significance (ISO 3166-2:KZ code)."""

    code = models.CharField(max_length=16, primary_key=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.shown_name


class District(Named):
    """A district or city: the territory of one guardianship agency."""

    code = models.CharField(max_length=24, primary_key=True)
    name = models.CharField(max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts")

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.shown_name} ({self.region_id})"


class Court(Named):
    name = models.CharField(max_length=200)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="courts")

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.shown_name


class ConsularPost(Named):
    """An embassy or consulate of Kazakhstan; it covers one country (¶60); `names`: its city's."""

    NAMED = "city"

    class Kind(models.TextChoices):
        EMBASSY = "embassy", _("embassy")
        CONSULATE = "consulate", _("consulate")

    country = models.CharField(max_length=2, db_index=True)
    city = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["country", "kind", "id"]
        constraints = [
            # `consular_post_country` in imports picks *the* embassy of a country.
            models.UniqueConstraint(
                fields=["country"], condition=models.Q(kind="embassy"), name="one_embassy_per_country"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.shown_name} ({self.country})"


HC93_IN_FORCE_FOR_KZ = datetime.date(2010, 11, 1)  # the Hague Convention of 1993, for Kazakhstan


class Country(models.Model):
    """A country's status under the Hague Convention of 1993 (RULES v2 §7a): reference data the
    ministry keeps. `hague_party_since`: the day the Convention entered into force between that
    country and Kazakhstan (never before 2010-11-01); null: not a party."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=120)
    hague_party_since = models.DateField(null=True, blank=True)
    central_authority = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "countries"

    def __str__(self):
        return f"{self.name} ({self.code})"

    def hague_party_on(self, day) -> bool:
        return self.hague_party_since is not None and self.hague_party_since <= day


class Agency(models.Model):
    """An agency on the register of accredited agencies (CMF art. 1; RULES v2 §7a)."""

    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    accreditation_number = models.CharField(max_length=64, unique=True)
    accredited_from = models.DateField()
    accredited_until = models.DateField()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accredited_until__gte=models.F("accredited_from")), name="accreditation_period"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.country}, {self.accreditation_number})"


class AgencySuspension(models.Model):
    """A period the agency's accreditation was suspended, both ends inclusive (RULES §11.7)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="suspensions")
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="suspension_period")]

    def __str__(self):
        return f"suspended {self.start} to {self.end}"


class Role(models.TextChoices):
    GUARDIANSHIP = "guardianship", _("guardianship agency")
    REGIONAL = "regional", _("regional education department")
    MINISTRY = "ministry", _("ministry")
    COURT = "court", _("court")
    CONSULAR = "consular", _("consular post")
    AUDITOR = "auditor", _("procurator (auditor)")


# Which organisation field each role requires; the others must be empty.
ROLE_ORGANISATION = {
    Role.GUARDIANSHIP: "district",
    Role.REGIONAL: "region",
    Role.COURT: "court",
    Role.CONSULAR: "consular_post",
    Role.MINISTRY: None,
    Role.AUDITOR: None,
}
ORGANISATION_FIELDS = ("district", "region", "court", "consular_post")


def _holds_its_organisation(role: str, required: str | None) -> models.Q:
    """A user of `role` holds exactly the organisation it requires, and no other."""
    fields = {f"{field}__isnull": field != required for field in ORGANISATION_FIELDS}
    return models.Q(role=role, **fields)


class User(AbstractUser):
    """A staff member: exactly one role and one organisation (ROLES.md)."""

    role = models.CharField(max_length=16, choices=Role.choices)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    court = models.ForeignKey(Court, null=True, blank=True, on_delete=models.PROTECT)
    consular_post = models.ForeignKey(ConsularPost, null=True, blank=True, on_delete=models.PROTECT)
    # the language the user last read the service's pages in (`RememberLanguageMiddleware`): their
    # e-mails are written in it; until their first page, the one the admin set, else the default
    language = models.CharField(max_length=8, blank=True, default="", choices=settings.LANGUAGES)

    def clean(self):
        super().clean()
        if self.is_superuser and not self.role:
            return  # a bootstrap superuser made by createsuperuser has no scope (sees nothing in the API)
        if self.role not in Role.values:
            raise ValidationError({"role": _("Unknown role.")})
        required = ROLE_ORGANISATION[Role(self.role)]
        for field in ORGANISATION_FIELDS:
            value = getattr(self, f"{field}_id")
            if field == required and value is None:
                raise ValidationError({field: _("This role requires an organisation of this kind.")})
            if field != required and value is not None:
                raise ValidationError({field: _("This role has no organisation of this kind.")})

    class Meta(AbstractUser.Meta):
        constraints = [
            # Whoever writes the row (the admin's form checks it too, in clean). The scopes read the
            # organisation: a court account without its court would see every case never referred
            # (referrals__court=None matches them). A bootstrap superuser has neither.
            models.CheckConstraint(
                condition=_holds_its_organisation("", None)
                | functools.reduce(
                    operator.or_, (_holds_its_organisation(role, field) for role, field in ROLE_ORGANISATION.items())
                ),
                name="user_role_organisation",
            )
        ]

    @property
    def organisation(self):
        field = ROLE_ORGANISATION.get(Role(self.role)) if self.role else None
        return getattr(self, field) if field else None


def default_barring_conditions():
    return [
        "mental_illness",
        "alcoholism",
        "drug_addiction",
        "tuberculosis",
        "leprosy",
        "sexually_transmitted_disease",
        "needs_constant_care",
    ]


# The names of the conditions a medical certificate may list (the policy's list holds the codes;
# a code the ministry adds without a name here is shown as its code).
CONDITION_NAMES = {
    "mental_illness": _("mental illness"),
    "alcoholism": _("alcoholism"),
    "drug_addiction": _("drug addiction"),
    "tuberculosis": _("tuberculosis"),
    "leprosy": _("leprosy"),
    "sexually_transmitted_disease": _("sexually transmitted disease"),
    "needs_constant_care": _("a condition that needs constant care"),
}


def default_monitoring_schedule():
    # RULES §7: every 6 months for the first 3 years after in_force_on, then yearly until 18.
    return {"first_years": 3, "first_every_months": 6, "then_every_months": 12}


# The bounds of the policy's parameters, in one place: the model's validators, which the API's
# serializer and the policy page take over and `update_policy` checks whoever calls it.
PERIOD = [MinValueValidator(1), MaxValueValidator(3650)]  # a number of days or of months
PER_CENT = [MinValueValidator(1), MaxValueValidator(100)]
AMOUNT = [MinValueValidator(1), MaxValueValidator(100_000_000)]
SCHEDULE_BOUNDS = {"first_years": (0, 18), "first_every_months": (1, 24), "then_every_months": (1, 60)}
CONDITIONS_MAX, CONDITION_CODE_MAX = 50, 60


def validate_barring_conditions(value) -> None:
    """A list of at most 50 condition codes, each a slug (letters, digits, _ and -) of 60 at most."""
    if not isinstance(value, list) or len(value) > CONDITIONS_MAX:
        raise ValidationError(_("A list of at most %(n)s codes.") % {"n": CONDITIONS_MAX}, code="invalid")
    for code in value:
        if not isinstance(code, str) or len(code) > CONDITION_CODE_MAX or not slug_re.fullmatch(code):
            raise ValidationError(
                _("%(code)s is not a condition code (letters, digits, _ and -; %(n)s at most).")
                % {"code": code, "n": CONDITION_CODE_MAX},
                code="invalid_code",
            )


def validate_monitoring_schedule(value) -> None:
    """The three numbers of the schedule (RULES §7), each within its bounds."""
    if not isinstance(value, dict) or set(value) != set(SCHEDULE_BOUNDS):
        raise ValidationError(
            _("The schedule names %(names)s.") % {"names": ", ".join(SCHEDULE_BOUNDS)}, code="invalid"
        )
    for name, (low, high) in SCHEDULE_BOUNDS.items():
        number = value[name]
        if not isinstance(number, int) or isinstance(number, bool) or not low <= number <= high:
            raise ValidationError(
                _("%(name)s is a whole number from %(low)s to %(high)s.") % {"name": name, "low": low, "high": high},
                code="out_of_range",
            )


class AgeGapAppliesTo(models.TextChoices):
    UNMARRIED = "unmarried", _("applicants who are not married")
    ALL = "all", _("every applicant")


class Policy(models.Model):
    """The policy parameters of RULES.md, edited by the ministry, audited. Versioned in time
    (RULES v2 §10): a version holds from `effective_from` until the next one; the first has no
    lower bound (`effective_from` null). A rule judging a date reads the version in effect on it."""

    effective_from = models.DateField(null=True, blank=True, unique=True)
    primary_registration_days = models.PositiveSmallIntegerField(default=3, validators=PERIOD)
    escalate_to_regional_days = models.PositiveSmallIntegerField(default=30, validators=PERIOD)
    escalate_to_central_days = models.PositiveSmallIntegerField(default=30, validators=PERIOD)
    dossier_validity_months = models.PositiveSmallIntegerField(default=12, validators=PERIOD)
    health_certificate_validity_months = models.PositiveSmallIntegerField(default=12, validators=PERIOD)
    barring_conditions = models.JSONField(default=default_barring_conditions, validators=[validate_barring_conditions])
    adopter_certificate_validity_months = models.PositiveSmallIntegerField(default=12, validators=PERIOD)
    # KZT a month per person of the household; no default: until the ministry sets it, ADOPTER_NOT_BARRED fails.
    subsistence_minimum = models.PositiveIntegerField(null=True, blank=True, validators=AMOUNT)
    bar_unmarried_men = models.BooleanField(default=True)
    age_gap_applies_to = models.CharField(
        max_length=9, choices=AgeGapAppliesTo.choices, default=AgeGapAppliesTo.UNMARRIED
    )
    foreign_register_validity_months = models.PositiveSmallIntegerField(default=12, validators=PERIOD)
    appeal_period_months = models.PositiveSmallIntegerField(default=1, validators=PERIOD)
    birth_date_change_max_months = models.PositiveSmallIntegerField(default=6, validators=PERIOD)
    consular_registration_days = models.PositiveSmallIntegerField(default=30, validators=PERIOD)
    monitoring_grace_days = models.PositiveSmallIntegerField(default=30, validators=PERIOD)
    # RULES v2 §7a-§7b: the art. 23 certificate, and the red flags' thresholds.
    hague_certificate_days = models.PositiveSmallIntegerField(default=14, validators=PERIOD)
    consent_cooling_days = models.PositiveSmallIntegerField(default=30, validators=PERIOD)
    fee_ceiling_usd = models.PositiveIntegerField(
        null=True, blank=True, validators=AMOUNT
    )  # none: FEES_ABOVE_POLICY is off
    rushed_case_days = models.PositiveSmallIntegerField(default=7, validators=PERIOD)
    agency_share_alert = models.PositiveSmallIntegerField(default=50, validators=PER_CENT)  # per cent
    # the databank: a family proposed a child answers within this many days, else no answer
    proposal_answer_days = models.PositiveSmallIntegerField(default=10, validators=PERIOD)
    monitoring_schedule = models.JSONField(
        default=default_monitoring_schedule, validators=[validate_monitoring_schedule]
    )
    updated_at = models.DateTimeField(auto_now=True)
    # the open reminders are aligned with this version's periods (core.deadlines.align_with_policy,
    # once it is in effect); a change of the version sets it back
    reminders_aligned = models.BooleanField(default=False, editable=False)

    # The parameters that are one number, flag or choice each (the API and the policy page edit them
    # alike; the list and the schedule beside them are edited as wholes).
    SCALARS = (
        "primary_registration_days",
        "escalate_to_regional_days",
        "escalate_to_central_days",
        "dossier_validity_months",
        "health_certificate_validity_months",
        "adopter_certificate_validity_months",
        "subsistence_minimum",
        "bar_unmarried_men",
        "age_gap_applies_to",
        "foreign_register_validity_months",
        "appeal_period_months",
        "birth_date_change_max_months",
        "consular_registration_days",
        "monitoring_grace_days",
        "hague_certificate_days",
        "consent_cooling_days",
        "fee_ceiling_usd",
        "rushed_case_days",
        "agency_share_alert",
        "proposal_answer_days",
    )

    class Meta:
        verbose_name_plural = "policy"
        ordering = [models.F("effective_from").asc(nulls_first=True)]
        constraints = [one_of("age_gap_applies_to", AgeGapAppliesTo.choices, name="policy_age_gap_applies_to_known")]

    def __str__(self):
        return f"policy parameters from {self.effective_from or 'the start'}"

    @classmethod
    def in_effect(cls, day) -> models.QuerySet[Policy]:
        """The versions from before `day`, the one in effect on it first (RULES v2 §10; §11.15: the
        first has no lower bound)."""
        return cls.objects.filter(models.Q(effective_from__lte=day) | models.Q(effective_from__isnull=True)).order_by(
            models.F("effective_from").desc(nulls_last=True)
        )

    @classmethod
    def on(cls, day) -> Policy:
        """The version in effect on `day` (`in_effect`); the first is created if there is none yet."""
        policy = cls.in_effect(day).first()
        if policy is None:
            policy, _created = cls.objects.get_or_create(effective_from=None)
        return policy

    @classmethod
    def lock(cls) -> None:
        """Lock every version until the transaction ends: one writer at a time (`update_policy`),
        and no change while a sweep computes from the version in effect (consular.deadlines)."""
        list(cls.objects.select_for_update().values_list("pk", flat=True))

    @classmethod
    def current(cls) -> Policy:
        """The version in effect today."""
        return cls.on(today())


class Citation(models.Model):
    """The legal basis each eligibility check cites (RULES.md: citations are data). Seeded with
    the texts of RULES.md; the ministry corrects them (audited), so that a changed article number
    is a data change, not a release. `DEFAULTS` holds each rule's own text (adoption.rules adds
    them): a code missing from the table is seeded from it when the table is read."""

    DEFAULTS: dict[str, str] = {}

    code = models.CharField(max_length=40, primary_key=True)
    basis = models.CharField(max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}: {self.basis}"

    @classmethod
    def seed(cls) -> None:
        """Add the codes the table lacks (a new rule, a database emptied by a test), with their default text."""
        Citation.objects.bulk_create(
            [Citation(code=c, basis=b) for c, b in cls.DEFAULTS.items()], ignore_conflicts=True
        )


class AuditEvent(models.Model):
    """Every write (with before/after) and every read of a child's record or case file."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        READ = "read", _("read")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=16, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    verb = models.CharField(max_length=64, help_text="the business action, e.g. place_on_register")
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    # A read of a list or search names every record in the answer: ",12,15,31," (one event per request).
    object_ids = models.TextField(blank=True, default="")
    # The file this event belongs to (a child's record, a case file), so history is one query.
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    purpose = models.CharField(max_length=300, blank=True)
    # Tamper evidence (core.audit_chain): the position in the hash chain and the chain's hash there.
    seq = models.PositiveBigIntegerField(null=True, blank=True, unique=True, editable=False)
    chain_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "id"]),
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["id"], condition=models.Q(seq__isnull=True), name="core_audit_unsealed"),
        ]

    def __str__(self):
        return f"{self.action} {self.verb} {self.object_type}#{self.object_id}"


class Reminder(models.Model):
    """A deadline owed by an organisation; exists once per (kind, subject, due date).

    Reminders are derived from the database by beat sweeps, so nothing is lost
    while a worker or the broker is down; the unique constraint makes repeated or
    concurrent sweeps harmless.
    """

    kind = models.CharField(max_length=40)
    subject_type = models.CharField(max_length=32)
    subject_id = models.PositiveBigIntegerField()
    due_on = models.DateField()
    detail = models.CharField(max_length=300, blank=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    court = models.ForeignKey(Court, null=True, blank=True, on_delete=models.PROTECT)
    consular_post = models.ForeignKey(ConsularPost, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    emailed_at = models.DateTimeField(null=True, blank=True)
    # a message of it failed: when, and the addresses it was sent to all the same (not sent twice)
    email_failed_at = models.DateTimeField(null=True, blank=True)
    emailed_to = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_type", "subject_id", "due_on"], name="one_reminder_per_kind_subject_due"
            )
        ]
        indexes = [models.Index(fields=["done_at", "due_on"])]

    def __str__(self):
        return f"{self.kind} {self.subject_type}#{self.subject_id} due {self.due_on}"
