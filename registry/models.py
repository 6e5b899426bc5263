"""Registers of children deprived of parental care (RULES §2-3, ¶50-52, ¶58)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from core.countries import KZ
from core.models import District, Standing, Withdrawable, one_of


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Level(models.TextChoices):
    """Register levels, climbed in this order and never skipped (¶52)."""

    PRIMARY = "primary", _("primary (district guardianship agency)")
    REGIONAL = "regional", _("regional (education department)")
    CENTRAL = "central", _("central (Ministry of Education and Science)")


LEVEL_ORDER = [Level.PRIMARY, Level.REGIONAL, Level.CENTRAL]


class DeregistrationReason(models.TextChoices):
    ADOPTED = "adopted", _("adopted (decision in force)")
    GUARDIANSHIP = "guardianship", _("placed under guardianship")
    FOSTER_CARE = "foster_care", _("placed in foster care")
    RETURNED_TO_PARENTS = "returned_to_parents", _("returned to parents")
    CAME_OF_AGE = "came_of_age", _("turned 18")
    DIED = "died", _("died")


def death_of(deregistration_reason: str, deregistered_on: datetime.date | None) -> datetime.date | None:
    """The day a child died, from its record (a death is its last deregistration), if it did: for
    rows read as values; a Child answers `died_on`."""
    return deregistered_on if deregistration_reason == DeregistrationReason.DIED else None


class ChildStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    DEREGISTERED = "deregistered", _("deregistered")


class Child(models.Model):
    """A child deprived of parental care, from identification on.

    `register_level`, `level_since`, `status` and the deregistration fields are the
    current state, kept by `registry.services` from the `RegisterEntry` history
    (which is the truth, and what `as_of` questions read).
    """

    external_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    patronymic = models.CharField(max_length=100, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField()
    birth_registration_number = models.CharField(max_length=64, blank=True)
    # RULES v2 §1: KZ, another country (ISO 3166 alpha-2) or `stateless`. The foreign-adoption
    # rules of art. 76(2) protect KZ citizens.
    citizenship = models.CharField(max_length=9, default=KZ, db_default=KZ)
    # its index is the first column of (district, status, register_level): a second one only slowed writes
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="children", db_index=False)
    identified_on = models.DateField()
    health_notes = models.TextField(blank=True)
    # The day a granted adoption entered into force: from then on the identity above is sealed
    # (RULES §9; registry.sealing decides what each reader is shown).
    sealed_on = models.DateField(null=True, blank=True, editable=False)
    birth_place = models.CharField(max_length=200, blank=True, db_default="")
    # The pre-adoption identity, kept here when the court gave a new one (RULES v2 §6): the fields
    # above then hold the new identity; this is answered only on unseal, as `birth_identity`.
    birth_identity = models.JSONField(null=True, blank=True, editable=False)
    # Transliterated, lower-case "last first patronymic" of the current identity only (empty while
    # sealed, so a sealed name never matches): name search and duplicate detection.
    # Found by substring (a trigram index on PostgreSQL, registry migration 0003), never by equality.
    # A text: a letter may be two of the key's ("ж", "zh"), so no length of the names bounds it.
    search_name = models.TextField(editable=False)

    # null, not "": API.md fixes `register_level: null` for a child on no register.
    register_level = models.CharField(max_length=10, choices=Level.choices, null=True, blank=True)  # noqa: DJ001
    level_since = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=14, choices=ChildStatus.choices, default=ChildStatus.REGISTERED)
    deregistered_on = models.DateField(null=True, blank=True)
    deregistration_reason = models.CharField(max_length=24, choices=DeregistrationReason.choices, blank=True)

    # Brothers and sisters known to the registry (SIBLINGS_SEPARATED warns when a case splits them).
    siblings = models.ManyToManyField("self", symmetrical=True, blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["sex", "birth_date"]),
            # a district's lists by register, and its queue's register steps in the order they fall due
            models.Index(fields=["district", "status", "register_level", "level_since"], name="child_district_steps"),
            models.Index(fields=["status", "register_level", "level_since"]),
            # the same number in an import's file (duplicates), and the number typed in a search box (any case)
            models.Index(fields=["birth_registration_number"], name="child_birth_number"),
            models.Index(Upper("birth_registration_number"), name="child_birth_number_any_case"),
            # the sweep's children coming of age: the few registered children born 18 years ago or more
            models.Index(
                fields=["birth_date"], condition=models.Q(status="registered"), name="registered_child_birth_date"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(birth_date__lte=models.F("identified_on")), name="child_born_before_identified"
            ),
            one_of("sex", Sex.choices, name="child_sex_known"),
            one_of("status", ChildStatus.choices, name="child_status_known"),
            one_of("register_level", Level.choices, null=True, name="child_register_level_known"),
            one_of(
                "deregistration_reason",
                DeregistrationReason.choices,
                blank=True,
                name="child_deregistration_reason_known",
            ),
        ]

    def __str__(self):
        return f"child #{self.pk}"  # never a name: __str__ ends up in logs

    @property
    def died_on(self) -> datetime.date | None:
        return death_of(self.deregistration_reason, self.deregistered_on)

    @property
    def status_shown(self) -> str:
        """The status as the pages say it: a child recorded and on no register yet (the district
        places it within `primary_registration_days` of its identification) is not "registered",
        which read "на учёте" beside the register "—". API.md keeps `registered` until the child is
        deregistered, and so do the list's filter and the API."""
        if self.status == ChildStatus.REGISTERED and self.register_level is None:
            return str(_("identified, on no register yet"))
        return self.get_status_display()


DEREGISTERED = "deregistered"
ENTRY_KINDS = [*Level.choices, (DEREGISTERED, _("deregistered"))]  # what a register entry records


class RegisterEntry(Withdrawable):
    """One event of a child's register history: a placement on a level, or deregistration.

    Never deleted, and never changed except to be ended (or, the latest, its date typed wrong
    corrected: `services.correct_placement`; a placement on the regional or central register made
    by mistake withdrawn: `services.withdraw_placement`): the state on a date is the latest
    standing entry on or before it, by (on, id), so an entry holds from `on` until the next
    entry's date, `ended_on` (None while it is the latest). The services set `ended_on` when they
    add the next entry; `check_consistency` verifies it. A withdrawn entry holds for no day: only
    the child's history reads it (`with_withdrawn`).
    """

    DEREGISTERED = DEREGISTERED
    KINDS = ENTRY_KINDS

    # indexed as the first column of (child, on, id)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="register_entries", db_index=False)
    level = models.CharField(max_length=14, choices=KINDS)
    on = models.DateField()
    ended_on = models.DateField(null=True, blank=True, editable=False)
    reason = models.CharField(max_length=24, choices=DeregistrationReason.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = Standing()
    with_withdrawn = models.Manager()

    class Meta:
        default_manager_name = "objects"
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["child", "on", "id"]), models.Index(fields=["level", "on"])]
        constraints = [
            one_of("level", ENTRY_KINDS, name="register_entry_level_known"),
            one_of("reason", DeregistrationReason.choices, blank=True, name="register_entry_reason_known"),
        ]

    def __str__(self):
        return f"{self.level} on {self.on}"


class GroundCode(models.TextChoices):
    """Grounds that make a child adoptable (RULES §3, ¶50-51)."""

    PARENTS_UNKNOWN = "parents_unknown", _("parent unknown")
    DECLARED_DEAD = "declared_dead", _("declared dead by a court")
    WHEREABOUTS_UNKNOWN = "whereabouts_unknown", _("declared missing by a court")
    LEGALLY_INCAPABLE = "legally_incapable", _("declared legally incapable by a court")
    DEPRIVED_OF_PARENTAL_RIGHTS = "deprived_of_parental_rights", _("stripped of parental rights by a court")
    PARENTAL_CONSENT = "parental_consent", _("consented to adoption")
    EVADED_UPBRINGING = "evaded_upbringing", _("avoided raising the child for more than 6 months (court)")
    ABANDONED_IN_INSTITUTION = "abandoned_in_institution", _("abandoned in a maternity home or medical institution")


class Parent(models.TextChoices):
    MOTHER = "mother", _("mother")
    FATHER = "father", _("father")
    BOTH = "both", _("both parents")


class DocumentKind(models.TextChoices):
    COURT_DECISION = "court_decision", _("court decision")
    CONSENT = "consent", _("consent")
    BIRTH_REGISTRATION = "birth_registration", _("birth registration")
    INSTITUTION_STATEMENT = "institution_statement", _("statement of the institution's administration")
    DEATH_CERTIFICATE = "death_certificate", _("death certificate")
    CERTIFICATE = "certificate", _("other certificate")
    OTHER = "other", _("other document")


class Ground(Withdrawable):  # one entered by mistake (the wrong ground, parent or document) is withdrawn
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="grounds")
    parent = models.CharField(max_length=6, choices=Parent.choices)
    ground = models.CharField(max_length=32, choices=GroundCode.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            one_of("parent", Parent.choices, name="ground_parent_known"),
            one_of("ground", GroundCode.choices, name="ground_code_known"),
        ]

    def __str__(self):
        return f"{self.ground} ({self.parent})"


class GroundDocument(models.Model):
    ground = models.ForeignKey(Ground, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=24, choices=DocumentKind.choices)
    number = models.CharField(max_length=64)
    date = models.DateField()
    issued_by = models.CharField(max_length=200)
    # A court decision covers a court-declared ground only once in force (RULES v2 §3).
    in_force_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            one_of("kind", DocumentKind.choices, name="ground_document_kind_known"),
        ]

    def __str__(self):
        return f"{self.kind} {self.number}"


class ConsentParent(models.TextChoices):
    MOTHER = "mother", _("mother")
    FATHER = "father", _("father")
    GUARDIAN = "guardian", _("guardian or foster carer")


class ConsentForm(models.TextChoices):
    NOTARISED = "notarised", _("notarised")
    GUARDIANSHIP_AGENCY = "guardianship_agency", _("before the guardianship agency")
    INSTITUTION_HEAD = "institution_head", _("certified by the head of the institution")
    COURT = "court", _("before the court")


class ParentalConsent(models.Model):
    """A parent's or guardian's consent to the child's adoption (RULES v2 §3): itself the ground
    `parental_consent` for that parent. `names_applicants`: the applicant ids it is limited to
    (None: adoption by anyone). Withdrawn on a date, never deleted."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="parental_consents")
    parent = models.CharField(max_length=8, choices=ConsentParent.choices)
    given_on = models.DateField()
    form = models.CharField(max_length=20, choices=ConsentForm.choices)
    names_applicants = models.JSONField(null=True, blank=True)
    document_number = models.CharField(max_length=64)
    document_date = models.DateField()
    document_issued_by = models.CharField(max_length=200)
    withdrawn_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["given_on", "id"]
        constraints = [
            one_of("parent", ConsentParent.choices, name="parental_consent_parent_known"),
            one_of("form", ConsentForm.choices, name="parental_consent_form_known"),
        ]

    def __str__(self):
        return f"consent of the {self.parent} of {self.given_on}"


class DuplicateFlag(models.Model):
    """A possible duplicate found when a child was created; nothing is ever merged silently."""

    class Status(models.TextChoices):
        OPEN = "open", _("to be checked")
        DIFFERENT = "different", _("confirmed: a different child")

    # no index of its own: the pair's unique index leads with it (docs/decisions.md, fewer indexes)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="duplicate_flags", db_index=False)
    other = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=32)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["child", "other"], name="one_flag_per_pair")]

    def __str__(self):
        return f"possible duplicate #{self.child_id}~#{self.other_id}"
