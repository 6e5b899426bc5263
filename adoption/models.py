"""Adoption cases: applicants, the case file, and the court stage (RULES §1, §4, §6)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.countries import STATELESS  # noqa: F401 (STATELESS: the rules read it from here)
from core.models import Agency, Country, Court, District, Withdrawable, one_of
from registry.models import Child, Sex


class MaritalStatus(models.TextChoices):
    MARRIED = "married", _("married")
    SINGLE = "single", _("single")
    DIVORCED = "divorced", _("divorced")
    WIDOWED = "widowed", _("widowed")


class BarringFact(models.TextChoices):
    """Facts recorded by the agency that bar a person from adopting (CMF art. 91)."""

    LEGALLY_INCAPABLE = "legally_incapable", _("legally incapable")
    LIMITED_CAPACITY = "limited_capacity", _("of limited legal capacity")
    PARENTAL_RIGHTS = "parental_rights_deprived_or_limited", _("deprived of or limited in parental rights")
    REMOVED_AS_GUARDIAN = "removed_as_guardian", _("removed as a guardian for failing the duties")
    ADOPTION_REVOKED = "adoption_revoked_by_fault", _("a former adopter whose adoption was revoked by their fault")
    NO_PERMANENT_RESIDENCE = "no_permanent_residence", _("no permanent residence")


class Applicant(models.Model):
    """A prospective adoptive parent. `district` is the guardianship agency that recorded them."""

    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    # Transliterated, lower-case "last first" (registry.rules.name_key, as a child's): found by any
    # word in either script by substring (a trigram index on PostgreSQL, migration 0024). Kept by
    # adoption.services; an adopter of an imported history has no name, and no key.
    search_name = models.TextField(editable=False, default="", db_default="")
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_date = models.DateField(null=True, blank=True)  # unknown for some historical imports
    citizenship = models.CharField(max_length=9)  # alpha-2 or `stateless`
    residence_country = models.CharField(max_length=2)
    marital_status = models.CharField(max_length=10, choices=MaritalStatus.choices, blank=True)
    barring_facts = models.JSONField(default=list, db_default=[], blank=True)  # BarringFact codes (CMF art. 91)
    # CMF art. 91: an unmarried man who has raised the child for three years may adopt alone.
    raised_child_three_years = models.BooleanField(default=False, db_default=False)
    # ¶58: the register of foreign citizens wishing to adopt.
    foreign_register_number = models.CharField(max_length=64, blank=True)
    foreign_registered_on = models.DateField(null=True, blank=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", db_index=False)
    version = models.PositiveIntegerField(default=1, db_default=1)  # a correction made meanwhile is not overwritten
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        # the district's (a plain index: a code is never matched by a pattern). Found by name by a
        # trigram index on the search name (PostgreSQL, migration 0024).
        indexes = [models.Index(fields=["district"], name="applicant_district")]
        constraints = [
            one_of("sex", Sex.choices, name="applicant_sex_known"),
            one_of("marital_status", MaritalStatus.choices, blank=True, name="applicant_marital_status_known"),
        ]

    def __str__(self):
        return f"applicant #{self.pk}"

    @property
    def label(self) -> str:
        """How a choice names the applicant: spouses often share a name and an initial, and the number
        is the one the applicant's record shows (__str__ is the number alone: it ends up in logs)."""
        return f"{self.name} ({self.citizenship}/{self.residence_country}) #{self.pk}"

    @property
    def name(self) -> str:
        """How pages and queues name the applicant."""
        return self.name_of(self.pk, self.last_name, self.first_name)

    @staticmethod
    def name_of(pk: int | None, last_name: str, first_name: str) -> str:
        """`name` from the plain values of a row (a check's facts); an adopter of an imported
        history has no name (reports.imports), and is named by number."""
        return f"{last_name} {first_name}".strip() or gettext("Applicant #%(id)s") % {"id": pk}


class Register(models.TextChoices):
    """Registers of prospective adopters (CMF art. 89; ¶58)."""

    PROSPECTIVE_ADOPTERS = "prospective_adopters", _("register of citizens wishing to adopt")
    FOREIGN_ADOPTERS = "foreign_adopters", _("register of foreign citizens wishing to adopt")


class AdopterRegistration(models.Model):
    """An entry on a register of prospective adopters, valid through `valid_until` inclusive."""

    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="registrations")
    register = models.CharField(max_length=20, choices=Register.choices)
    number = models.CharField(max_length=64)
    registered_on = models.DateField()
    valid_until = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["registered_on", "id"]
        constraints = [
            one_of("register", Register.choices, name="adopter_registration_register_known"),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("registered_on")), name="registration_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.register} entry of {self.registered_on}"


class CaseKind(models.TextChoices):
    """RULES v2 §1a, stated when the case is opened and proven by a document."""

    STANDARD = "standard", _("a child of the registers")
    STEPPARENT = "stepparent", _("adoption by a stepparent")
    GUARDIAN = "guardian", _("adoption by the guardian or foster carer")


class Category(models.TextChoices):
    """RULES §1, derived in this order, never typed in."""

    RELATIVE = "relative", _("relatives of the child")
    FOREIGNER = "foreigner", _("foreign citizens")
    NONRESIDENT_CITIZEN = "nonresident_citizen", _("citizens of Kazakhstan living abroad")
    RESIDENT_CITIZEN = "resident_citizen", _("citizens of Kazakhstan living in Kazakhstan")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("open")
    REFERRED = "referred", _("referred to court")
    HEARD = "heard", _("heard")
    DECIDED = "decided", _("decided (not yet in force)")
    IN_FORCE = "in_force", _("adoption in force")
    CLOSED = "closed", _("closed")


BEFORE_DECISION = (CaseStatus.OPEN, CaseStatus.REFERRED, CaseStatus.HEARD)  # a case's documents still count


class ClosedReason(models.TextChoices):
    REFUSED = "refused", _("the court refused the adoption")
    WITHDRAWN = "withdrawn", _("withdrawn")
    CHILD_ADOPTED_IN_OTHER_CASE = "child_adopted_in_other_case", _("the child was adopted in another case")
    CHILD_DIED = "child_died", _("the child died")
    REVERSED_ON_APPEAL = "reversed_on_appeal", _("the decision was reversed on appeal")


class Case(models.Model):
    case_ref = models.CharField(max_length=64, unique=True, null=True, blank=True)  # historical imports
    # indexed as the first column of (district, status)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="cases", db_index=False)
    opened_on = models.DateField()
    kind = models.CharField(max_length=10, choices=CaseKind.choices, default=CaseKind.STANDARD, db_default="standard")
    category = models.CharField(max_length=20, choices=Category.choices)
    # RULES §1: the child will live abroad when an applicant permanently resides outside KZ.
    receiving_country = models.CharField(max_length=2, blank=True)
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_reason = models.CharField(max_length=32, choices=ClosedReason.choices, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    historical = models.BooleanField(default=False, help_text="imported from paper records")
    children = models.ManyToManyField(Child, through="CaseChild", related_name="cases")
    applicants = models.ManyToManyField(Applicant, through="CaseApplicant", related_name="cases")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["district", "status"]),  # and the district's alone
            models.Index(fields=["status"], name="case_status"),
            models.Index(fields=["receiving_country"], name="case_receiving_country"),
            models.Index(Upper("case_ref"), name="case_ref_any_case"),  # the reference typed in a search box
            # a territory's adoptions abroad (the queues' consular registrations and departures), from its cases
            models.Index(
                fields=["district", "id"], condition=~models.Q(receiving_country=""), name="case_abroad_by_district"
            ),
        ]
        constraints = [
            one_of("category", Category.choices, name="case_category_known"),
            one_of("kind", CaseKind.choices, name="case_kind_known"),
            one_of("status", CaseStatus.choices, name="case_status_known"),
            one_of("closed_reason", ClosedReason.choices, blank=True, name="case_closed_reason_known"),
        ]

    def __str__(self):
        return f"case #{self.pk}"

    @property
    def is_foreign_adoption(self) -> bool:
        return bool(self.receiving_country)

    # opened for this request with a stated purpose (`selectors.open_file`): nothing of it is hidden
    opened = False

    @property
    def file_sealed(self) -> bool:
        """Whether the file hides from this reader what it hides while a child of it is sealed
        (`holds_a_sealed_child`): it does unless opened with a purpose."""
        return self.holds_a_sealed_child and not self.opened

    def names(self, child) -> bool:
        """Whether the file shows `child` by its record (its id, name and birth date) to a reader who
        has not opened it. The secret is the link between a sealed child's birth family and its
        adoptive family (RULES §9), and a case holding a sealed child would make it: the case that
        adopted the child does not name another child of it who was not adopted (a sister who
        died: her name is the birth family's), and another case of the child (closed when it was
        adopted) does not show its id (which leads to its adoptive family) beside the children it
        was for."""
        if self.opened or not self.holds_a_sealed_child:
            return True
        return self.adopted_its_children if child.sealed_on is not None else not self.adopted_its_children

    @property
    def adopted_its_children(self) -> bool:
        """Whether the case adopted the children it holds (in force: every one of them). A sealed
        child of a case that did not was adopted in another (`names`, `facts`, `selectors.of_child`)."""
        return self.status == CaseStatus.IN_FORCE

    @property
    def holds_a_sealed_child(self) -> bool:
        """Whether a child of the case has its identity sealed (RULES §9): what the staff typed in
        the file before the adoption (a withdrawal's reason, a search's notes) may name the child
        by its birth name, and is not shown. Read from `selectors.case_file`'s annotation."""
        sealed = getattr(self, "sealed_children", None)
        if sealed is None:
            sealed = self.child_links.filter(child__sealed_on__isnull=False).exists()
        return bool(sealed)

    def hague_country(self, on) -> Country | None:
        """The country the child will live in, if it is a party to the Hague Convention on `on`
        (RULES v2 §7a); None for a child who stays, or a country that is not (then) a party."""
        country = Country.objects.filter(pk=self.receiving_country).first() if self.receiving_country else None
        return country if country is not None and country.hague_party_on(on) else None


class CaseChild(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="child_links", db_index=False
    )  # its constraint's
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="case_links")
    is_relative = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "child"], name="child_once_per_case")]

    def __str__(self):
        return f"child #{self.child_id} in case #{self.case_id}"


class CaseApplicant(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="applicant_links", db_index=False
    )  # its constraint's
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="case_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "applicant"], name="applicant_once_per_case")]

    def __str__(self):
        return f"applicant #{self.applicant_id} in case #{self.case_id}"


class CaseDocumentKind(models.TextChoices):
    APPLICATION = "application", _("written application")
    FINANCIAL_SOLVENCY = "financial_solvency", _("report on financial solvency")
    FAMILY_SITUATION = "family_situation", _("report on the family situation")
    HEALTH_REPORT = "health_report", _("report on the state of health")
    MORAL_QUALITIES = "moral_qualities", _("report on personal moral qualities")
    MEDICAL_CERTIFICATE = "medical_certificate", _("medical certificate")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("marriage certificate")
    SPOUSE_CONSENT = "spouse_consent", _("the spouse's written consent")
    SPOUSE_CONSENT_EXCEPTION = "spouse_consent_exception", _("document for an exception to the spouse's consent")
    CRIMINAL_RECORD_CERTIFICATE = "criminal_record_certificate", _("criminal-record certificate")
    NARCOLOGICAL_CERTIFICATE = "narcological_certificate", _("narcological dispensary certificate")
    PSYCHONEUROLOGICAL_CERTIFICATE = "psychoneurological_certificate", _("psycho-neurological dispensary certificate")
    INCOME_STATEMENT = "income_statement", _("income statement")
    KINSHIP_PROOF = "kinship_proof", _("proof of kinship")
    STEPPARENT_PROOF = "stepparent_proof", _("proof of marriage to the child's parent")
    GUARDIANSHIP_PROOF = "guardianship_proof", _("proof of guardianship or foster care")


class CaseDocument(Withdrawable):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=32, choices=CaseDocumentKind.choices)
    applicant = models.ForeignKey(Applicant, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()
    issuer = models.CharField(max_length=200)
    issuer_licence = models.CharField(max_length=64, blank=True)
    licence_valid_until = models.DateField(null=True, blank=True)
    conditions = models.JSONField(default=list, blank=True)  # medical certificate: listed conditions
    named_applicants = models.JSONField(default=list, db_default=[], blank=True)  # marriage certificate: spouses
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="+")  # kinship
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)  # income, KZT a month
    # A dossier report: the accredited agency that issued it (RULES v2 §4 FOREIGN_DOSSIER, §7a).
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    household_size = models.PositiveSmallIntegerField(null=True, blank=True)  # income statement
    # For the queue's documents expiring (adoption.work.document_due), on their index: the case's
    # district (a case never changes district; required, so no writer can leave it out), and
    # whether the case is past its decision (set by adoption.services._set_status; a case never
    # goes back). The queue still reads the case's status: a copy left behind only slows it.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False)
    case_decided = models.BooleanField(default=False, db_default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issued_on", "id"]
        constraints = [
            one_of("kind", CaseDocumentKind.choices, name="case_document_kind_known"),
        ]
        indexes = [  # a district's documents of the cases not yet decided, oldest first (the first to expire)
            models.Index(
                fields=["district", "issued_on", "id"],
                condition=models.Q(withdrawn_at__isnull=True, case_decided=False),
                name="document_before_decision",
            )
        ]

    def __str__(self):
        return f"{self.kind} of {self.issued_on}"


class Contact(Withdrawable):
    """Direct personal contact between an applicant and a child (MFA art. 76(3))."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    applicant = models.ForeignKey(Applicant, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self):
        return f"contact on {self.on}"


class Consent(models.Model):
    """A child's consent to adoption (MFA art. 84; ¶54), possibly withdrawn."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    given_on = models.DateField()
    withdrawn_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["given_on", "id"]

    def __str__(self):
        return f"consent of {self.given_on}"


class SearchOutcome(models.TextChoices):
    NO_CANDIDATES = "no_candidates", _("no candidates in Kazakhstan")
    ALL_DECLINED = "all_declined", _("all candidates declined")


class DomesticSearch(models.Model):
    """Outcome of the search for a family in Kazakhstan (MFA art. 76(2); CRC art. 21(b))."""

    Outcome = SearchOutcome

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="domestic_searches")
    completed_on = models.DateField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["completed_on", "id"]
        constraints = [
            one_of("outcome", SearchOutcome.choices, name="domestic_search_outcome_known"),
        ]

    def __str__(self):
        return f"domestic search {self.outcome}"


class Referral(models.Model):
    """The guardianship agency's conclusion sent to a court; from then its clerks see the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="referrals")
    on = models.DateField()
    # The first day of the run of eligible days that ends with the referral (null: before the days
    # looked at): RULES v2 §7b RUSHED_CASE reads it.
    eligible_since = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self):
        return f"referral on {self.on}"


class Participant(models.TextChoices):
    APPLICANTS = "applicants", _("the applicants")
    GUARDIANSHIP = "guardianship", _("guardianship agency representative")
    PROCURATOR = "procurator", _("procurator")
    CHILD = "child", _("the child")


class Hearing(Withdrawable):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hearings")
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    participants = models.JSONField(default=list)
    in_camera = models.BooleanField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self):
        return f"hearing on {self.on}"


class DecisionOutcome(models.TextChoices):
    GRANTED = "granted", _("adoption granted")
    REFUSED = "refused", _("adoption refused")


FOLLOW_UP_OPEN = models.Q(follow_up_settled=False, in_force_on__isnull=False)


class Decision(models.Model):
    Outcome = DecisionOutcome

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="decision")
    court = models.ForeignKey(Court, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    decided_on = models.DateField()
    # The day the decision was made in final form: the appeal term runs from it (RULES v2 §6).
    final_form_on = models.DateField(null=True, blank=True)
    in_force_on = models.DateField(null=True, blank=True, db_index=True)
    age_gap_reduced = models.BooleanField(default=False, db_default=False)  # CMF art. 92: the court reduced it
    age_gap_reason = models.TextField(blank=True, db_default="")
    # {last_name, first_name, patronymic, birth_date, birth_place}: what the court changed (RULES v2 §6).
    new_identity = models.JSONField(default=dict, db_default={}, blank=True)
    # MFA art. 77: the civil registry's record of the adoption.
    civil_registration_number = models.CharField(max_length=64, blank=True, db_default="")
    civil_registered_on = models.DateField(null=True, blank=True)
    civil_registry_office = models.CharField(max_length=200, blank=True, db_default="")
    # Kept by the consular sweep (consular.deadlines.settle_follow_up): True once nothing is left
    # to do after this decision in force before the monitoring reports (in the country: nothing;
    # abroad: each child's departure recorded, none due on a consular register, the HC93 art. 23
    # certificate issued or not required). False: to be looked at, and what the queues' steps
    # after a decision read (`decision_follow_up_open`: the few open ones in date order, not the
    # history). Set back by what could reopen a step (consular.signals).
    follow_up_settled = models.BooleanField(default=False, db_default=False, editable=False)
    # The case's district (a case never changes district; required, so no writer can leave it
    # out), for a territory's open follow-ups on their index (`decision_follow_up_by_district`):
    # joined to its cases instead, a district's queue read every open follow-up of the country.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [one_of("outcome", DecisionOutcome.choices, name="decision_outcome_known")]
        # the open follow-ups: in date order (a national queue), by district (a territory's), by case;
        # the first two hold what the queues read of them (read from the table, 3,800 of a national
        # queue's took 23 ms at 1,000,000 children, enough for PostgreSQL to plan parallel workers)
        indexes = [
            models.Index(
                fields=["in_force_on", "case", "outcome", "id"],
                condition=FOLLOW_UP_OPEN,
                name="decision_follow_up_open",
            ),
            models.Index(
                fields=["district", "in_force_on", "case", "id"],
                condition=FOLLOW_UP_OPEN,
                name="decision_follow_up_by_district",
            ),
            models.Index(
                fields=["case", "in_force_on", "id"], condition=FOLLOW_UP_OPEN, name="decision_open_follow_up_case"
            ),
        ]

    def __str__(self):
        return f"{self.outcome} on {self.decided_on}"

    @property
    def final_form(self) -> datetime.date:
        return self.final_form_on or self.decided_on

    @property
    def grants(self) -> bool:
        """Whether the adoption stands granted as the courts left it (RULES v2 §6): a grant not
        reversed on appeal, or a refusal an appeal reversed. `outcome` stays the first court's."""
        appeal = getattr(self, "appeal", None)
        reversed_ = appeal is not None and appeal.outcome == AppealOutcome.REVERSED
        return (self.outcome == DecisionOutcome.GRANTED) != reversed_

    @property
    def granted_on(self) -> datetime.date | None:
        """The day the adoption that stands was granted: the decision's, or the appeal's that
        reversed a refusal (None: it does not stand)."""
        if not self.grants:
            return None
        return self.appeal.decided_on if self.granted_on_appeal else self.decided_on

    @property
    def granted_on_appeal(self) -> bool:
        """A refusal an appeal reversed: the appeal court granted the adoption."""
        return self.outcome == DecisionOutcome.REFUSED and self.grants


class HagueProcedure(models.Model):
    """The Hague Convention's steps of a foreign adoption into a party country (RULES v2 §7a):
    the receiving Central Authority's report on the applicants (art. 15), the child's report
    (art. 16), both Central Authorities' agreement (art. 17(c)) before the referral, and the
    certificate of conformity (art. 23) the ministry issues after entry into force."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="hague")
    art15_report_received_on = models.DateField(null=True, blank=True)
    art16_report_sent_on = models.DateField(null=True, blank=True)
    art17_agreement_on = models.DateField(null=True, blank=True)
    certificate_number = models.CharField(max_length=64, blank=True, db_default="")
    certificate_issued_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Hague steps of case #{self.case_id}"


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("decision upheld")
    REVERSED = "reversed", _("decision reversed")


class Appeal(models.Model):
    """An appeal against the decision: upheld, the decision is in force on `decided_on`;
    reversed, a grant's case closes and a refusal's case is granted, in force on `decided_on`
    (RULES v2 §6). Recorded when it is filed, it is pending (no
    `decided_on`, no `outcome`) until its outcome is recorded: meanwhile the decision does not
    enter into force (`adoption.workflow`, step "in-force")."""

    Outcome = AppealOutcome

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="appeal")
    filed_on = models.DateField()
    decided_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=8, choices=AppealOutcome.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            one_of("outcome", AppealOutcome.choices, name="appeal_outcome_known", blank=True),
            models.CheckConstraint(  # decided: both its day and its outcome; pending: neither
                condition=models.Q(decided_on__isnull=True, outcome="")
                | (models.Q(decided_on__isnull=False) & ~models.Q(outcome="")),
                name="appeal_decided_with_outcome",
            ),
        ]

    def __str__(self):
        return f"appeal {self.outcome} on {self.decided_on}" if self.outcome else f"appeal filed on {self.filed_on}"

    @property
    def pending(self) -> bool:
        return not self.outcome


_REVERSED = models.Q(appeal__outcome=AppealOutcome.REVERSED)
_REFUSED = models.Q(outcome=DecisionOutcome.REFUSED)
# Of the decisions: one that grants the child's adoption as the courts left it (RULES v2 §6: a
# grant reversed on appeal frees the child; a refusal reversed on appeal is a grant of the appeal's
# day), and that day; and a refusal under an appeal still pending (reversed, it grants the child).
GRANTS = models.Q(outcome=DecisionOutcome.GRANTED) & ~_REVERSED | _REFUSED & _REVERSED
GRANTED_DAY = models.Case(models.When(_REFUSED, then=models.F("appeal__decided_on")), default=models.F("decided_on"))
REFUSAL_APPEALED = _REFUSED & models.Q(appeal__isnull=False, appeal__outcome="")


class Adoption(models.Model):
    """One row per child of a granted decision. The unique child is the database's own
    guarantee that a child can never be adopted twice, however many clerks submit at once."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="adoption")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="adoptions")
    # Kept by the consular sweep from the monitoring schedule of `monitoring_policy` (consular.deadlines):
    # - monitoring_next_due, so that the sweep reads only what fell due since: the first report due
    #   date whose grace period it has not yet seen pass;
    # - monitoring_first_missing, so that a post's queue reads only the children with a report to
    #   ask for: the first due date with no report received (whatever the day: it moves only when a
    #   report is received).
    # None: to be computed (a new adoption; the schedule, the child's birth date or its reports
    # changed: consular.signals); NO_REPORT_LEFT: nothing more to follow (18 reached, every report
    # received, or adopted in the country). Read only under the policy version they were computed
    # with: one that takes effect later makes them stale.
    monitoring_next_due = models.DateField(null=True, blank=True, editable=False)
    monitoring_first_missing = models.DateField(null=True, blank=True, editable=False)
    monitoring_policy = models.ForeignKey(
        "core.Policy",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # compared, never looked up
    )

    NO_REPORT_LEFT = datetime.date.max

    class Meta:
        indexes = [models.Index(fields=["monitoring_next_due"]), models.Index(fields=["monitoring_first_missing"])]

    def __str__(self):
        return f"adoption of child #{self.child_id}"


class Outlook(models.Model):
    """What the eligibility engine said of an open case on `as_of`, kept for the work queue
    (adoption.outlook): derived, never shown as the answer itself (the case page and the API
    evaluate afresh). Recomputed when a write touches the case's file or a child's record, and by
    the daily sweep, since the passing of time alone changes what the checks say."""

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="outlook")
    # the case's district, kept beside it so that a district's queue reads its own outlooks in date
    # order from an index (the case's own district never changes)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", db_index=False)
    as_of = models.DateField()
    eligible = models.BooleanField()
    # the checks that fail or are pending: [[code, the first day it can pass (ISO) or None], ...]
    blocking = models.JSONField(default=list, blank=True)
    # the day the queue lists it on: when every blocking check can pass (the latest of their days);
    # `as_of` when it is eligible, or when a check waits for an action rather than a day
    due_on = models.DateField()
    waiting = models.BooleanField(default=False)  # every blocking check passes by itself on due_on
    # the last day the case's entries on the registers of adopters hold, those the district keeps
    # and those the ministry keeps (rules.register_keeper): each one's queue says it before they run
    # out; None: it keeps none of them, no such check applies, or one of its entries is missing
    district_entries_through = models.DateField(null=True, blank=True)
    ministry_entries_through = models.DateField(null=True, blank=True)
    # an applicant whose entry the ministry keeps is not on the register (the ministry's queue says so)
    ministry_entries_missing = models.BooleanField(default=False, db_default=False)
    # whose entries each keeper's line names, each linked to the page the entry is recorded on:
    # the applicants whose entry it keeps is missing, or else runs out first (ids: a line reads
    # their names through the reader's scope)
    district_entries_of = models.JSONField(default=list, db_default=[], blank=True)
    ministry_entries_of = models.JSONField(default=list, db_default=[], blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["district", "due_on", "case"], name="outlook_by_district"),
            models.Index(
                fields=["ministry_entries_through", "case"],
                name="outlook_ministry_entries",
                condition=models.Q(ministry_entries_through__isnull=False),
            ),
            models.Index(
                fields=["as_of", "case"],
                name="outlook_ministry_missing",
                condition=models.Q(ministry_entries_missing=True),
            ),
        ]

    def __str__(self):
        return f"outlook of case #{self.case_id} on {self.as_of}"
